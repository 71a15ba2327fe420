/**
 * The decisions, without I/O: given what is declared, what state holds and what Vultr shows,
 * what should happen. Handlers fetch, call these, act on the result and report.
 */
import type { TakenOver } from "../account/deployment";
import { describeUser } from "../account/naming";
import type { VultrUser } from "../client/types";
import { UNKNOWN, type AccessOutputs, type DeclaredAccess, type OnDeletePolicy } from "./types";

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
  /** Warnings for the person running preview: drift, a user gone, a replace. */
  notes: string[];
  /** What up will do because the declaration changed (INFO: a declared change is not drift). */
  info: string[];
}

/**
 * Compares the declaration with the LIVE user (not only with state), so access changed in the
 * console shows up in every preview and is repaired by the next up.
 *
 * @param live the user the resource manages, as Vultr shows it now; undefined if it is gone
 * @param declaredBefore what the stored inputs declared (after a refresh, `olds.apiEnabled` is
 *   the live value, so the last declaration is what tells drift from a changed declaration)
 */
export function decideDiff(
  olds: AccessOutputs,
  news: DeclaredAccess,
  live: VultrUser | undefined,
  declaredBefore: boolean = olds.apiEnabled,
): DiffDecision {
  const who = describeUser(olds);
  if (news.userId === UNKNOWN || (news.userId === undefined && news.email === UNKNOWN)) {
    return { changes: true, replaces: [], notes: [], info: [] };
  }
  if (news.userId !== undefined && news.userId !== olds.userId) {
    const property = news.email !== undefined ? "email" : "userId";
    return {
      changes: true,
      replaces: [property],
      notes: [replaceNote(olds, news, live, undefined)],
      info: [],
    };
  }
  if (live === undefined) {
    return {
      changes: true,
      replaces: [],
      notes: [
        `Vultr user ${who} no longer exists in the account: ` +
          "remove the resource from the program, or run `pulumi refresh` to drop it from the state",
      ],
      info: [],
    };
  }
  const notes: string[] = [];
  const info: string[] = [];
  let changes = false;
  if (news.apiEnabled === UNKNOWN) {
    changes = true;
  } else if (live.apiEnabled !== news.apiEnabled) {
    changes = true;
    const liveText = `api_enabled is ${live.apiEnabled} in Vultr`;
    if (declaredBefore === news.apiEnabled) {
      notes.push(
        `drift on Vultr user ${describeUser(live)}: ${liveText}, declared ${news.apiEnabled} ` +
          `(changed outside Pulumi) — up will set it to ${news.apiEnabled}`,
      );
    } else {
      info.push(
        `Vultr user ${describeUser(live)}: ${liveText}, declared ${news.apiEnabled} — ` +
          `up will ${news.apiEnabled ? "grant" : "revoke"} API access`,
      );
    }
  } else if (olds.apiEnabled !== news.apiEnabled) {
    // Vultr already holds the new declaration (set in the console): no PATCH is needed, but
    // without an update the apiEnabled output would keep the old value for good.
    changes = true;
    info.push(
      `Vultr user ${describeUser(live)} already has api_enabled ${live.apiEnabled}, ` +
        "as now declared — up will record it without changing Vultr",
    );
  }
  if (news.onDelete !== olds.onDelete) changes = true;
  return { changes, replaces: [], notes, info };
}

/** What preview says of a new resource: whose access its adoption changes, and how. */
export function adoptionNote(live: VultrUser, declared: boolean): string {
  const who = `will adopt Vultr user ${describeUser(live)}`;
  return live.apiEnabled === declared
    ? `${who}: api_enabled already ${declared}; no change`
    : `${who}: api_enabled ${live.apiEnabled} → ${declared}`;
}

/**
 * What preview says of a replace (the declaration now names another user): both users, and
 * what each will get. `previous`/`next` are the live users, when known.
 */
