/**
 * What ApiAccessPolicy's handlers share: the declaration read back, the plan made against the
 * whole user list, and the guards checked before any write (too many to disable, the running
 * key's own user, a UserApiAccess of this program that grants what the policy forbids).
 */
import { deployment } from "../account/deployment";
import { refuseSelfRevocation } from "../account/key-ownership";
import { describeUser } from "../account/naming";
import type { Runtime } from "../account/runtime";
import type { VultrUser } from "../client/types";
import { ExpectedFailure } from "../engine/handler-support";
import { resourceNameOf } from "../engine/urn";
import type { CheckFailure } from "../engine/outcomes";
import { UNKNOWN } from "../values/unknown";
import { declaredOffInProgram } from "./declared-off";
import {
  capFailure,
  planPolicy,
  policyUser,
  type Pending,
  type PolicyPlan,
  type Resolution,
} from "./plan";
import { resolveEntries } from "./resolve";
import {
  POLICY_DEFAULTS,
  POLICY_TYPE_NAME,
  type DeclaredPolicy,
  type PolicyOutputs,
} from "./types";
import { validatePolicyInputs } from "./validate";

export type Settings = Pick<PolicyOutputs, "enforce" | "maxDisabled" | "includeAdmins">;

export interface Evaluation {
  resolution: Resolution;
  plan: PolicyPlan;
  settings: Settings;
  /** Some input is not known yet (preview): the plan is what is known so far. */
  pending: Pending;
}

export function policyName(urn: string | undefined): string {
  return resourceNameOf(urn) ?? POLICY_TYPE_NAME;
}

/** The declaration for diff, create and update; failures here mean check was bypassed. */
export function declaredPolicy(news: Record<string, unknown>): DeclaredPolicy {
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
export async function evaluate(
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
export async function guardFailures(
  rt: Runtime,
  ev: Evaluation,
  policy: string,
): Promise<CheckFailure[]> {
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

export function refuseIfGuarded(refusals: readonly CheckFailure[]): void {
  if (refusals.length > 0) {
    throw new ExpectedFailure(refusals.map((refusal) => refusal.reason).join("\n"));
  }
}

export function outputsFor(ev: Evaluation, disabled: readonly VultrUser[]): PolicyOutputs {
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
export async function conflictsWith(
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
