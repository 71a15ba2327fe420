/**
 * Input validation for `check`: pure, one failure per problem, each naming the property.
 */
import { normalizeEmail } from "../account/naming";
import { DEFAULT_MAX_ALLOWLIST_ENTRIES, validateAllowedIps } from "../allowlist";
import type { CheckFailure } from "../engine/outcomes";
import { isUnknown, UNKNOWN } from "../values/unknown";
import { isVultrUserId, quoteForMessage } from "../values/user-id";
import { ON_DELETE_POLICIES, type DeclaredAccess, type OnDeletePolicy } from "./types";

export interface Validation {
  inputs: DeclaredAccess;
  failures: CheckFailure[];
}

const KNOWN_PROPERTIES = new Set([
  "userId",
  "email",
  "apiEnabled",
  "onDelete",
  "allowedIps",
  "__fleetSize",
]);
// Pragmatic shape check: Vultr validates the rest; this catches typos and pasted junk.
const EMAIL = /^[^\s@"<>()[\],;:\\]+@[^\s@"<>()[\],;:\\]+\.[^\s@"<>()[\],;:\\]+$/;
const MAX_EMAIL_LENGTH = 254;

/**
 * The engine shows a failure on a property as `property P value V has a problem`, with V looked
 * up as a top-level input: for `allowedIps[0]` that is `{<nil>}`, for `allowedIps` the whole
 * list in Go's notation. So allowedIps failures go on the resource (no property), their reason
 * naming the entry.
 */
function onTheResource(failure: CheckFailure): CheckFailure {
  const { property, reason } = failure;
  if (reason.startsWith(property)) return { property: "", reason };
  return { property: "", reason: `${property}${property.endsWith("]") ? "" : ":"} ${reason}` };
}

export function validateInputs(news: Record<string, unknown>): Validation {
  const failures: CheckFailure[] = [];
  const inputs: DeclaredAccess = { apiEnabled: false, onDelete: "restore" };

  for (const key of Object.keys(news)) {
    if (!KNOWN_PROPERTIES.has(key) && !key.startsWith("__")) {
      failures.push({
        property: key,
        reason: `unknown property ${quoteForMessage(key)}; UserApiAccess takes userId, email, apiEnabled, onDelete and allowedIps`,
      });
    }
  }

  const { userId, email, apiEnabled, onDelete, allowedIps, __fleetSize: fleetSize } = news;

  if (apiEnabled === undefined || apiEnabled === null) {
    failures.push({
      property: "apiEnabled",
      reason:
        "apiEnabled is required: declare true to allow this user to use the Vultr API, false to deny it (there is no default)",
    });
  } else if (typeof apiEnabled === "boolean" || isUnknown(apiEnabled)) {
    inputs.apiEnabled = apiEnabled;
  } else {
    failures.push({
      property: "apiEnabled",
      reason: `apiEnabled must be a boolean (true or false), got ${typeof apiEnabled} ${quoteForMessage(apiEnabled)}`,
    });
  }

  const hasUserId = userId !== undefined && userId !== null && userId !== "";
  const hasEmail = email !== undefined && email !== null && email !== "";
  if (!hasUserId && !hasEmail) {
    failures.push({
      property: "userId",
      reason:
        "set userId (the Vultr user id) or email (the user's email address) to say which user this is",
    });
  }
  if (hasUserId) {
    if (isUnknown(userId)) {
      inputs.userId = userId;
    } else if (typeof userId !== "string") {
      failures.push({
        property: "userId",
        reason: `userId must be a string, got ${typeof userId} ${quoteForMessage(userId)}`,
      });
    } else if (!isVultrUserId(userId)) {
      failures.push({
        property: "userId",
        reason: `userId ${quoteForMessage(userId)} is not a Vultr user id: expected a UUID such as cb676a46-66fd-4dfb-b839-443f2e6c0b60 (or 13 hex digits on older accounts)`,
      });
    } else {
      inputs.userId = userId.toLowerCase();
    }
  }
  if (hasEmail) {
    if (isUnknown(email)) {
      inputs.email = email;
    } else if (typeof email !== "string") {
      failures.push({
        property: "email",
        reason: `email must be a string, got ${typeof email} ${quoteForMessage(email)}`,
      });
    } else if (email.length > MAX_EMAIL_LENGTH) {
      failures.push({
        property: "email",
        reason: `email is ${email.length} characters long; an email address has at most ${MAX_EMAIL_LENGTH}`,
      });
    } else if (!EMAIL.test(email.trim())) {
      failures.push({
        property: "email",
        reason: `email ${quoteForMessage(email)} is not an email address (expected name@domain.tld)`,
      });
    } else {
      inputs.email = normalizeEmail(email);
    }
  }

  if (onDelete === undefined || onDelete === null) {
    inputs.onDelete = "restore";
  } else if (isUnknown(onDelete) || ON_DELETE_POLICIES.includes(onDelete as OnDeletePolicy)) {
    inputs.onDelete = onDelete as OnDeletePolicy | typeof UNKNOWN;
  } else {
    failures.push({
      property: "onDelete",
      reason: `onDelete must be one of "restore", "disable" or "retain", got ${quoteForMessage(onDelete)}`,
    });
  }

  if (allowedIps !== undefined && allowedIps !== null) {
    // Unset: the allowlist is neither read nor touched. A list with values still to come is
    // unknown as a whole: which entries it will hold decides every add and remove.
    const pending =
      isUnknown(allowedIps) || (Array.isArray(allowedIps) && allowedIps.some(isUnknown));
    const checked = validateAllowedIps(allowedIps, {
      apiEnabled: isUnknown(inputs.apiEnabled) ? "unknown" : inputs.apiEnabled,
      maxEntries: DEFAULT_MAX_ALLOWLIST_ENTRIES,
    });
    failures.push(...checked.failures.map(onTheResource));
    inputs.allowedIps = pending ? UNKNOWN : checked.entries;
  }

  if (typeof fleetSize === "number" && Number.isInteger(fleetSize) && fleetSize > 0) {
    inputs.fleetSize = fleetSize;
  }

  return { inputs, failures };
}