export function replaceNote(
  olds: AccessOutputs,
  news: DeclaredAccess,
  previous: VultrUser | undefined,
  next: VultrUser | undefined,
): string {
  const property = news.email !== undefined ? "email" : "userId";
  const nextName =
    next !== undefined
      ? describeUser(next)
      : news.email !== undefined && news.userId !== undefined
        ? `${news.email} (${news.userId})`
        : (news.userId ?? news.email ?? "unknown user");
  const declared =
    news.apiEnabled === UNKNOWN ? "the declared api_enabled" : `api_enabled ${news.apiEnabled}`;
  const nextGets =
    next === undefined || news.apiEnabled === UNKNOWN
      ? `${nextName} will get ${declared}`
      : next.apiEnabled === news.apiEnabled
        ? `${nextName} keeps ${declared} (no change)`
        : `${nextName} will get ${declared} (now ${next.apiEnabled})`;
  const target = deleteTarget(olds, previous);
  const released =
    previous === undefined
      ? `${describeUser(olds)} no longer exists`
      : target === undefined
        ? `${describeUser(previous)} is released under onDelete "${olds.onDelete}" and keeps api_enabled ${previous.apiEnabled}`
        : `${describeUser(previous)} is released under onDelete "${olds.onDelete}": api_enabled ${previous.apiEnabled} → ${target}, unless another resource of this program now declares it`;
  return `${property} now names Vultr user ${nextName} instead of ${describeUser(olds)}: the resource will be replaced — ${nextGets}; ${released}`;
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

const onOff = (value: boolean): string => (value ? "on" : "off");
const listText = (entries: readonly string[]): string =>
  entries.length === 0 ? "(empty)" : entries.join(", ");

function sameEntries(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((entry) => set.has(entry));
}

/**
 * What the release of a user that another resource of this deployment took over says. Nothing
 * is written; but when that resource recorded another pre-Pulumi value than this one kept (a
 * rename without an alias, the first resource of a swap), the original is dropped with this
 * resource's state, and the line says which value, what is recorded instead, and what a destroy
 * will then do. `swap` tells a replace (the user moved between two declared resources) from a
 * rename, for the advice.
 */
export function releaseNote(
  olds: AccessOutputs,
  next: TakenOver,
  swap: boolean,
): { severity: "info" | "warning"; text: string } {
  const head = `released: Vultr user ${describeUser(olds)} is now managed by UserApiAccess "${next.name}"`;
  const them = `UserApiAccess "${next.name}"`;
  const lost: string[] = [];
  if (olds.initialApiEnabled !== next.initialApiEnabled) {
    const destroy =
      next.onDelete === "restore"
        ? `destroying it will restore ${onOff(next.initialApiEnabled)}`
        : next.onDelete === "disable"
          ? `destroying it will turn API access off (onDelete "disable")`
          : `destroying it will leave API access as it is (onDelete "retain")`;
    lost.push(
      `it had API access ${onOff(olds.initialApiEnabled)} before Pulumi, ${them} records ${onOff(next.initialApiEnabled)}, and ${destroy}`,
    );
  }
  const before = olds.allowedIps === undefined ? undefined : olds.initialAllowedIps;
  if (before !== undefined && next.initialAllowedIps === undefined) {
    lost.push(
      `it had the API allowlist ${listText(before)} before Pulumi, and ${them} does not manage the allowlist, so nothing will restore it`,
    );
  } else if (before !== undefined && next.initialAllowedIps !== undefined) {
    const recorded = next.initialAllowedIps;
    if (!sameEntries(before, recorded)) {
      const destroy =
        next.onDelete === "restore"
          ? `destroying it will restore ${listText(recorded)}`
          : `destroying it will leave the allowlist as it is (onDelete "${next.onDelete}")`;
      lost.push(
        `it had the API allowlist ${listText(before)} before Pulumi, ${them} records ${listText(recorded)}, and ${destroy}`,
      );
    }
  }
  if (lost.length === 0) return { severity: "info", text: `${head}; nothing changed` };
  const advice = swap
    ? "keep each user under its own resource (change apiEnabled, not userId) to keep the original"
    : "use an alias to keep the original";
  return { severity: "warning", text: `${head}; ${lost.join("; ")} — ${advice}` };
}
