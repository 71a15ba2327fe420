/**
 * The policy's decisions, without I/O: given the account's users and what the policy allows,
 * who violates it, whom an update disables, whom it leaves alone, and whether diff plans a change.
 */
import { holdsManageUsers } from "../account/key-ownership";
import { describeUser } from "../account/naming";
import type { VultrUser } from "../client/types";
import { isDeclaredOff, NONE_DECLARED_OFF, type DeclaredOff } from "./declared-off";
import type { PolicyOutputs, PolicyUser } from "./types";

/** `allowed` and `exempt` as check resolved them (lower-case user ids). */
export interface Resolution {
  allowed: ReadonlySet<string>;
  exempt: ReadonlySet<string>;
  /** Some entry is not known yet (preview): it may name any user. */
  pending: boolean;
}

export interface PolicySettings {
  enforce: boolean;
  includeAdmins: boolean;
}

export interface PolicyPlan {
  /** Users with API access outside allowed ∪ exempt, by email. */
  violators: VultrUser[];
  /** The violators an update disables (none without `enforce`). */
  toDisable: VultrUser[];
  /** Violators holding manage_users that the policy leaves alone (`includeAdmins: false`). */
  skippedAdmins: VultrUser[];
  /**
   * While an entry is not known yet: API-enabled users that a UserApiAccess of this program
   * grants API access, which that entry presumably names (a grant the policy did not allow would
   * have failed check). They are neither reported nor disabled until the entry is known.
   */
  undecided: VultrUser[];
}

/**
 * @param declaredOff users a UserApiAccess of this program turns off: theirs to write, so they
 *   are neither violators (they are off after the up) nor counted against maxDisabled.
 */
export function planPolicy(
  users: readonly VultrUser[],
  resolution: Resolution,
  settings: PolicySettings,
  grantedInProgram: ReadonlySet<string>,
  declaredOff: DeclaredOff = NONE_DECLARED_OFF,
): PolicyPlan {
  const outside = users
    .filter((user) => user.apiEnabled && !isDeclaredOff(user, declaredOff))
    .filter((user) => {
      const id = user.id.toLowerCase();
      return !resolution.allowed.has(id) && !resolution.exempt.has(id);
    })
    .sort(byEmail);
  const undecided = resolution.pending
    ? outside.filter((user) => grantedInProgram.has(user.id.toLowerCase()))
    : [];
  const violators = outside.filter((user) => !undecided.includes(user));
  const skippedAdmins = settings.includeAdmins ? [] : violators.filter(holdsManageUsers);
  const toDisable = settings.enforce
    ? violators.filter((user) => !skippedAdmins.includes(user))
    : [];
  return { violators, toDisable, skippedAdmins, undecided };
}

function byEmail(a: VultrUser, b: VultrUser): number {
  return a.email.localeCompare(b.email) || a.id.localeCompare(b.id);
}

export function policyUser(user: VultrUser): PolicyUser {
  return { userId: user.id, email: user.email };
}

/** Whether an update would change anything: a write, or outputs that no longer hold. */
export function changesPlanned(
  stored: PolicyOutputs,
  now: PolicyOutputs,
  plan: PolicyPlan,
): boolean {
  if (plan.toDisable.length > 0) return true;
  const settingsChanged =
    stored.enforce !== now.enforce ||
    stored.maxDisabled !== now.maxDisabled ||
    stored.includeAdmins !== now.includeAdmins ||
    !sameList(stored.allowedUserIds, now.allowedUserIds) ||
    !sameList(stored.exemptUserIds, now.exemptUserIds);
  if (settingsChanged) return true;
  // Report only: a new violator is drift to record (and to fail `--expect-no-changes` on once).
  // Admins left alone are never a change: else `--expect-no-changes` could never pass.
  const remaining = (users: readonly PolicyUser[], settled: readonly PolicyUser[]) => {
    const gone = new Set(idsOf(settled));
    return idsOf(users).filter((id) => !gone.has(id));
  };
  return !sameList(
    remaining(stored.violators, [...stored.skippedAdmins, ...stored.disabled]),
    remaining(plan.violators.map(policyUser), plan.skippedAdmins.map(policyUser)),
  );
}

function idsOf(users: readonly PolicyUser[]): string[] {
  return users.map((user) => user.userId.toLowerCase()).sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const [left, right] = [[...a].sort(), [...b].sort()];
  return left.length === right.length && left.every((value, i) => value === right[i]);
}

/** Why an update may not go ahead; empty when it may. Checked before any write. */
export function capFailure(plan: PolicyPlan, maxDisabled: number, policy: string): string[] {
  if (plan.toDisable.length <= maxDisabled) return [];
  const count = plan.toDisable.length;
  return [
    `ApiAccessPolicy "${policy}" would disable API access of ${count} users, more than maxDisabled (${maxDisabled}): ` +
      `${plan.toDisable.map(describeUser).join(", ")} — add those who should keep API access to allowed (or exempt), ` +
      `or set maxDisabled: ${count} to disable them all in one update; nothing was changed`,
  ];
}

/** What is not known yet in preview: an entry of allowed/exempt, or a UserApiAccess declaration. */
export type Pending = false | "entry" | "declaration";

const UNLESS: Record<Exclude<Pending, false>, string> = {
  entry: " (unless an entry not known until the update names that user)",
  declaration:
    " (unless a UserApiAccess whose user is not known until the update turns that user's API access off)",
};

export const notes = {
  wouldDisable: (user: VultrUser, pending: Pending) =>
    `would disable API access of ${describeUser(user)}: not allowed by the policy` +
    (pending === false ? "" : UNLESS[pending]),
  reportOnly: (user: VultrUser) =>
    `${describeUser(user)} has API access but is not allowed by the policy: reported only (enforce: false)`,
  skippedAdmin: (user: VultrUser) =>
    `${describeUser(user)} is not allowed by the policy but holds manage_users: left alone (set includeAdmins: true to include admins)`,
  disabled: (user: VultrUser, policy: string) =>
    `disabled API access of ${describeUser(user)} (not allowed by ApiAccessPolicy "${policy}")`,
};

/** The warnings a reviewer sees for a plan: every violator, and what will happen to it. */
export function planNotes(plan: PolicyPlan, pending: Pending): string[] {
  return plan.violators.map((user) =>
    plan.skippedAdmins.includes(user)
      ? notes.skippedAdmin(user)
      : plan.toDisable.includes(user)
        ? notes.wouldDisable(user, pending)
        : notes.reportOnly(user),
  );
}
