import { timingSafeEqual } from "node:crypto";
import { MANAGE_USERS } from "./acls";
import type { UserStore } from "./store";
import type { EmulatedUser } from "./types";

/** Who a valid key belongs to. */
export type Caller = { kind: "owner" } | { kind: "user"; user: EmulatedUser };

/**
 * The caller behind `Authorization: Bearer <key>`, or undefined when the key is missing,
 * unknown, or belongs to a user whose API access is disabled (Vultr then answers 401).
 */
export function identifyCaller(
  authorization: string | undefined,
  ownerKey: string,
  users: UserStore,
): Caller | undefined {
  const key = /^Bearer +(\S+) *$/i.exec(authorization ?? "")?.[1];
  if (key === undefined) return undefined;
  if (sameKey(key, ownerKey)) return { kind: "owner" };
  const user = users.findByApiKey(key);
  return user?.api_enabled === true ? { kind: "user", user } : undefined;
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
