/**
 * The decisions, without I/O: given what is declared, what state holds and what Vultr shows,
 * what should happen. Handlers fetch, call these, act on the result and report.
 */
import type { VultrUser } from "./client/types";
import { UNKNOWN, type AccessOutputs, type DeclaredAccess, type OnDeletePolicy } from "./types";

/** "alice@example.com (cb676a46-…)": how a user is named in every message. */
export function describeUser(user: { id?: string; userId?: string; email?: string }): string {
  const id = user.id ?? user.userId;
  if (user.email && id) return `${user.email} (${id})`;
  return user.email ?? id ?? "unknown user";
}

export function outputsFor(
  live: VultrUser,
  apiEnabled: boolean,
  initialApiEnabled: boolean,
  onDelete: OnDeletePolicy,
): AccessOutputs {
  return {
    userId: live.id,
    email: live.email,
    name: live.name,
    apiEnabled,
    // Vultr may return ACLs in another order than it was sent: a set, so sort it.
    acls: [...new Set(live.acls)].sort(),
    initialApiEnabled,
    onDelete,
  } satisfies AccessOutputs;
}

export interface DiffDecision {
  changes: boolean;
  /** Properties whose change replaces the resource: another user is targeted. */
  replaces: string[];
  /** Lines for the person running preview: drift and what up will do. */
  notes: string[];
}

/**
 * Compares the declaration with the LIVE user (not only with state), so access changed in the
 * console shows up in every preview and is repaired by the next up.
 *
 * @param declaredUserId the user the declaration names (check resolved an email to it)
 * @param live the user the resource manages, as Vultr shows it now; undefined if it is gone
 */
export function decideDiff(
  olds: AccessOutputs,
  news: DeclaredAccess,
  live: VultrUser | undefined,
): DiffDecision {
  const who = describeUser(olds);
  if (news.userId === UNKNOWN || (news.userId === undefined && news.email === UNKNOWN)) {
    return { changes: true, replaces: [], notes: [] };
  }
  if (news.userId !== undefined && news.userId !== olds.userId) {
    const property = news.email !== undefined ? "email" : "userId";
    return {
      changes: true,
      replaces: [property],
      notes: [
        `UserApiAccess: ${property} now names Vultr user ${news.email ?? news.userId} instead of ${who}: ` +
          `the resource will be replaced (the old user is released under its onDelete policy)`,
      ],
    };
  }
  if (live === undefined) {
    return {
      changes: true,
      replaces: [],
      notes: [
        `UserApiAccess: Vultr user ${who} no longer exists in the account: ` +
          "remove the resource from the program, or run `pulumi refresh` to drop it from the state",
      ],
    };
  }
  const notes: string[] = [];
  let changes = false;
  if (news.apiEnabled === UNKNOWN) {
    changes = true;
  } else if (live.apiEnabled !== news.apiEnabled) {
    changes = true;
    const liveText = `api_enabled is ${live.apiEnabled} in Vultr`;
    if (olds.apiEnabled === news.apiEnabled) {
      notes.push(
        `UserApiAccess: drift on Vultr user ${describeUser(live)}: ${liveText}, declared ${news.apiEnabled} ` +
          `(changed outside Pulumi) — up will set it to ${news.apiEnabled}`,
      );
    } else {
      notes.push(
        `UserApiAccess: Vultr user ${describeUser(live)}: ${liveText}, declared ${news.apiEnabled} — ` +
          `up will ${news.apiEnabled ? "grant" : "revoke"} API access`,
      );
    }
  } else if (olds.apiEnabled !== news.apiEnabled) {
    // Vultr already holds the new declaration (set in the console): no PATCH is needed, but
    // without an update the apiEnabled output would keep the old value for good.
    changes = true;
    notes.push(
      `UserApiAccess: Vultr user ${describeUser(live)} already has api_enabled ${live.apiEnabled}, ` +
        "as now declared — up will record it without changing Vultr",
    );
  }
  if (news.onDelete !== olds.onDelete) changes = true;
  return { changes, replaces: [], notes };
}

/** The PATCH a create or update needs, if any: only when the live value differs. */
export function patchNeeded(live: VultrUser, declared: boolean): boolean | undefined {
  return live.apiEnabled === declared ? undefined : declared;
}

/**
 * What deleting the resource writes: `restore` goes back to the value found at adoption,
 * `disable` revokes, `retain` leaves the user as it is. Nothing when the live value already is
 * the target, or the user is gone.
 */
export function deleteTarget(
  olds: AccessOutputs,
  live: VultrUser | undefined,
): boolean | undefined {
  if (live === undefined) return undefined;
  const policy: OnDeletePolicy = olds.onDelete ?? "restore";
  const target =
    policy === "restore" ? olds.initialApiEnabled : policy === "disable" ? false : undefined;
  return target === undefined || target === live.apiEnabled ? undefined : target;
}
