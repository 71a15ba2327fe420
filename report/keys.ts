/** API keys as the report shows them: a count, the next expiry, each key's hint, never a key. */
import { keyHint } from "../provider/client/key-match";
import type { KeysEvidence } from "./findings";
import type { ApiKeyInfo, KeyDeclaration, KeyItem } from "./types";

/**
 * Each key by id, name, hint and expiry; the masked key itself is not carried further. With
 * `--state`, a key a UserApiKey made names that resource (`madeBy`).
 */
export function keyItems(
  keys: readonly ApiKeyInfo[],
  madeBy: readonly KeyDeclaration[] = [],
): KeyItem[] {
  return keys.map((key) => {
    const maker = madeBy.find((declared) => declared.keyIds.includes(key.id));
    return {
      id: key.id,
      name: key.name,
      hint: keyHint(key.maskedKey),
      dateExpire: key.expire ? key.dateExpire : null,
      ...(maker === undefined ? {} : { madeBy: { stack: maker.stack, resource: maker.resource } }),
    };
  });
}

export function summarizeKeys(keys: readonly ApiKeyInfo[], now: Date): KeysEvidence {
  let valid = 0;
  let nextExpiry: { at: number; text: string } | undefined;
  for (const key of keys) {
    const at = key.expire && key.dateExpire !== null ? Date.parse(key.dateExpire) : NaN;
    // A key without an expiry, or with one Vultr wrote in a way we cannot read, still works.
    if (!Number.isFinite(at)) {
      valid += 1;
      continue;
    }
    if (at <= now.getTime()) continue;
    valid += 1;
    if (nextExpiry === undefined || at < nextExpiry.at) {
      nextExpiry = { at, text: new Date(at).toISOString() };
    }
  }
  return { count: keys.length, valid, nextExpiry: nextExpiry?.text ?? null };
}
