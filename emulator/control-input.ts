import { defaultAllowlist } from "./allowlist";
import { derivedKeyId, FIRST_KEY_NAME } from "./api-keys";
import { allowlistFromInput, apiKeysFromInput } from "./control-records";
import { EmulatorInputError } from "./errors";
import {
  asRecord,
  isBoolean,
  isNonEmptyString,
  isString,
  isStringArray,
  optional,
  required,
} from "./input-guards";
import type { RandomSource } from "./random";
import type { UserChanges } from "./store";
import type { EmulatedUser } from "./types";
import { isoSeconds, isUserStatus, joinName, splitName, USER_STATUSES } from "./user-profile";

export {
  asRecord,
  isBoolean,
  isNonEmptyString,
  isString,
  isStringArray,
  nonNegativeInteger,
  optional,
} from "./input-guards";

// The control plane takes JSON from tests and scripts (and TypeScript callers may cast), so
// everything is checked here once, with messages that name the field.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LEGACY_ID = /^[0-9a-f]{13}$/i;

/** Vultr ids are UUIDs today; older accounts have 13-hex ids. */
export function isUserIdShape(id: string): boolean {
  return UUID.test(id) || LEGACY_ID.test(id);
}

/** A seed user with its defaults filled in; made-up dates count back from `anchor`. */
export function userFromSeed(seed: unknown, random: RandomSource, anchor: number): EmulatedUser {
  const fields = asRecord(seed, "A seed user");
  const id = optional(fields, "id", isString, "a string") ?? random.uuid();
  if (!isUserIdShape(id))
    throw new EmulatorInputError(`id ${JSON.stringify(id)} is not a UUID or 13-hex id.`);
  const email = required(fields, "email", isNonEmptyString, "a non-empty string");
  const givenName = optional(fields, "name", isNonEmptyString, "a non-empty string");
  const givenFirst = optional(fields, "first_name", isNonEmptyString, "a non-empty string");
  const givenLast = optional(fields, "last_name", isString, "a string");
  if (givenName === undefined && givenFirst === undefined) {
    throw new EmulatorInputError("name is required (or first_name and last_name).");
  }
  const name = givenName ?? joinName(givenFirst ?? "", givenLast ?? "");
  const split = splitName(name);
  const status = optional(fields, "status", isUserStatus, STATUS_EXPECTED) ?? "active";
  const apiKey =
    optional(fields, "api_key", isNonEmptyString, "a non-empty string") ?? random.apiKey();
  const since = isoSeconds(anchor);
  return {
    id,
    email,
    name,
    api_enabled: optional(fields, "api_enabled", isBoolean, "a boolean") ?? true,
    acls: dedupe(optional(fields, "acls", isStringArray, "an array of strings") ?? []),
    api_key: apiKey,
    service_user: optional(fields, "service_user", isBoolean, "a boolean") ?? false,
    first_name: givenFirst ?? split.first_name,
    last_name: givenLast ?? (givenFirst === undefined ? split.last_name : ""),
    status,
    last_activity: optional(fields, "last_activity", isString, "a string") ?? "",
    invited_by: optional(fields, "invited_by", isString, "a string") ?? "",
    invited_on: optional(fields, "invited_on", isString, "a string") ?? "",
    invite_accepted:
      optional(fields, "invite_accepted", isBoolean, "a boolean") ?? status !== "pending",
    api_keys: [
      {
        id: derivedKeyId(id, "0"),
        api_key: apiKey,
        name: FIRST_KEY_NAME,
        expire: false,
        date_expire: "",
      },
    ],
    ip_whitelist:
      fields["ip_whitelist"] === undefined
        ? defaultAllowlist(since)
        : allowlistFromInput(fields["ip_whitelist"], since),
  };
}

const STATUS_EXPECTED = `one of ${USER_STATUSES.join(", ")}`;

const STRING_FIELDS = [
  "first_name",
  "last_name",
  "last_activity",
  "invited_by",
  "invited_on",
] as const;

const KNOWN_USER_FIELDS = new Set([
  "email",
  "name",
  "api_enabled",
  "acls",
  "api_key",
  "service_user",
  "password",
  "status",
  "invite_accepted",
  "api_keys",
  "ip_whitelist",
  ...STRING_FIELDS,
]);

/**
 * Drift: any user field but the id, unvalidated beyond its type so tests can put the account
 * into states the API would refuse (an ACL Vultr added later, an odd email, a private range).
 * Allowlist entries given without a date are dated `now` (the emulator's clock).
 */
export function userChanges(input: unknown, random: RandomSource, now: number): UserChanges {
  const fields = asRecord(input, "The user changes");
  if ("id" in fields) throw new EmulatorInputError("id cannot be changed.");
  const unknown = Object.keys(fields).filter((key) => !KNOWN_USER_FIELDS.has(key));
  if (unknown.length > 0)
    throw new EmulatorInputError(`Unknown user field: ${unknown.join(", ")}.`);
  const changes: UserChanges = {};
  const email = optional(fields, "email", isNonEmptyString, "a non-empty string");
  if (email !== undefined) changes.email = email;
  const name = optional(fields, "name", isNonEmptyString, "a non-empty string");
  if (name !== undefined) changes.name = name;
  const apiEnabled = optional(fields, "api_enabled", isBoolean, "a boolean");
  if (apiEnabled !== undefined) changes.api_enabled = apiEnabled;
  const acls = optional(fields, "acls", isStringArray, "an array of strings");
  if (acls !== undefined) changes.acls = dedupe(acls);
  const apiKey = optional(fields, "api_key", isNonEmptyString, "a non-empty string");
  if (apiKey !== undefined) changes.api_key = apiKey;
  const serviceUser = optional(fields, "service_user", isBoolean, "a boolean");
  if (serviceUser !== undefined) changes.service_user = serviceUser;
  const password = optional(fields, "password", isString, "a string");
  if (password !== undefined) changes.password = password;
  for (const key of STRING_FIELDS) {
    const value = optional(fields, key, isString, "a string");
    if (value !== undefined) changes[key] = value;
  }
  const status = optional(fields, "status", isUserStatus, STATUS_EXPECTED);
  if (status !== undefined) changes.status = status;
  const accepted = optional(fields, "invite_accepted", isBoolean, "a boolean");
  if (accepted !== undefined) changes.invite_accepted = accepted;
  if (fields["api_keys"] !== undefined)
    changes.api_keys = apiKeysFromInput(fields["api_keys"], random);
  if (fields["ip_whitelist"] !== undefined) {
    changes.ip_whitelist = allowlistFromInput(fields["ip_whitelist"], isoSeconds(now));
  }
  return changes;
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}
