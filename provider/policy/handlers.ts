/**
 * The ApiAccessPolicy handlers: the imperative shell over the policy's pure core. Each reads the
 * account through the directory UserApiAccess shares (one list read per process for both), asks
 * the core what to do, does it, and says what it did on the policy resource.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isVultrApiError } from "../client/errors";
import type { VultrUser } from "../client/types";
import { deployment, resourceNameOf, resourceRef } from "../deployment";
import { ExpectedFailure, handle, runtime } from "../handler-support";
import { forecast, notePass, say } from "../messages";
import { describeUser } from "../reconcile";
import { setConfig, type Runtime } from "../runtime";
import { refuseSelfRevocation } from "../self-revocation";
import { urnOf } from "../stored-state";
import { UNKNOWN } from "../types";
import type { CheckFailure } from "../validate";
import {
  capFailure,
  changesPlanned,
  notes,
  planNotes,
  planPolicy,
  policyUser,
  type Pending,
  type PolicyPlan,
  type Resolution,
} from "./plan";
import { declaredOffInProgram } from "./declared-off";
import { resolveEntries } from "./resolve";
import { policyStateToStore, storedPolicy } from "./stored";
import {
  POLICY_DEFAULTS,
  POLICY_ID,
  POLICY_TYPE_NAME,
  type DeclaredPolicy,
  type PolicyOutputs,
} from "./types";
import { hasPendingEntries, validatePolicyInputs } from "./validate";

type Settings = Pick<PolicyOutputs, "enforce" | "maxDisabled" | "includeAdmins">;

interface Evaluation {
  resolution: Resolution;
  plan: PolicyPlan;
  settings: Settings;
  /** Some input is not known yet (preview): the plan is what is known so far. */
  pending: Pending;
}

function policyName(urn: string | undefined): string {
  return resourceNameOf(urn) ?? POLICY_TYPE_NAME;
}

/** The declaration for diff, create and update; failures here mean check was bypassed. */
function declaredPolicy(news: Record<string, unknown>): DeclaredPolicy {
  const { inputs, failures } = validatePolicyInputs(news);
  if (failures.length > 0) {
    throw new ExpectedFailure(
      `Invalid ApiAccessPolicy inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
    );
  }
  return inputs;
}

/** Known settings, the defaults standing in for values still to come. */
function settingsOf(declared: DeclaredPolicy): Settings {
  const known = <T>(value: T | typeof UNKNOWN, fallback: T): T =>
    value === UNKNOWN ? fallback : value;
  return {
    enforce: known(declared.enforce, POLICY_DEFAULTS.enforce),
    maxDisabled: known(declared.maxDisabled, POLICY_DEFAULTS.maxDisabled),
    includeAdmins: known(declared.includeAdmins, POLICY_DEFAULTS.includeAdmins),
  };
}

/** Users a UserApiAccess of this program grants API access (as their checks recorded). */
function grantedInProgram(): Set<string> {
  return new Set(
    deployment
      .declaredAccess()
      .filter((declaration) => declaration.apiEnabled)
      .map((declaration) => declaration.userId),
  );
}

/**
 * Reads the whole list once (later lookups of ids and emails are served from it) and plans.
 * `resolved` is check's resolution, when check already did it.
 */
async function evaluate(
  rt: Runtime,
  declared: DeclaredPolicy,
  news: Record<string, unknown>,
  resolved?: Resolution,
): Promise<Evaluation> {
  const users = await rt.directory.all();
  let resolution = resolved;
  if (resolution === undefined) {
    const result = await resolveEntries(rt.directory, declared);
    if (result.failures.length > 0) {
      throw new ExpectedFailure(
        `ApiAccessPolicy inputs no longer name Vultr users: ${result.failures.map((f) => f.reason).join("; ")} — run \`pulumi preview\` again`,
      );
    }
    resolution = result.resolution;
  }
  const settings = settingsOf(declared);
  const declaredOff = declaredOffInProgram(news);
  const pending: Pending =
    resolution.pending ||
    [declared.enforce, declared.maxDisabled, declared.includeAdmins].includes(UNKNOWN)
      ? "entry"
      : declaredOff.pending && "declaration";
  const plan = planPolicy(users, resolution, settings, grantedInProgram(), declaredOff);
  return { resolution, plan, settings, pending };
}

/**
 * Why the update may not write, checked before any write: too many to disable, or the running
 * key's own user among them (one request per admin to disable, once per process).
 */
