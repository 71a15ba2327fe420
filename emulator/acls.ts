/** The 14 ACL values Vultr knows (2026: `activity_logs`), in the order the emulator returns them. */
export const ACL_VALUES = [
  "abuse",
  "activity_logs",
  "alerts",
  "billing",
  "dns",
  "firewall",
  "loadbalancer",
  "manage_users",
  "objstore",
  "provisioning",
  "subscriptions",
  "subscriptions_view",
  "support",
  "upgrade",
] as const;

export type Acl = (typeof ACL_VALUES)[number];

/** The ACL that lets a sub-user's key manage users. */
export const MANAGE_USERS: Acl = "manage_users";

const knownAcls: ReadonlySet<string> = new Set(ACL_VALUES);

export function isAcl(value: unknown): value is Acl {
  return typeof value === "string" && knownAcls.has(value);
}

/**
 * Deduplicates and puts ACLs in the service's own order, not the order sent: the real API
 * reorders them too (it caused endless Terraform diffs), so clients must compare them as sets.
 */
export function canonicalAcls(acls: readonly Acl[]): Acl[] {
  const wanted = new Set(acls);
  return ACL_VALUES.filter((acl) => wanted.has(acl));
}
