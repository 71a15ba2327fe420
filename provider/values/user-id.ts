/**
 * Vultr user ids are UUIDs today; older accounts still carry 13-hex ids ("564a1a88947b4").
 * An id goes into a URL path, so anything else (`../account`, `%2F`, spaces) is refused before
 * a request is made.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LEGACY_HEX = /^[0-9a-f]{13}$/i;

export function isVultrUserId(value: string): boolean {
  return UUID.test(value) || LEGACY_HEX.test(value);
}

/** A short, safe rendering of an untrusted value for error messages. */
export function quoteForMessage(value: unknown, max = 60): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const clipped = text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
  return JSON.stringify(clipped);
}
