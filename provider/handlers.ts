/**
 * The dynamic provider's handlers: the imperative shell. Each one fetches what it needs through
 * the directory, asks the pure core what to do, does it, and reports.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isVultrApiError } from "./client/errors";
import { redact } from "./client/failures";
import { stepDeadline } from "./client/step-deadline";
import { relieveMemory } from "./memory";
import type { VultrUser } from "./client/types";
import { decideDiff, deleteTarget, describeUser, outputsFor, patchNeeded } from "./reconcile";
import { currentApiKey, getRuntime, setConfig, type Runtime } from "./runtime";
import { UNKNOWN, type AccessOutputs, type DeclaredAccess, type OnDeletePolicy } from "./types";
import { isUnknown, normalizeEmail, validateInputs, type CheckFailure } from "./validate";

/**
 * How many resources the program declared (the SDK's `__fleetSize`). Check and diff see it in
 * the inputs; refresh and destroy run no check, so it is also kept in the stored outputs, where
 * read and delete find it. What the program declares now wins over what an earlier run stored.
 */
const FLEET_SIZE_KEY = "__fleetSize";
const fleet: { declared?: number; stored?: number } = {};

function noteFleetSize(value: unknown, source: "declared" | "stored"): void {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) {
    fleet[source] = Math.max(fleet[source] ?? 0, value);
  }
}

/** The outputs to store: the resource's own, and the fleet size hint when the SDK sent one. */
function withFleetSize(outs: AccessOutputs, fleetSize: unknown): Record<string, unknown> {
  return typeof fleetSize === "number" ? { ...outs, [FLEET_SIZE_KEY]: fleetSize } : { ...outs };
}

function runtime(): Runtime {
  const rt = getRuntime();
  const fleetSize = fleet.declared ?? fleet.stored;
  if (fleetSize !== undefined) rt.directory.expectLookups(fleetSize);
  return rt;
}

/** Removes the key from any text as a last line of defence; messages are built without it. */
function scrub(text: string): string {
  const key = currentApiKey() ?? process.env.VULTR_API_KEY;
  return key ? redact(text, key) : text;
}

/**
 * A step (with its read and its PATCH, and their retries) fails within this long, not counting
 * waits for the pacer, so that a hanging API fails a deployment in under a minute.
 */
const STEP_BUDGET_MS = 55_000;

/** Runs a handler body; any failure reaches the engine as one clear, key-free message. */
async function handle<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await stepDeadline.run(STEP_BUDGET_MS, body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(scrub(message), { cause: error });
  } finally {
    relieveMemory();
  }
}

/** Lines written to stdout are shown by the pulumi CLI under the resource. */
function report(lines: readonly string[]): void {
  for (const line of lines) console.log(scrub(line));
}

function usersCount(total: number): string {
  return `${total} user${total === 1 ? "" : "s"}`;
}

function userGone(who: string, total: number | undefined): Error {
  const holds = total === undefined ? "" : ` (the account holds ${usersCount(total)})`;
  return new Error(
    `Vultr user ${who} does not exist in this account${holds}: check the userId or email, ` +
      "or remove the resource from the program and run `pulumi refresh`",
  );
}

/**
 * The declaration for diff, create and update (and its fleet size noted). The engine runs check
 * first, so failures here mean check was bypassed; acting on them could revoke access on a
 * misread value.
 */
