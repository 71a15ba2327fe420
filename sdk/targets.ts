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

/**
 * The program's ApiAccessPolicy, once declared: its name, and the entries of `allowed` and
 * `exempt` (trimmed, lower-case) when all are plain strings — else undefined, and conflicts are
 * left to the provider's check, which sees the values once they are known.
 */
let policy: { name: string; entries: string[] | undefined } | undefined;
/** UserApiAccess declarations granting API access to a plainly named user. */
const grants: { resourceName: string; userId?: string; email?: string }[] = [];

function plainEntries(allowed: unknown, exempt: unknown): string[] | undefined {
  const lists = [allowed, exempt ?? []];
  if (!lists.every((list) => Array.isArray(list) && list.every((e) => typeof e === "string"))) {
    return undefined;
  }
  return lists.flat().map((entry) => entry.trim().toLowerCase());
}

/**
 * Throws when the policy provably does not allow the grant. An entry of the other kind than the
 * grant's own (an email entry for a grant by id, say) may name the same user: then only the
 * provider can tell.
 */
function refuseUnallowedGrant(
  current: { name: string; entries: string[] },
  grant: (typeof grants)[number],
): void {
  const named = [grant.userId, grant.email].filter((key): key is string => key !== undefined);
  if (named.some((key) => current.entries.includes(key))) return;
  const hasEmails = current.entries.some((entry) => entry.includes("@"));
  const hasIds = current.entries.some((entry) => !entry.includes("@"));
  if ((grant.email === undefined && hasEmails) || (grant.userId === undefined && hasIds)) return;
  throw new Error(
    `UserApiAccess "${grant.resourceName}" declares apiEnabled: true for ${named.join(" / ")}, which ` +
      `ApiAccessPolicy "${current.name}" does not allow (neither its allowed nor its exempt list names ` +
      "that user): add the user to the policy's allowed list, or declare apiEnabled: false",
  );
}

/** A UserApiAccess's declaration, checked against the program's policy when both are plain. */
export function claimAccess(
  resourceName: string,
  userId: unknown,
  email: unknown,
  apiEnabled: unknown,
): void {
  if (apiEnabled !== true) return;
  const grant = {
    resourceName,
    ...(typeof userId === "string" && userId !== "" ? { userId: userId.trim().toLowerCase() } : {}),
    ...(typeof email === "string" && email !== "" ? { email: email.trim().toLowerCase() } : {}),
  };
  if (grant.userId === undefined && grant.email === undefined) return;
  if (policy?.entries !== undefined)
    refuseUnallowedGrant({ ...policy, entries: policy.entries }, grant);
  grants.push(grant);
}

/** Records the program's one ApiAccessPolicy; throws at a second, or at a grant it forbids. */
export function claimPolicy(name: string, allowed: unknown, exempt: unknown): void {
  if (policy !== undefined) {
    throw new Error(
      `ApiAccessPolicy "${name}": this program already declares ApiAccessPolicy "${policy.name}", ` +
        "and a program declares at most one — list every user who may use the API in that one",
    );
  }
  const declared = { name, entries: plainEntries(allowed, exempt) };
  if (declared.entries !== undefined) {
    for (const grant of grants) refuseUnallowedGrant({ name, entries: declared.entries }, grant);
  }
  policy = declared;
}
