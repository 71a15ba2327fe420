/**
 * Program-side bookkeeping. Only the program sees every resource (the provider's `check` sees
 * no resource names), so this is where two resources claiming one user are caught, and where the
 * size of the fleet is counted for the provider's directory.
 */
const claims = new Map<string, string>();
let declared = 0;

function keysOf(userId: unknown, email: unknown): string[] {
  const keys: string[] = [];
  if (typeof userId === "string" && userId !== "") keys.push(`id:${userId.trim().toLowerCase()}`);
  if (typeof email === "string" && email !== "") keys.push(`email:${email.trim().toLowerCase()}`);
  return keys;
}

/** Records that `resourceName` manages this user; throws if another resource already does. */
export function claimTarget(resourceName: string, userId: unknown, email: unknown): void {
  for (const key of keysOf(userId, email)) {
    const owner = claims.get(key);
    if (owner !== undefined && owner !== resourceName) {
      const [kind, value] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
      throw new Error(
        `UserApiAccess "${resourceName}" targets the same Vultr user as UserApiAccess "${owner}" ` +
          `(${kind === "id" ? "userId" : "email"} ${value}): declare each user's API access once`,
      );
    }
  }
  for (const key of keysOf(userId, email)) claims.set(key, resourceName);
}

export function countDeclared(): number {
  declared += 1;
  return declared;
}

export function declaredCount(): number {
  return declared;
}