function declaredInputs(news: Record<string, unknown>): DeclaredAccess {
  const { inputs, failures } = validateInputs(news);
  if (failures.length > 0) {
    throw new Error(
      `Invalid UserApiAccess inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
    );
  }
  noteFleetSize(inputs.fleetSize, "declared");
  return inputs;
}

function declaredValue(news: DeclaredAccess): boolean {
  if (news.apiEnabled === UNKNOWN) throw new Error("apiEnabled is not known yet");
  return news.apiEnabled;
}

function declaredPolicy(news: DeclaredAccess): OnDeletePolicy {
  return news.onDelete === UNKNOWN ? "restore" : news.onDelete;
}

/** Old state may predate a field; fill what a current provider would have written. */
function storedOutputs(id: string, props: Record<string, unknown>): AccessOutputs {
  noteFleetSize(props[FLEET_SIZE_KEY], "stored");
  const p = props as Partial<AccessOutputs>;
  const apiEnabled = typeof p.apiEnabled === "boolean" ? p.apiEnabled : false;
  return {
    userId: typeof p.userId === "string" && p.userId !== "" ? p.userId : id,
    email: typeof p.email === "string" ? p.email : "",
    name: typeof p.name === "string" ? p.name : "",
    apiEnabled,
    acls: Array.isArray(p.acls) ? p.acls : [],
    initialApiEnabled: typeof p.initialApiEnabled === "boolean" ? p.initialApiEnabled : apiEnabled,
    onDelete: p.onDelete ?? "restore",
  };
}

/** Resolves an email to its user, failing `check` with what the account holds. */
async function resolveIdentity(inputs: DeclaredAccess): Promise<CheckFailure[]> {
  const email = inputs.email;
  if (email === undefined || isUnknown(email) || isUnknown(inputs.userId)) return [];
  const { directory } = runtime();
  const byEmail = await directory.findByEmail(email);
  if (byEmail === undefined) {
    return [
      {
        property: "email",
        reason: `no Vultr user has the email ${JSON.stringify(email)} (the account holds ${usersCount(await directory.total())}); check the address, or create the user first`,
      },
    ];
  }
  if (inputs.userId !== undefined && inputs.userId !== byEmail.id.toLowerCase()) {
    const other = await directory.get(inputs.userId);
    const holder = other === undefined ? "no user in this account" : `user ${describeUser(other)}`;
    return [
      {
        property: "userId",
        reason: `userId ${inputs.userId} and email ${email} name different users: the email belongs to ${byEmail.id}, the id to ${holder}; set one of them, or both naming the same user`,
      },
    ];
  }
  inputs.userId = byEmail.id.toLowerCase();
  return [];
}

async function liveUser(rt: Runtime, userId: string): Promise<VultrUser | undefined> {
  return rt.directory.get(userId);
}

/**
 * PATCHes api_enabled, keeps the directory in step and reports the change (an audit line in the
 * CLI output). A 404 means the user is gone.
 */
async function applyApiEnabled(
  rt: Runtime,
  user: VultrUser,
  value: boolean,
  why: string,
): Promise<void> {
  try {
    await rt.client.setApiEnabled(user.id, value);
  } catch (error) {
    if (isVultrApiError(error) && error.status === 404) rt.directory.forget(user.id);
    throw error;
  }
  rt.directory.recordApiEnabled(user.id, value);
  report([
    `UserApiAccess: ${why}: set api_enabled to ${value} on Vultr user ${describeUser(user)} (was ${user.apiEnabled})`,
  ]);
}

export const handlers = {
  configure(request: dynamic.ConfigureRequest): Promise<void> {
    setConfig(request.config);
    return Promise.resolve();
  },

  async check(
    _olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.CheckResult> {
    return handle(async () => {
      const { inputs, failures } = validateInputs(news);
      noteFleetSize(inputs.fleetSize, "declared");
      if (failures.length > 0) return { inputs: news, failures };
      const identityFailures = await resolveIdentity(inputs);
      if (identityFailures.length > 0) return { inputs: news, failures: identityFailures };
      const { fleetSize, ...checked } = inputs;
      return {
        inputs: fleetSize === undefined ? checked : { ...checked, [FLEET_SIZE_KEY]: fleetSize },
      };
    });
  },

  async diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.DiffResult> {
    return handle(async () => {
      const stored = storedOutputs(id, olds);
      const declared = declaredInputs(news);
      const retargeted = declared.userId !== undefined && declared.userId !== stored.userId;
      const live =
        retargeted || isUnknown(declared.userId)
          ? undefined
          : await liveUser(runtime(), stored.userId);
      const decision = decideDiff(stored, declared, live);
      report(decision.notes);
      // Always explicit: `changes: undefined` makes the engine diff the serialized provider
      // text too, so every provider upgrade would show as an update (pulumi/pulumi#12401).
      return { changes: decision.changes, replaces: decision.replaces, deleteBeforeReplace: false };
    });
  },

  async create(news: Record<string, unknown>): Promise<dynamic.CreateResult> {
    return handle(async () => {
      const declared = declaredInputs(news);
      const rt = runtime();
      const live =
        declared.userId !== undefined
          ? await liveUser(rt, declared.userId)
          : await rt.directory.findByEmail(declared.email ?? "");
      if (live === undefined) {
        throw userGone(declared.userId ?? declared.email ?? "", await rt.directory.total());
      }
      if (declared.email !== undefined && normalizeEmail(live.email) !== declared.email) {
        throw new Error(
          `userId ${live.id} is Vultr user ${live.email}, but email says ${declared.email}: set one of them, or both naming the same user`,
        );
      }
      const value = declaredValue(declared);
      const initialApiEnabled = live.apiEnabled;
      const target = patchNeeded(live, value);
      if (target !== undefined) await applyApiEnabled(rt, live, target, "adopted");
      const outs = outputsFor(live, value, initialApiEnabled, declaredPolicy(declared));
      return { id: live.id, outs: withFleetSize(outs, declared.fleetSize) };
    });
  },

  async read(id: string, props?: Record<string, unknown>): Promise<dynamic.ReadResult> {
    return handle(async () => {
      const stored = storedOutputs(id, props ?? {});
      const live = await liveUser(runtime(), stored.userId);
      // An empty id tells the engine the resource is gone: refresh drops it from the state.
      if (live === undefined) return { id: "" };
      const outs = outputsFor(live, live.apiEnabled, stored.initialApiEnabled, stored.onDelete);
      const inputs = { userId: live.id, apiEnabled: stored.apiEnabled, onDelete: stored.onDelete };
      return { id: live.id, props: withFleetSize(outs, props?.[FLEET_SIZE_KEY]), inputs };
    });
  },

  async update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.UpdateResult> {
    return handle(async () => {
      const stored = storedOutputs(id, olds);
      const declared = declaredInputs(news);
      const rt = runtime();
      const live = await liveUser(rt, stored.userId);
      if (live === undefined) throw userGone(describeUser(stored), await rt.directory.total());
      const value = declaredValue(declared);
      const target = patchNeeded(live, value);
      if (target !== undefined) await applyApiEnabled(rt, live, target, "updated");
      // Always the full outputs: an update that returns none wipes them (pulumi/pulumi#9982).
      const outs = outputsFor(live, value, stored.initialApiEnabled, declaredPolicy(declared));
      return { outs: withFleetSize(outs, declared.fleetSize) };
    });
  },

  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    return handle(async () => {
      const stored = storedOutputs(id, props);
      const rt = runtime();
      const live = await liveUser(rt, stored.userId);
      const target = deleteTarget(stored, live);
      if (live === undefined || target === undefined) return;
      try {
        await applyApiEnabled(rt, live, target, `removed (onDelete "${stored.onDelete}")`);
      } catch (error) {
        // Deleted in Vultr between the read and the PATCH: nothing left to release.
        if (isVultrApiError(error) && error.status === 404) return;
        throw error;
      }
    });
  },
} satisfies dynamic.ResourceProvider;
