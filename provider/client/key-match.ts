/**
 * Whether a listed (masked) API key is the running one. Vultr lists keys as asterisks and the
 * last few characters (`"*******************************00000"`), so a match is "same tail",
 * which is as much as the API tells anyone.
 */

/** Fewer visible characters than this cannot tell keys apart. */
const MIN_VISIBLE = 4;

/**
 * True when the visible tail of `maskedKey` (what follows its leading asterisks, at least 4
 * characters) equals the end of `apiKey`. A key listed in clear text matches only itself.
 */
export function keyMatches(maskedKey: string, apiKey: string): boolean {
  const visible = maskedKey.replace(/^\*+/, "");
  if (visible === maskedKey) return maskedKey === apiKey;
  if (visible.length < MIN_VISIBLE || visible.length > apiKey.length) return false;
  return apiKey.endsWith(visible);
}

/**
 * `"…3f9a2"`: what identifies a listed key to a person without showing it, the visible tail of
 * its masked form (at most 5 characters; a key listed in clear text shows only its last 5).
 */
export function keyHint(maskedKey: string): string {
  return `…${maskedKey.replace(/^\*+/, "").slice(-5)}`;
}
