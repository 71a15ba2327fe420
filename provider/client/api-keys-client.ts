/**
 * A user's API keys (2026 API): `GET /users/{id}/apikeys`, listed masked. Reached as a method of
 * VultrUsersClient.
 */
import { fail, isRecord } from "./parse";
import type { RequestCore } from "./request-core";
import type { ApiKeyInfo } from "./types";

/** Vultr's example shows the last 5 characters; never keep more of anyone's key than that. */
const VISIBLE_TAIL = 5;

/**
 * The key as Vultr's masked form: asterisks and the last 5 characters. An answer that shows a
 * key in clear text (a proxy, a changed API) is masked here, so no key leaves this module.
 */
function masked(key: string): string {
  const visible = key.replace(/^\*+/, "");
  if (visible.length <= VISIBLE_TAIL) return key;
  return "*".repeat(key.length - VISIBLE_TAIL) + key.slice(-VISIBLE_TAIL);
}

/** `{"api_keys":[{"id","api_key","name","expire","date_expire"}…]}` */
export function parseApiKeys(value: unknown, context: string): ApiKeyInfo[] {
  if (!isRecord(value) || !Array.isArray(value.api_keys)) {
    return fail(context, "has no api_keys list");
  }
  const listed: unknown[] = value.api_keys;
  return listed.map((item, i) => {
    if (!isRecord(item)) return fail(context, `has API key ${i} that is not an object`);
    const { id, api_key: apiKey, name, expire, date_expire: dateExpire } = item;
    if (typeof id !== "string" || id === "") return fail(context, `has API key ${i} without an id`);
    if (typeof apiKey !== "string")
      return fail(context, `has API key ${id} without its masked key`);
    if (typeof expire !== "boolean") {
      return fail(context, `has API key ${id} whose expire is not a boolean`);
    }
    if (dateExpire !== undefined && dateExpire !== null && typeof dateExpire !== "string") {
      return fail(context, `has API key ${id} whose date_expire is not a date`);
    }
    return {
      id,
      maskedKey: masked(apiKey),
      name: typeof name === "string" ? name : "",
      expire,
      dateExpire: typeof dateExpire === "string" && dateExpire !== "" ? dateExpire : null,
    };
  });
}

export async function listApiKeys(core: RequestCore, userId: string): Promise<ApiKeyInfo[]> {
  const path = core.userPath(userId, "/apikeys");
  const label = `Listing the API keys of Vultr user ${userId}`;
  const body = await core.call({ method: "GET", path, label, userId, idempotent: true });
  return parseApiKeys(body, label);
}
