import { createHash } from "node:crypto";
import type { Parsed } from "./parsed";
import type { EmulatedApiKey } from "./types";

// A user's API keys (2026 API): several named keys per user, each optionally expiring, each
// authenticating as the user. Listed masked; shown in clear text once, when created.

/** The name of the key a user gets when created or seeded (the 2026 spec does not say). */
export const FIRST_KEY_NAME = "default";

/** How many trailing characters a masked key shows, as in the spec's example `****…00000`. */
const VISIBLE_TAIL = 5;

/** Asterisks, then the last 5 characters; a key of 5 characters or fewer is all asterisks. */
export function maskKey(key: string): string {
  if (key.length <= VISIBLE_TAIL) return "*".repeat(key.length);
  return "*".repeat(key.length - VISIBLE_TAIL) + key.slice(-VISIBLE_TAIL);
}

/** An expired key stops authenticating: Vultr answers 401 `Invalid API token.` as for any bad key. */
export function isExpired(key: EmulatedApiKey, now: number): boolean {
  if (!key.expire || key.date_expire === "") return false;
  const at = Date.parse(key.date_expire);
  return !Number.isNaN(at) && at <= now;
}

/** The JSON of one key in GET and POST answers. */
export function apiKeyJson(key: EmulatedApiKey, masked: boolean) {
  return {
    id: key.id,
    api_key: masked ? maskKey(key.api_key) : key.api_key,
    name: key.name,
    expire: key.expire,
    date_expire: key.date_expire,
  };
}

export type NewKeyFields = Pick<EmulatedApiKey, "name" | "expire" | "date_expire">;

/**
 * POST /users/{id}/apikeys: `name` required; `expire` defaults to whether `date_expire` is given;
 * an expiring key needs a future `date_expire`. `""` counts as no date.
 */
export function newKeyFromBody(body: unknown, now: number): Parsed<NewKeyFields> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return invalid("Request body must be a JSON object.");
  }
  const fields = body as Record<string, unknown>;
  const name = fields["name"];
  if (name === undefined) return invalid("name is required.");
  if (typeof name !== "string" || name.trim() === "") {
    return invalid("name must be a non-empty string.");
  }
  const expire = fields["expire"];
  if (expire !== undefined && typeof expire !== "boolean") {
    return invalid("expire must be a boolean (true or false).");
  }
  const rawDate = fields["date_expire"];
  if (rawDate !== undefined && typeof rawDate !== "string") {
    return invalid("date_expire must be an ISO 8601 date-time string.");
  }
  const dateExpire = rawDate ?? "";
  const expires = expire ?? dateExpire !== "";
  if (!expires) {
    if (dateExpire !== "") return invalid("date_expire needs expire: true (or leave expire out).");
    return { ok: true, value: { name, expire: false, date_expire: "" } };
  }
  if (dateExpire === "") return invalid("date_expire is required when expire is true.");
  if (!isIsoDateTime(dateExpire)) {
    return invalid(`date_expire ${JSON.stringify(dateExpire)} is not an ISO 8601 date-time.`);
  }
  if (Date.parse(dateExpire) <= now) return invalid("date_expire must lie in the future.");
  return { ok: true, value: { name, expire: true, date_expire: dateExpire } };
}

/** `2026-12-31`, `2026-12-31T23:59:59Z`, `2026-12-31T23:59:59.5+02:00`. */
export function isIsoDateTime(text: string): boolean {
  const shaped = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(
    text,
  );
  return shaped && !Number.isNaN(Date.parse(text));
}

/**
 * A stable key id for keys the emulator makes up while seeding, so the same seed gives the same
 * ids; keys created through the API get random ones.
 */
export function derivedKeyId(userId: string, salt: string): string {
  const hex = createHash("sha256").update(`${userId}/apikey/${salt}`).digest("hex");
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join("-");
}

function invalid(reason: string): Parsed<never> {
  return { ok: false, reason };
}