async function guardFailures(rt: Runtime, ev: Evaluation, policy: string): Promise<CheckFailure[]> {
  const cap = capFailure(ev.plan, ev.settings.maxDisabled, policy);
  if (cap.length > 0) return cap.map((reason) => ({ property: "maxDisabled", reason }));
  const refusals: CheckFailure[] = [];
  for (const user of ev.plan.toDisable) {
    try {
      await refuseSelfRevocation(rt, user);
    } catch (error) {
      if (!(error instanceof ExpectedFailure)) throw error;
      refusals.push({
        property: "includeAdmins",
        reason: `${error.message}; or add that user to the exempt list of ApiAccessPolicy "${policy}" (or set includeAdmins: false); nothing was changed`,
      });
    }
  }
  return refusals;
}

function refuseIfGuarded(refusals: readonly CheckFailure[]): void {
  if (refusals.length > 0) {
    throw new ExpectedFailure(refusals.map((refusal) => refusal.reason).join("\n"));
  }
}

function outputsFor(ev: Evaluation, disabled: readonly VultrUser[]): PolicyOutputs {
  return {
    violators: ev.plan.violators.map(policyUser),
    disabled: disabled.map(policyUser),
    skippedAdmins: ev.plan.skippedAdmins.map(policyUser),
    allowedUserIds: [...ev.resolution.allowed].sort(),
    exemptUserIds: [...ev.resolution.exempt].sort(),
    ...ev.settings,
  } satisfies PolicyOutputs;
}

/** A check failure for each UserApiAccess of this program that grants what the policy forbids. */
async function conflictsWith(
  rt: Runtime,
  resolution: Resolution,
  policy: string,
): Promise<CheckFailure[]> {
  const conflicting = deployment
    .declaredAccess()
    .filter(
      (d) => d.apiEnabled && !resolution.allowed.has(d.userId) && !resolution.exempt.has(d.userId),
    );
  const failures: CheckFailure[] = [];
  for (const d of conflicting) {
    const user = await rt.directory.get(d.userId);
    failures.push({
      property: "allowed",
      reason: `UserApiAccess "${d.by.name}" declares apiEnabled: true for Vultr user ${describeUser(user ?? { id: d.userId })}, which ApiAccessPolicy "${policy}" does not allow: add the user to allowed (or exempt), or declare apiEnabled: false there`,
    });
  }
  return failures;
}

/** Where the step is when a write fails: what state should record (ErrorResourceInitFailed). */
interface Progress {
  properties?: Record<string, unknown>;
}

/**
 * Create and update: disable each violator, one PATCH each, an audit line each. A failure part
 * way leaves the outputs of what was done in `progress`, so state records whom it disabled.
 */
async function enforcePolicy(
  news: Record<string, unknown>,
  progress: Progress,
): Promise<Record<string, unknown>> {
  const declared = declaredPolicy(news);
  const urn = urnOf(news);
  const policy = policyName(urn);
  const rt = runtime();
  const ev = await evaluate(rt, declared, news);
  if (ev.pending !== false) throw new ExpectedFailure("ApiAccessPolicy inputs are not known yet");
  for (const user of ev.plan.violators.filter((v) => !ev.plan.toDisable.includes(v))) {
    const note = ev.plan.skippedAdmins.includes(user)
      ? notes.skippedAdmin(user)
      : notes.reportOnly(user);
    // Said by this pass's check or diff too: once per command, and once per `up` (its preview).
    forecast("warning", urn, note);
  }
  refuseIfGuarded(await guardFailures(rt, ev, policy));
  const disabled: VultrUser[] = [];
  for (const user of ev.plan.toDisable) {
    try {
      await rt.client.setApiEnabled(user.id, false);
    } catch (error) {
      if (isVultrApiError(error) && error.status === 404) {
        // Deleted since the list was read: nobody left to disable.
        rt.directory.forget(user.id);
        continue;
      }
      progress.properties = {
        ...policyStateToStore(outputsFor(ev, disabled), urn),
        __provider: news.__provider,
      };
      throw new ExpectedFailure(partialFailure(error, policy, disabled, ev.plan, user));
    }
    rt.directory.recordApiEnabled(user.id, false);
    deployment.recordDisabledByPolicy(user.id);
    disabled.push(user);
    say("info", urn, notes.disabled(user, policy));
  }
  return policyStateToStore(outputsFor(ev, disabled), urn);
}

function partialFailure(
  error: unknown,
  policy: string,
  disabled: readonly VultrUser[],
  plan: PolicyPlan,
  failed: VultrUser,
): string {
  const reason = error instanceof Error ? error.message : String(error);
  const left = plan.toDisable.filter((user) => !disabled.includes(user));
  const done =
    disabled.length === 0
      ? "none disabled yet"
      : `disabled so far: ${disabled.map(describeUser).join(", ")}`;
  return (
    `ApiAccessPolicy "${policy}" could not disable API access of ${describeUser(failed)}: ${reason} — ` +
    `${done}; still to disable: ${left.map(describeUser).join(", ")}. Run \`pulumi up\` again to finish`
  );
}

