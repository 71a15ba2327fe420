/**
 * Layer 3 of the test plan: the provider in the real dynamic-provider host, driven over gRPC with
 * the text `UserApiAccess` really stores in `__provider`, against the emulator on loopback. The
 * provider suites' front end of the workbench: one host per test (closed by `closeHosts()`),
 * every answer and error message recorded for the final scan for the key.
 */
import type { EmulatorOptions, RunningEmulator } from "../../emulator";
import { PROVIDER_KEY, type ProviderHost } from "./provider-host";
import { OUTPUT_KEYS, RESOURCE_TYPE } from "./resource-shape";
import { emulatorConfig, hostEnv, Workbench, type Props } from "./workbench";

export { OUTPUT_KEYS };

export const PROJECT = "vultr-access";

export function urnOf(name: string): string {
  return `urn:pulumi:test::${PROJECT}::${RESOURCE_TYPE}::${name}`;
}

export interface StartHostOptions {
  /** Stack config handed to Configure. @default the emulator's owner key (secret) and endpoint */
  config?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** @default the fixture's program directory */
  cwd?: string;
  /** Kept open until the fixture closes, instead of until `closeHosts()`. */
  suiteWide?: boolean;
  /** The engine's address, passed to the host as the engine passes it. @default unreachable */
  engineAddress?: string;
}

export interface Adopted {
  id: string;
  /** The outputs as stored in state (`olds` of later diffs, updates and deletes). */
  outs: Props;
  /** The checked inputs. */
  inputs: Props;
}

/** What a suite does to the emulator before each test: nothing, forget its requests, or reset it. */
export type BeforeEachTest = "nothing" | "clearRequestLog" | "reset";

export interface UseFixtureOptions extends EmulatorOptions {
  /** @default "clearRequestLog" */
  beforeEach?: BeforeEachTest;
}

/** One emulator, one program directory, and the provider hosts a suite starts. */
export class ProviderFixture {
  /** Every result and error message the hosts returned, for the final scan for the key. */
  readonly transcript: string[] = [];
  #open: ProviderHost[] = [];
  #workbench: Workbench | undefined;

  private constructor(readonly options: EmulatorOptions) {}

  static async start(options: EmulatorOptions = {}): Promise<ProviderFixture> {
    const fixture = new ProviderFixture(options);
    await fixture.#begin();
    return fixture;
  }

