/**
 * A user's API keys (2026 API): list (masked), create (the key in clear text, once), delete.
 * Reached as methods of VultrUsersClient; these functions hold the wire shapes and what each
 * answer means.
 */
import { ApiKeySecret } from "./api-key-secret";
import { isVultrApiError, VultrInvalidResponseError, VultrUsageError } from "./errors";
import { uncertainWrite } from "./failures";
import { fail, isRecord } from "./parse";
import type { Call, RequestCore } from "./request-core";
import type { ApiKeyInfo, ApiKeyListing, CreatedApiKey, NewApiKey } from "./types";
import { vultrClock } from "./vultr-clock";
import { quoteForMessage } from "../values/user-id";

/** Vultr's example shows the last 5 characters; never keep more of anyone's key than that. */
const VISIBLE_TAIL = 5;

/** Key ids are UUIDs; this admits other plain ids but nothing that changes a URL's path. */
const KEY_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The key as Vultr's masked form: asterisks and the last 5 characters. An answer that shows a
 * key in clear text (a proxy, a changed API) is masked here, so no key leaves this module.
 */
function masked(key: string): string {
  const visible = key.replace(/^\*+/, "");
  if (visible.length <= VISIBLE_TAIL) return key;
  return "*".repeat(key.length - VISIBLE_TAIL) + key.slice(-VISIBLE_TAIL);
}

/** One `{"id","api_key","name","expire","date_expire"}`, or why it is not one. */
function readKey(item: unknown, i: number): ApiKeyInfo | string {
  if (!isRecord(item)) return `has API key ${i} that is not an object`;
  const { id, api_key: apiKey, name, expire, date_expire: dateExpire } = item;
  if (typeof id !== "string" || id === "") return `has API key ${i} without an id`;
  if (typeof apiKey !== "string") return `has API key ${id} without its masked key`;
  if (typeof expire !== "boolean") return `has API key ${id} whose expire is not a boolean`;
  if (dateExpire !== undefined && dateExpire !== null && typeof dateExpire !== "string") {
    return `has API key ${id} whose date_expire is not a date`;
  }
  return {
    id,
    maskedKey: masked(apiKey),
    name: typeof name === "string" ? name : "",
    expire,
    dateExpire: typeof dateExpire === "string" && dateExpire !== "" ? dateExpire : null,
  };
}

/** `{"api_keys":[{"id","api_key","name","expire","date_expire"}…]}` */
export function parseApiKeys(value: unknown, context: string): ApiKeyInfo[] {
  if (!isRecord(value) || !Array.isArray(value.api_keys)) {
    return fail(context, "has no api_keys list");
  }
  const listed: unknown[] = value.api_keys;
  return listed.map((item, i) => {
    const key = readKey(item, i);
    return typeof key === "string" ? fail(context, key) : key;
  });
}

export async function listApiKeys(core: RequestCore, userId: string): Promise<ApiKeyListing> {
  const path = core.userPath(userId, "/apikeys");
  const label = `Listing the API keys of Vultr user ${userId}`;
  const answer = await core.answer({ method: "GET", path, label, userId, idempotent: true });
  return {
    keys: parseApiKeys(answer.body, label),
    clock: vultrClock(answer.headers.get("date"), Date.now()),
  };
}

/** ISO 8601 to the second, as Vultr writes dates: `2027-02-28T12:00:00Z`. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function checkedNewKey(userId: string, key: NewApiKey): void {
  const { name, dateExpire } = key as { name: unknown; dateExpire: unknown };
  if (typeof name !== "string" || name.trim() === "") {
    throw new VultrUsageError(
      `A new API key of Vultr user ${userId} needs a non-empty name, got ${quoteForMessage(name)}; nothing was sent`,
    );
  }
  if (dateExpire !== undefined && !(dateExpire instanceof Date && !isNaN(dateExpire.getTime()))) {
    throw new VultrUsageError(
      `The expiry of new API key ${quoteForMessage(name)} of Vultr user ${userId} must be a valid Date, got ${quoteForMessage(dateExpire)}; nothing was sent`,
    );
  }
}

/**
 * POST /users/{id}/apikeys. Vultr answers 202 with the key in clear text (the docs) or with no
 * body (the 2026 spec): undefined then, and when the answer shows the key masked. The answer
 * is the one chance to learn the key, so a create is never sent twice: an answer that leaves
 * open whether the key was made is a VultrUncertainWriteError (list the keys to find out); a
 * 429, turned away before handling, is retried.
 */
export async function createApiKey(
  core: RequestCore,
  userId: string,
  key: NewApiKey,
): Promise<CreatedApiKey | undefined> {
  const path = core.userPath(userId, "/apikeys");
  checkedNewKey(userId, key);
  const { name, dateExpire } = key;
  const label = `Creating API key ${quoteForMessage(name)} for Vultr user ${userId}`;
  const call: Call = {
    method: "POST",
    path,
    body:
      dateExpire === undefined
        ? { name, expire: false }
        : { name, expire: true, date_expire: isoSeconds(dateExpire) },
    label,
    userId,
    idempotent: false,
    secretAnswer: true,
    uncertainAdvice:
      `list the user's API keys (GET ${path}) and look for one named ${quoteForMessage(name)} ` +
      "before creating it again; delete any such key nobody holds",
  };
  const { body } = await core.answer(call);
  if (body === undefined) return undefined;
  const item = isRecord(body) ? body.api_key : undefined;
  const value = isRecord(item) ? item.api_key : undefined;
  const clear = typeof value === "string" && value !== "" && !value.startsWith("*");
  // Made (and remembered for redaction) before anything else can fail, so no message echoes it.
  const secret = clear ? new ApiKeySecret(value) : undefined;
  const info = readKey(item, 0);
  if (typeof info === "string") {
    const problem = `${label}: Vultr's answer ${info.replace("API key 0", "the new key")}`;
    throw uncertainWrite(call, new VultrInvalidResponseError(problem), 1);
  }
  return secret === undefined ? undefined : { key: info, apiKey: secret };
}

/**
 * "Invalid user." is about the user, which the caller must hear; any other 404 of this path
 * says the key is not there (the emulator's text is "API key not found."; Vultr's is not
 * documented).
 */
function saysKeyAbsent(vultrMessage: string): boolean {
  return !/user/i.test(vultrMessage);
}

/**
 * DELETE /users/{id}/apikeys/{key-id}; Vultr answers 204. A key already gone resolves "absent",
 * not an error: the end state is the same, and a retried DELETE whose first answer was lost
 * meets exactly that. A missing user stays a VultrApiError 404 ("Invalid user.").
 */
export async function deleteApiKey(
  core: RequestCore,
  userId: string,
  keyId: string,
): Promise<"deleted" | "absent"> {
  const base = core.userPath(userId, "/apikeys");
  if (typeof keyId !== "string" || !KEY_ID.test(keyId)) {
    throw new VultrUsageError(
      `${quoteForMessage(keyId)} is not an API key id of Vultr user ${userId} (ids are UUIDs); nothing was sent`,
    );
  }
  const label = `Deleting API key ${keyId} of Vultr user ${userId}`;
  try {
    await core.call({
      method: "DELETE",
      path: `${base}/${keyId}`,
      label,
      userId,
      idempotent: true,
    });
    return "deleted";
  } catch (error) {
    if (isVultrApiError(error) && error.status === 404 && saysKeyAbsent(error.vultrMessage)) {
      return "absent";
    }
    throw error;
  }
}
