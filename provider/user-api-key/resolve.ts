/**
 * Whose key a UserApiKey declares: the user by id or email, through the shared directory;
 * one declaration per user and name in a deployment; and whether the key will work.
 */
import { describeUser, usersCount } from "../account/naming";
import type { Runtime } from "../account/runtime";
import type { VultrUser } from "../client/types";
import { ExpectedFailure } from "../engine/handler-support";
import type { CheckFailure } from "../engine/outcomes";
import { isUnknown } from "../values/unknown";
import type { DeclaredKey } from "./types";

/** `<userId>/<name>`: stable across rotations, so a rotation is an update. */
export function keyResourceId(userId: string, name: string): string {
  return `${userId.toLowerCase()}/${name}`;
}

/** The user the declaration names, or why not (undefined user while still unknown). */
export async function findUser(
  rt: Runtime,
  declared: DeclaredKey,
): Promise<{ user?: VultrUser; failures: CheckFailure[] }> {
  const { userId, email } = declared;
  if (isUnknown(userId) || isUnknown(email)) return { failures: [] };
  const user =
    userId !== undefined
      ? await rt.directory.get(userId)
      : await rt.directory.findByEmail(email ?? "");
  if (user === undefined) {
    const holds = `the account holds ${usersCount(await rt.directory.total())}`;
    const property = userId !== undefined ? "userId" : "email";
    return {
      failures: [
        {
          property,
          reason: `no Vultr user has the ${property === "userId" ? "id" : "email"} ${userId ?? email} (${holds}); check it, or create the user first`,
        },
      ],
    };
  }
  if (email !== undefined && user.email.trim().toLowerCase() !== email) {
    return {
      failures: [
        {
          property: "userId",
          reason: `userId ${user.id} is Vultr user ${user.email}, but email says ${email}: set one of them, or both naming the same user`,
        },
      ],
    };
  }
  return { user, failures: [] };
}

/** As findUser, for the steps after check: a failure is thrown. */
export async function requireUser(rt: Runtime, declared: DeclaredKey): Promise<VultrUser> {
  const { user, failures } = await findUser(rt, declared);
  if (user === undefined) {
    throw new ExpectedFailure(failures[0]?.reason ?? "the key's user is not known yet");
  }
  return user;
}

/** Declarations seen in this process: `<userId>/<name>` → URN. */
const claims = new Map<string, string>();

/** Two UserApiKey resources of one user and name fail check. */
export function claimKey(user: VultrUser, name: string, urn: string | undefined): CheckFailure[] {
  if (urn === undefined) return [];
  const id = keyResourceId(user.id, name);
  const holder = claims.get(id);
  if (holder !== undefined && holder !== urn) {
    const other = holder.split("::").pop() ?? holder;
    return [
      {
        property: "name",
        reason: `UserApiKey ${other} already declares key ${name} of ${describeUser(user)}: one resource per user and key name`,
      },
    ];
  }
  claims.set(id, urn);
  return [];
}

/** A key is only useful with API access: what the reviewer should know when it is off. */
export function uselessKeyWarning(user: VultrUser, name: string): string | undefined {
  const status = user.status;
  if (status === "suspended" || status === "closed") {
    return `key ${name} of ${describeUser(user)} will not work: the user is ${status}`;
  }
  if (!user.apiEnabled) {
    return `key ${name} of ${describeUser(user)} will not work while the user's API access is off (api_enabled false): declare a UserApiAccess with apiEnabled: true for this user`;
  }
  return undefined;
}