  /**
   * A provider suite's preamble: the fixture starts before the suite's tests and closes after
   * them; before each test the emulator is left as it is, forgets its requests, or is reset; after
   * each, the test's hosts are closed. The fixture may be used in tests and hooks only.
   */
  static use(options: UseFixtureOptions = {}): ProviderFixture {
    const { beforeEach: before = "clearRequestLog", ...emulatorOptions } = options;
    const fixture = new ProviderFixture(emulatorOptions);
    beforeAll(() => fixture.#begin());
    afterAll(() => fixture.close());
    if (before !== "nothing") beforeEach(() => fixture.emulator[before]());
    afterEach(() => fixture.closeHosts());
    return fixture;
  }

  async #begin(): Promise<void> {
    this.#workbench = await Workbench.start({
      emulator: this.options,
      project: PROJECT,
      scratchPrefix: "vultr-user-access-program",
    });
  }

  get workbench(): Workbench {
    if (this.#workbench === undefined) throw new Error("the provider fixture has not started");
    return this.#workbench;
  }

  get emulator(): RunningEmulator {
    return this.workbench.emulator;
  }

  /** The serialized provider, as stored under `__provider` of every resource. */
  get provider(): string {
    return this.workbench.provider;
  }

  get programDir(): string {
    return this.workbench.programDir;
  }

  get apiKey(): string {
    return this.emulator.ownerKey;
  }

  /** A fresh provider process, configured as the engine configures it. */
  async startHost(options: StartHostOptions = {}): Promise<ProviderHost> {
    const host = await this.workbench.startHost({
      env: options.env ?? hostEnv(),
      config: options.config ?? emulatorConfig(this.emulator),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.engineAddress === undefined ? {} : { engineAddress: options.engineAddress }),
      // Closed after the test even when Configure fails.
      onStarted: (started) => {
        if (options.suiteWide !== true) this.#open.push(started);
      },
    });
    return recording(host, this.transcript);
  }

  /**
   * Inputs as the engine sends them: with the serialized provider, and with the URN the SDK
   * passes as `__urn` when the resource's name is given.
   */
  news(inputs: Props, name?: string): Props {
    return {
      [PROVIDER_KEY]: this.provider,
      ...(name === undefined ? {} : { __urn: urnOf(name) }),
      ...inputs,
    };
  }

  /** What `pulumi up` does for a new resource: Check, then Create with the checked inputs. */
  async adopt(host: ProviderHost, name: string, inputs: Props): Promise<Adopted> {
    const urn = urnOf(name);
    const checked = await host.check(urn, {}, this.news(inputs, name));
    expect(checked.failures).toStrictEqual([]);
    const created = await host.create(urn, checked.inputs);
    return { id: created.id, outs: created.outs, inputs: checked.inputs };
  }

  /**
   * What a preview (and the first half of an up) does for an existing resource: Check the
   * program's declaration against the old inputs, then Diff it against the old outputs.
   */
  async preview(host: ProviderHost, name: string, previous: Adopted, declaration: Props) {
    const urn = urnOf(name);
    const checked = await host.check(urn, previous.inputs, this.news(declaration, name));
    expect(checked.failures).toStrictEqual([]);
    const diff = await host.diff(previous.id, urn, previous.outs, checked.inputs);
    return { inputs: checked.inputs, diff };
  }

  /**
   * An earlier `pulumi up` that adopted the resource, in its own provider process: the test's
   * hosts are closed after it and the emulator's request log cleared.
   */
  async earlierUp(name: string, inputs: Props): Promise<Adopted> {
    const host = await this.startHost();
    const adopted = await this.adopt(host, name, inputs);
    await this.closeHosts();
    this.emulator.clearRequestLog();
    return adopted;
  }

  /** A user's allowlist in the emulator, as canonical texts, sorted. */
  allowlistOf(user: { id: string }): string[] {
    return this.emulator
      .getAllowlist(user.id)
      .map((entry) => `${entry.subnet}/${entry.subnet_size}`)
      .sort();
  }

  /** The routes the emulator served since the log was last cleared, e.g. "PATCH /users/:id". */
  routes(): string[] {
    return this.emulator.requestLog().map((entry) => entry.route);
  }

  /** The bodies of the PATCHes the emulator received. */
  patchBodies(): unknown[] {
    return this.emulator
      .requestLog()
      .filter((entry) => entry.method === "PATCH")
      .map((entry) => entry.body);
  }

  /** Everything a person could see: host output, returned outputs, error messages. */
  everythingShown(): string {
    return [...this.workbench.hosts.map((host) => host.output()), ...this.transcript].join("\n");
  }

  /** Ends the provider processes of a test; what they said stays in `everythingShown()`. */
  async closeHosts(): Promise<void> {
    const open = this.#open;
    this.#open = [];
    await Promise.all(open.map((host) => host.close()));
  }

  async close(): Promise<void> {
    // A suite whose start failed has nothing to close (its beforeAll said why).
    await this.#workbench?.close();
  }
}

/**
 * Every output key present and none of them undefined or null; besides them only the provider's
 * hidden bookkeeping (`__provider`, `__urn`, `__inputs`, `__fleetSize`).
 */
export function expectCompleteOutputs(outs: Props): void {
  const visible = Object.keys(outs).filter((key) => !key.startsWith("__"));
  expect(visible.sort()).toStrictEqual([...OUTPUT_KEYS].sort());
  expect(outs[PROVIDER_KEY]).toBeDefined();
  for (const key of Object.keys(outs).filter((k) => k.startsWith("__"))) {
    expect([PROVIDER_KEY, "__urn", "__inputs", "__fleetSize"]).toContain(key);
  }
  for (const key of OUTPUT_KEYS) {
    expect(outs[key]).toBeDefined();
    expect(outs[key]).not.toBeNull();
  }
}

/** Wraps a host so every answer and every error message lands in the transcript. */
function recording(host: ProviderHost, transcript: string[]): ProviderHost {
  const record = async <T>(call: Promise<T>): Promise<T> => {
    try {
      const result = await call;
      transcript.push(JSON.stringify(result) ?? "");
      return result;
    } catch (error) {
      transcript.push(error instanceof Error ? error.message : String(error));
      throw error;
    }
  };
  return {
    ...host,
    check: (urn, olds, news) => record(host.check(urn, olds, news)),
    diff: (id, urn, olds, news) => record(host.diff(id, urn, olds, news)),
    create: (urn, props) => record(host.create(urn, props)),
    read: (id, urn, props, inputs) => record(host.read(id, urn, props, inputs)),
    update: (id, urn, olds, news) => record(host.update(id, urn, olds, news)),
    delete: (id, urn, props) => record(host.delete(id, urn, props)),
  };
}
