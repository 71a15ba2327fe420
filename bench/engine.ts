/**
 * The engine's side of a deployment, played against a real dynamic-provider host: what
 * `pulumi up`, `preview`, `refresh` and `destroy` send to a dynamic provider, in the engine's
 * order. Check and Diff run one resource at a time (pulumi/pulumi#12351); Create, Update, Read
 * and Delete run `parallel` at a time (`--parallel`), and a step starts as soon as the serial
 * pass has decided it, as the engine's step executor does.
 *
 * A failed step does not stop the others (as with `--continue-on-error`): the benchmark counts
 * failures instead of aborting at the first one.
 */
import type { ProviderHost } from "../tests/support/provider-host";

type Props = Record<string, unknown>;

/** A resource as the program declares it: its URN and inputs (`__provider` included). */
export interface DeclaredResource {
  urn: string;
  inputs: Props;
}

/** A resource as the state file holds it. */
export interface StateEntry {
  urn: string;
  id: string;
  /** The inputs `check` returned, which the engine passes as `olds` to the next check. */
  inputs: Props;
  /** The outputs (`olds` of diff, update and delete; `props` of read). */
  outs: Props;
}

/** The stack's state: entries by URN, in the order they were created. */
export type StackState = Map<string, StateEntry>;

export type Rpc = "Check" | "Diff" | "Create" | "Read" | "Update" | "Delete";

export interface StepFailure {
  rpc: Rpc;
  urn: string;
  message: string;
}

/** What one operation did. */
export interface OperationOutcome {
  rpcs: Record<Rpc, number>;
  /** Resources the operation found to change: creates, updates, or deletes; for preview and refresh, the diffs that said so. */
  changes: number;
  failures: StepFailure[];
  /** URNs whose steps failed, for `settle`. */
  failedUrns: Set<string>;
}

/** Runs tasks `limit` at a time, accepting new ones while earlier ones run. */
export class StepPool {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #tasks: Promise<void>[] = [];

  constructor(limit: number) {
    if (!(limit >= 1)) throw new RangeError(`parallelism must be at least 1, got ${limit}`);
    this.#limit = limit;
  }

  /** Schedules a task; a task must not throw (steps record their own failures). */
  run(task: () => Promise<void>): void {
    this.#tasks.push(this.#start(task));
  }

  async drain(): Promise<void> {
    await Promise.all(this.#tasks);
  }

  async #start(task: () => Promise<void>): Promise<void> {
    if (this.#active >= this.#limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      await task();
    } finally {
      // Hand the slot straight to the next waiter, so a task arriving meanwhile cannot take it.
      const next = this.#waiting.shift();
      if (next === undefined) this.#active -= 1;
      else next();
    }
  }
}

export interface EngineOptions {
  /** Create, Update, Read and Delete steps in flight at once. @default 8 */
  parallel?: number;
}

/** One deployment's worth of engine behaviour over one provider host. */
export class SimulatedEngine {
  readonly #host: ProviderHost;
  readonly #parallel: number;

  constructor(host: ProviderHost, options: EngineOptions = {}) {
    this.#host = host;
    this.#parallel = options.parallel ?? 8;
  }

