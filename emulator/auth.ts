import { timingSafeEqual } from "node:crypto";
import { MANAGE_USERS } from "./acls";
import { isExpired } from "./api-keys";
import type { UserStore } from "./store";
import type { EmulatedUser } from "./types";
import { statusAllowsApi } from "./user-profile";

/** Who a valid key belongs to. */
export type Caller = { kind: "owner" } | { kind: "user"; user: EmulatedUser };

/**
 * The caller behind `Authorization: Bearer <key>`, or undefined when the key is missing or
 * unknown, has expired, or belongs to a user whose API access is disabled or who is suspended or
 * closed (Vultr then answers 401 `Invalid API token.`). Any of a user's keys will do.
 */
export function identifyCaller(
  authorization: string | undefined,
  account: { ownerKey: string; users: UserStore; now: number },
): Caller | undefined {
  const key = /^Bearer +(\S+) *$/i.exec(authorization ?? "")?.[1];
  if (key === undefined) return undefined;
  if (sameKey(key, account.ownerKey)) return { kind: "owner" };
  const holder = account.users.findByApiKey(key);
  if (holder === undefined) return undefined;
  const { user } = holder;
  if (!user.api_enabled || !statusAllowsApi(user.status) || isExpired(holder.key, account.now)) {
    return undefined;
  }
  return { kind: "user", user };
}

/** Only the account owner and users holding `manage_users` may manage users. */
export function mayManageUsers(caller: Caller): boolean {
  return caller.kind === "owner" || caller.user.acls.includes(MANAGE_USERS);
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
