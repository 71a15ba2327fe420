/**
 * ApiAccessPolicy input validation for `check`: pure, one failure per problem, each naming the
 * property (and the list position for an entry of `allowed` or `exempt`).
 */
import { normalizeEmail } from "../account/naming";
import type { CheckFailure } from "../engine/outcomes";
import { isUnknown, UNKNOWN } from "../values/unknown";
import { isVultrUserId, quoteForMessage } from "../values/user-id";
import { POLICY_DEFAULTS, type DeclaredPolicy, type PolicyEntry } from "./types";

export const POLICY_PROPERTIES = [
  "allowed",
  "exempt",
  "maxDisabled",
  "enforce",
  "includeAdmins",
] as const;

// The same pragmatic shape check as UserApiAccess's email: Vultr's list decides the rest.
const EMAIL = /^[^\s@"<>()[\],;:\\]+@[^\s@"<>()[\],;:\\]+\.[^\s@"<>()[\],;:\\]+$/;

export interface PolicyValidation {
  inputs: DeclaredPolicy;
  failures: CheckFailure[];
}

export function validatePolicyInputs(news: Record<string, unknown>): PolicyValidation {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!(POLICY_PROPERTIES as readonly string[]).includes(key) && !key.startsWith("__")) {
      failures.push({
        property: key,
        reason: `unknown property ${quoteForMessage(key)}; ApiAccessPolicy takes ${POLICY_PROPERTIES.join(", ")}`,
      });
    }
  }
  const allowed = entryList("allowed", news.allowed, true, failures);
  const exempt = entryList("exempt", news.exempt, false, failures);
  const maxDisabled = positiveInteger(news.maxDisabled, failures);
  const enforce = flag("enforce", news.enforce, POLICY_DEFAULTS.enforce, failures);
  const includeAdmins = flag(
    "includeAdmins",
    news.includeAdmins,
    POLICY_DEFAULTS.includeAdmins,
    failures,
  );
  return { inputs: { allowed, exempt, maxDisabled, enforce, includeAdmins }, failures };
}

function entryList(
  property: "allowed" | "exempt",
  value: unknown,
  required: boolean,
  failures: CheckFailure[],
): PolicyEntry[] | typeof UNKNOWN {
  if (value === undefined || value === null) {
    if (required) {
      failures.push({
        property,
        reason:
          "allowed is required: list the user ids or emails that may keep API access (an empty list disables everyone the policy may touch)",
      });
    }
    return [];
  }
  if (isUnknown(value)) return UNKNOWN;
  if (!Array.isArray(value)) {
    failures.push({
      property,
      reason: `${property} must be a list of Vultr user ids or emails, got ${typeof value} ${quoteForMessage(value)}`,
    });
    return [];
  }
  const entries: PolicyEntry[] = [];
  value.forEach((item: unknown, index) => {
    const checked = parseEntry(item);
    if (typeof checked === "string") {
      failures.push({ property, reason: `${property}[${index}]: ${checked}` });
    } else {
      entries.push(checked);
    }
  });
  return entries;
}

/** An entry, or why it is not one. */
function parseEntry(item: unknown): PolicyEntry | string {
  if (isUnknown(item)) return { kind: "unknown" };
  if (typeof item !== "string" || item.trim() === "") {
    return `expected a Vultr user id or an email address, got ${typeof item} ${quoteForMessage(item)}`;
  }
  const text = item.trim();
  if (isVultrUserId(text)) return { kind: "id", value: text.toLowerCase() };
  if (text.includes("@")) {
    if (text.length <= 254 && EMAIL.test(text))
      return { kind: "email", value: normalizeEmail(text) };
    return `${quoteForMessage(item)} is not an email address (expected name@domain.tld)`;
  }
  return `${quoteForMessage(item)} is neither a Vultr user id (a UUID such as cb676a46-66fd-4dfb-b839-443f2e6c0b60) nor an email address`;
}

function positiveInteger(value: unknown, failures: CheckFailure[]): number | typeof UNKNOWN {
  if (value === undefined || value === null) return POLICY_DEFAULTS.maxDisabled;
  if (isUnknown(value)) return UNKNOWN;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  failures.push({
    property: "maxDisabled",
    reason: `maxDisabled must be a whole number of at least 1 (the most users one update may disable), got ${quoteForMessage(value)}; to disable nobody, set enforce: false`,
  });
  return POLICY_DEFAULTS.maxDisabled;
}

function flag(
  property: "enforce" | "includeAdmins",
  value: unknown,
  fallback: boolean,
  failures: CheckFailure[],
): boolean | typeof UNKNOWN {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "boolean" || isUnknown(value)) return value;
  failures.push({
    property,
    reason: `${property} must be a boolean (true or false), got ${typeof value} ${quoteForMessage(value)}`,
  });
  return fallback;
}

/** Whether any entry of either list, or either list as a whole, is still to be computed. */
export function hasPendingEntries(declared: DeclaredPolicy): boolean {
  return [declared.allowed, declared.exempt].some(
    (list) => isUnknown(list) || list.some((entry) => entry.kind === "unknown"),
  );
}
