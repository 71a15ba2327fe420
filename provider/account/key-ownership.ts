/**
 * A deployment must never lock itself out: turning off API access of the key it runs with, or
 * narrowing the allowlist of that key's user away from the address it calls Vultr from, would
 * make every later step fail with 401 until somebody used the owner's key.
 *
 * Only the account owner and users holding `manage_users` can run this provider, so only such a
 * change to a `manage_users` holder can lock the running key out. Vultr has no "who am I"
 * endpoint; `GET /users/{id}/apikeys` lists a user's keys masked but for their last characters,
 * which tells whether the running key is among them: one request per such user, once per
 * process, shared by check, diff and the write that follows, and by every UserApiKey of that
 * user (`userKeys`). The owner's key belongs to no
 * sub-user and is never refused.
 *
 * The provider cannot see the address it calls from (no answer carries it), so any entry removed
 * from the live allowlist of the running key's own user counts as narrowing, including replacing
 * "any" (0.0.0.0/0, ::/0) by ranges, unless an entry that stays contains it; adding entries
 * never narrows. Preview refuses what up would:
 * check for a new resource, diff for an existing one, and each write asks again (answered from
 * the cache).
 */
import ipaddr from "ipaddr.js";
import { compareAllowlists, formatEntry, type AllowlistEntry } from "../allowlist";
import { keyMatches } from "../client";
import type { ApiKeyInfo, ApiKeyListing, VultrUser } from "../client/types";
import { ExpectedFailure } from "../engine/handler-support";
import { describeUser } from "./naming";
import type { Runtime } from "./runtime";

const MANAGE_USERS = "manage_users";

/**
 * Each user's key list, read once per process (one engine pass) and shared by this check and by
 * every UserApiKey of that user; the keys a step makes or deletes are noted in it.
 */
const listings = new Map<string, Promise<ApiKeyListing>>();

export function holdsManageUsers(user: VultrUser): boolean {
  return user.acls.includes(MANAGE_USERS);
}

/** `userId`'s keys and Vultr's "now" when it listed them: one request per user per process. */
export function userKeys(rt: Runtime, userId: string): Promise<ApiKeyListing> {
  const id = userId.toLowerCase();
  const cached = listings.get(id);
  if (cached !== undefined) return cached;
  const answer = rt.client.listApiKeysWithClock(userId);
  // A failed look-up is not an answer: the next step asks again.
  answer.catch(() => listings.delete(id));
  listings.set(id, answer);
  return answer;
}

/** A key this process made or deleted, so that the shared list stays true without a read. */
export async function noteKeyChange(
  userId: string,
  change: { made: ApiKeyInfo } | { deleted: string },
): Promise<void> {
  const id = userId.toLowerCase();
  const cached = listings.get(id);
  if (cached === undefined) return;
  const { keys, clock } = await cached;
  const next =
    "made" in change
      ? [...keys.filter((key) => key.id !== change.made.id), change.made]
      : keys.filter((key) => key.id !== change.deleted);
  listings.set(id, Promise.resolve({ keys: next, clock }));
}

/** Whether `key` is the key this process runs with (the masked-suffix match). */
export function isRunningKey(rt: Runtime, key: ApiKeyInfo): boolean {
  return keyMatches(key.maskedKey, rt.settings.apiKey);
}

/** Whether the key this process runs with is one of `user`'s keys (from the shared list). */
async function runningKeyBelongsTo(rt: Runtime, user: VultrUser): Promise<boolean> {
  const { keys } = await userKeys(rt, user.id);
  return keys.some((key) => isRunningKey(rt, key));
}

/** What a step is about to do to a user's access, as far as a lock-out goes. */
export interface PlannedChange {
  /** api_enabled goes from true to false. */
  disables: boolean;
  /** Entries removed from the user's live allowlist. */
  removes: readonly AllowlistEntry[];
}

export interface LockoutRefusal {
  property: "apiEnabled" | "allowedIps";
  reason: string;
}

function selfRevocation(user: VultrUser): string {
  return (
    `refusing to disable API access of ${describeUser(user)}: the API key this deployment runs ` +
    "with belongs to that user — run this change with the account owner's key"
  );
}

function narrowing(user: VultrUser, removes: readonly AllowlistEntry[]): string {
  const entries = removes.map(formatEntry).join(", ");
  return (
    `refusing to remove ${entries} from the API allowlist of Vultr user ${describeUser(user)}: ` +
    "the API key this deployment runs with belongs to that user, and the provider cannot see " +
    "the address it calls Vultr from, so this change could lock the deployment out (every later " +
    "preview and up would fail with 401) — run this change with the account owner's key, or " +
    `keep in allowedIps what admits the address this deployment runs from: ${entries} (this ` +
    "key may add entries, never remove them)"
  );
}

/** Whether every address of `inner` lies in `outer` (same family, shorter or equal prefix). */
function within(inner: AllowlistEntry, outer: AllowlistEntry): boolean {
  if (inner.ipType !== outer.ipType || outer.subnetSize > inner.subnetSize) return false;
  const address = ipaddr.parse(inner.subnet);
  const network = ipaddr.parse(outer.subnet);
  return address.kind() === "ipv4"
    ? (address as ipaddr.IPv4).match(network, outer.subnetSize)
    : (address as ipaddr.IPv6).match(network, outer.subnetSize);
}

/**
 * The entries removed from `live` whose addresses `target` no longer admits: an entry removed
 * while a wider one stays (8.8.8.0/24 beside 0.0.0.0/0) narrows nothing.
 */
export function narrowedBy(
  target: readonly AllowlistEntry[],
  live: readonly AllowlistEntry[],
): AllowlistEntry[] {
  const { remove } = compareAllowlists(target, live);
  return remove.filter((entry) => !target.some((kept) => within(entry, kept)));
}

/**
 * What the change would lock out, if the running key is `user`'s: nothing to ask (and no request)
 * unless the user holds `manage_users` and the change disables it or removes an entry.
 */
export async function lockoutRefusals(
  rt: Runtime,
  user: VultrUser,
  change: PlannedChange,
): Promise<LockoutRefusal[]> {
  if (!holdsManageUsers(user)) return [];
  if (!change.disables && change.removes.length === 0) return [];
  if (!(await runningKeyBelongsTo(rt, user))) return [];
  return [
    ...(change.disables ? [{ property: "apiEnabled" as const, reason: selfRevocation(user) }] : []),
    ...(change.removes.length > 0
      ? [{ property: "allowedIps" as const, reason: narrowing(user, change.removes) }]
      : []),
  ];
}

/** Throws before any write that would lock the running key out (see `lockoutRefusals`). */
export async function refuseLockout(
  rt: Runtime,
  user: VultrUser,
  change: PlannedChange,
): Promise<void> {
  const refusals = await lockoutRefusals(rt, user, change);
  if (refusals.length > 0) {
    throw new ExpectedFailure(refusals.map((refusal) => refusal.reason).join("; "));
  }
}

/** Throws before any write that would turn API access off for the running key's own user. */
export function refuseSelfRevocation(rt: Runtime, user: VultrUser): Promise<void> {
  return refuseLockout(rt, user, { disables: true, removes: [] });
}