/** Runs create or update; a failure part way carries the outputs of what was done. */
async function enforceStep(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const progress: Progress = {};
  try {
    return await handle(() => enforcePolicy(news, progress));
  } catch (error) {
    if (progress.properties !== undefined && error instanceof Error) {
      // The dynamic-provider host answers an error carrying `id` with ErrorResourceInitFailed:
      // the engine keeps these outputs, so state records whom this step disabled.
      Object.assign(error, {
        id: POLICY_ID,
        properties: progress.properties,
        reasons: [error.message],
      });
    }
    throw error;
  }
}

export const policyHandlers = {
  configure(request: dynamic.ConfigureRequest): Promise<void> {
    // The same settings keep the process's runtime (and its snapshot): see setConfig.
    setConfig(request.config);
    return Promise.resolve();
  },

  async check(
    olds: Record<string, unknown>,
    announced: Record<string, unknown>,
  ): Promise<dynamic.CheckResult> {
    return handle(async () => {
      const news = notePass(announced);
      const { inputs, failures } = validatePolicyInputs(news);
      if (failures.length > 0) return { inputs: news, failures };
      const urn = urnOf(news);
      const policy = policyName(urn);
      const rt = runtime();
      // The whole list first: every entry is then looked up in it, not read one by one.
      await rt.directory.all();
      const resolved = await resolveEntries(rt.directory, inputs);
      if (resolved.failures.length > 0) return { inputs: news, failures: resolved.failures };
      const { resolution } = resolved;
      if (!hasPendingEntries(inputs)) {
        const conflicts = await conflictsWith(rt, resolution, policy);
        if (conflicts.length > 0) return { inputs: news, failures: conflicts };
        deployment.recordPolicy({
          by: resourceRef(urn, POLICY_TYPE_NAME),
          allowed: resolution.allowed,
          exempt: resolution.exempt,
        });
      }
      // A new policy: only check runs in preview, so this is where a reviewer sees every
      // violator before exclusivity is switched on.
      if (Object.keys(olds).length === 0) {
        const ev = await evaluate(rt, inputs, news, resolution);
        for (const note of planNotes(ev.plan, ev.pending)) forecast("warning", urn, note);
        if (ev.pending === false) {
          const refusals = await guardFailures(rt, ev, policy);
          if (refusals.length > 0) return { inputs: news, failures: refusals };
        }
      }
      return { inputs: news };
    });
  },

  async diff(
    _id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.DiffResult> {
    return handle(async () => {
      const stored = storedPolicy(olds);
      const declared = declaredPolicy(news);
      const urn = urnOf(news) ?? stored.urn;
      const rt = runtime();
      const ev = await evaluate(rt, declared, news);
      for (const note of planNotes(ev.plan, ev.pending)) forecast("warning", urn, note);
      if (ev.pending !== false) return { changes: true, replaces: [], deleteBeforeReplace: false };
      refuseIfGuarded(await guardFailures(rt, ev, policyName(urn)));
      // Always explicit: `changes: undefined` makes the engine diff the serialized provider
      // text too, so every provider upgrade would show as an update (pulumi/pulumi#12401).
      return {
        changes: changesPlanned(stored.outs, outputsFor(ev, []), ev.plan),
        replaces: [],
        deleteBeforeReplace: false,
      };
    });
  },

  async create(news: Record<string, unknown>): Promise<dynamic.CreateResult> {
    return { id: POLICY_ID, outs: await enforceStep(news) };
  },

  async read(id: string, props?: Record<string, unknown>): Promise<dynamic.ReadResult> {
    return handle(
      async () => {
        const stored = storedPolicy(props ?? {});
        const rt = runtime();
        const users = await rt.directory.all();
        const resolution: Resolution = {
          allowed: new Set(stored.outs.allowedUserIds),
          exempt: new Set(stored.outs.exemptUserIds),
          pending: false,
        };
        const plan = planPolicy(users, resolution, stored.outs, new Set());
        const outs: PolicyOutputs = {
          ...stored.outs,
          violators: plan.violators.map(policyUser),
          skippedAdmins: plan.skippedAdmins.map(policyUser),
        };
        return { id, props: policyStateToStore(outs, stored.urn) };
      },
      { storedConfiguration: true },
    );
  },

  async update(
    _id: string,
    _olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.UpdateResult> {
    // Always the full outputs: an update that returns none wipes them (pulumi/pulumi#9982).
    return { outs: await enforceStep(news) };
  },

  async delete(_id: string, props: Record<string, unknown>): Promise<void> {
    return handle(() => {
      const { urn } = storedPolicy(props);
      // Stopping enforcement is not a mass change: nobody is re-enabled, nothing is read.
      say(
        "info",
        urn,
        `ApiAccessPolicy "${policyName(urn)}" removed: enforcement stopped; every user's API access left as it is`,
      );
      return Promise.resolve();
    });
  },
} satisfies dynamic.ResourceProvider;
