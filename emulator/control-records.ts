import { parseSubnet } from "./allowlist";
import { FIRST_KEY_NAME, isIsoDateTime } from "./api-keys";
import { asRecord, isBoolean, isNonEmptyString, isString, optional } from "./input-guards";
import { EmulatorInputError } from "./errors";
import type { RandomSource } from "./random";
import type { AllowlistEntry, EmulatedApiKey } from "./types";

// Keys and allowlist entries handed to the control plane (seeds, drift). Checked for shape only:
// tests may put the account into states the API would refuse (a private range, an expired key).

/** Each entry needs a parseable subnet and a prefix that fits its family. */
export function allowlistFromInput(input: unknown, defaultDate: string): AllowlistEntry[] {
  if (!Array.isArray(input)) {
    throw new EmulatorInputError(
      'ip_whitelist must be an array of {"subnet", "subnet_size"} objects.',
    );
  }
  return (input as unknown[]).map((item, index) => {
    const fields = asRecord(item, `ip_whitelist[${index}]`);
    const parsed = parseSubnet(fields["subnet"], fields["subnet_size"]);
    if (!parsed.ok) throw new EmulatorInputError(`ip_whitelist[${index}]: ${parsed.reason}`);
    const date = optional(fields, "date_added", isString, "a string") ?? defaultDate;
    return {
      subnet: parsed.value.subnet,
      subnet_size: parsed.value.prefix,
      date_added: date,
      ip_type: parsed.value.ip_type,
    };
  });
}

/** A key with its defaults filled in; the caller makes sure its value is not taken. */
export function apiKeyFromInput(
  input: unknown,
  random: RandomSource,
  what = "The API key",
): EmulatedApiKey {
  const fields = asRecord(input ?? {}, what);
  const dateExpire = optional(fields, "date_expire", isString, "a string") ?? "";
  if (dateExpire !== "" && !isIsoDateTime(dateExpire)) {
    throw new EmulatorInputError(
      `${what}: date_expire ${JSON.stringify(dateExpire)} is not an ISO 8601 date-time.`,
    );
  }
  const expire = optional(fields, "expire", isBoolean, "a boolean") ?? dateExpire !== "";
  if (expire && dateExpire === "") {
    throw new EmulatorInputError(`${what}: date_expire is required when expire is true.`);
  }
  return {
    id: optional(fields, "id", isNonEmptyString, "a non-empty string") ?? random.uuid(),
    api_key: optional(fields, "api_key", isNonEmptyString, "a non-empty string") ?? random.apiKey(),
    name: optional(fields, "name", isNonEmptyString, "a non-empty string") ?? FIRST_KEY_NAME,
    expire,
    date_expire: expire ? dateExpire : "",
  };
}

export function apiKeysFromInput(input: unknown, random: RandomSource): EmulatedApiKey[] {
  if (!Array.isArray(input)) throw new EmulatorInputError("api_keys must be an array of keys.");
  return (input as unknown[]).map((item, index) =>
    apiKeyFromInput(item, random, `api_keys[${index}]`),
  );
}