  /** `pulumi up`: check (and diff) each resource in turn, create or update what changed. */
  async up(program: readonly DeclaredResource[], state: StackState): Promise<OperationOutcome> {
    const outcome = emptyOutcome();
    const pool = new StepPool(this.#parallel);
    for (const resource of program) {
      const old = state.get(resource.urn);
      const checked = await this.#check(outcome, resource, old);
      if (checked === undefined) continue;
      if (old === undefined) {
        outcome.changes += 1;
        pool.run(() => this.#create(outcome, state, resource.urn, checked));
        continue;
      }
      const changed = await this.#diff(outcome, old, checked);
      if (!changed) continue;
      outcome.changes += 1;
      pool.run(() => this.#update(outcome, state, old, checked));
    }
    await pool.drain();
    return outcome;
  }

  /** `pulumi preview`: check and diff only; nothing is created or updated (state is untouched). */
  async preview(
    program: readonly DeclaredResource[],
    state: StackState,
  ): Promise<OperationOutcome> {
    const outcome = emptyOutcome();
    for (const resource of program) {
      const old = state.get(resource.urn);
      const checked = await this.#check(outcome, resource, old);
      if (checked === undefined) continue;
      if (old === undefined || (await this.#diff(outcome, old, checked))) outcome.changes += 1;
    }
    return outcome;
  }

  /** `pulumi refresh`: read every resource in state; a read answering no id drops it. */
  async refresh(state: StackState, only?: ReadonlySet<string>): Promise<OperationOutcome> {
    const outcome = emptyOutcome();
    const pool = new StepPool(this.#parallel);
    for (const entry of selected(state, only)) {
      pool.run(async () => {
        const read = await this.#call(outcome, "Read", entry.urn, () =>
          this.#host.read(entry.id, entry.urn, entry.outs, entry.inputs),
        );
        if (read === undefined) return;
        if (read.id === "") {
          outcome.changes += 1;
          state.delete(entry.urn);
          return;
        }
        if (!sameJson(read.outs, entry.outs)) outcome.changes += 1;
        const inputs = Object.keys(read.inputs).length > 0 ? read.inputs : entry.inputs;
        state.set(entry.urn, { ...entry, id: read.id, outs: read.outs, inputs });
      });
    }
    await pool.drain();
    return outcome;
  }

  /** `pulumi destroy`: delete every resource in state (no dependencies: all at once, reversed). */
  async destroy(state: StackState, only?: ReadonlySet<string>): Promise<OperationOutcome> {
    const outcome = emptyOutcome();
    const pool = new StepPool(this.#parallel);
    for (const entry of selected(state, only).reverse()) {
      outcome.changes += 1;
      pool.run(async () => {
        const done = await this.#call(outcome, "Delete", entry.urn, async () => {
          await this.#host.delete(entry.id, entry.urn, entry.outs);
          return true;
        });
        if (done === true) state.delete(entry.urn);
      });
    }
    await pool.drain();
    return outcome;
  }

  async #check(
    outcome: OperationOutcome,
    resource: DeclaredResource,
    old: StateEntry | undefined,
  ): Promise<Props | undefined> {
    const checked = await this.#call(outcome, "Check", resource.urn, () =>
      this.#host.check(resource.urn, old?.inputs ?? {}, resource.inputs),
    );
    if (checked === undefined) return undefined;
    if (checked.failures.length > 0) {
      const message = checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
      fail(outcome, "Check", resource.urn, message);
      return undefined;
    }
    return checked.inputs;
  }

  async #diff(outcome: OperationOutcome, old: StateEntry, news: Props): Promise<boolean> {
    const diff = await this.#call(outcome, "Diff", old.urn, () =>
      this.#host.diff(old.id, old.urn, old.outs, news),
    );
    // A diff that failed changes nothing; the failure is counted.
    return diff !== undefined && diff.changes !== "DIFF_NONE";
  }

  async #create(
    outcome: OperationOutcome,
    state: StackState,
    urn: string,
    inputs: Props,
  ): Promise<void> {
    const created = await this.#call(outcome, "Create", urn, () => this.#host.create(urn, inputs));
    if (created !== undefined) state.set(urn, { urn, id: created.id, inputs, outs: created.outs });
  }

  async #update(
    outcome: OperationOutcome,
    state: StackState,
    old: StateEntry,
    inputs: Props,
  ): Promise<void> {
    const updated = await this.#call(outcome, "Update", old.urn, () =>
      this.#host.update(old.id, old.urn, old.outs, inputs),
    );
    if (updated !== undefined) state.set(old.urn, { ...old, inputs, outs: updated.outs });
  }

  /** Counts the RPC; a failure is recorded and answers undefined. */
  async #call<T>(
    outcome: OperationOutcome,
    rpc: Rpc,
    urn: string,
    send: () => Promise<T>,
  ): Promise<T | undefined> {
    outcome.rpcs[rpc] += 1;
    try {
      return await send();
    } catch (error) {
      fail(outcome, rpc, urn, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }
}

function emptyOutcome(): OperationOutcome {
  return {
    rpcs: { Check: 0, Diff: 0, Create: 0, Read: 0, Update: 0, Delete: 0 },
    changes: 0,
    failures: [],
    failedUrns: new Set(),
  };
}

function fail(outcome: OperationOutcome, rpc: Rpc, urn: string, message: string): void {
  outcome.failures.push({ rpc, urn, message });
  outcome.failedUrns.add(urn);
}

function selected(state: StackState, only: ReadonlySet<string> | undefined): StateEntry[] {
  return [...state.values()].filter((entry) => only === undefined || only.has(entry.urn));
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortedKeys(a)) === JSON.stringify(sortedKeys(b));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, element]) => [key, sortedKeys(element)]),
  );
}
