/**
 * The findings: stable codes (part of the command's interface, used by `--fail-on` and in every
 * format) and the pure rules that decide them for one user.
 */
import type { AccountUser, AllowlistSummary, KeysSummary, ManagedBy } from "./types";
import { sameAllowlist } from "./allowlist";
import { FINDING_CODES, type FindingCode } from "./finding-codes";

export {
  FINDING_CODES,
  FINDINGS,
  isFindingCode,
  type FindingCode,
  type FindingSource,
  type FindingSpec,
} from "./finding-codes";

const DAY_MS = 24 * 60 * 60 * 1000;
export const KEY_EXPIRY_WINDOW_DAYS = 30;
export const INACTIVITY_DAYS = 90;
const INACTIVE_STATUSES = new Set(["pending", "suspended", "closed"]);

/** Keys as the findings see them: the summary plus how many still work. */
export interface KeysEvidence extends Omit<KeysSummary, "expired" | "items"> {
  /** Keys that never expire or expire after now. */
  valid: number;
}

/** What is known about one user; `null` means not read (the option was off). */
export interface UserEvidence {
  user: AccountUser;
  allowlist: AllowlistSummary | null;
  keys: KeysEvidence | null;
  /** `null` without `--state`. */
  managedBy: ManagedBy[] | null;
}

/** The findings of one user, in the order of FINDINGS. */
export function findingsFor(evidence: UserEvidence, now: Date): FindingCode[] {
  const { user, allowlist, keys, managedBy } = evidence;
  const api = user.apiEnabled;
  const found: Record<FindingCode, boolean> = {
    "api-open-to-any-ip": api && allowlist !== null && (allowlist.anyIpv4 || allowlist.anyIpv6),
    "admin-with-api": api && user.acls.includes("manage_users"),
    "api-without-key": api && keys !== null && keys.valid === 0,
    "key-expiring":
      keys?.nextExpiry != null &&
      Date.parse(keys.nextExpiry) - now.getTime() <= KEY_EXPIRY_WINDOW_DAYS * DAY_MS,
    "inactive-with-api": api && inactiveSince(user.lastActivity, now),
    "api-on-inactive-account": api && INACTIVE_STATUSES.has(user.status ?? ""),
    "unmanaged-api-access": api && managedBy !== null && managedBy.length === 0,
    drift:
      managedBy?.some(
        (entry) =>
          (entry.declaredApiEnabled !== null && entry.declaredApiEnabled !== api) ||
          (entry.declaredAllowedIps !== null &&
            allowlist !== null &&
            !sameAllowlist(entry.declaredAllowedIps, allowlist)),
      ) ?? false,
    "managed-twice":
      (managedBy?.filter((entry) => entry.kind === "UserApiAccess").length ?? 0) >= 2,
  };
  return FINDING_CODES.filter((code) => found[code]);
}

/**
 * Vultr writes `""` when it saw nothing in the past year. A field Vultr did not send at all
 * (an older API) says nothing, so it is not a finding.
 */
function inactiveSince(lastActivity: string | undefined, now: Date): boolean {
  if (lastActivity === undefined) return false;
  if (lastActivity.trim() === "") return true;
  const at = Date.parse(lastActivity);
  return Number.isFinite(at) && now.getTime() - at > INACTIVITY_DAYS * DAY_MS;
}
