import { freshKeyValue, type Account } from "./account";
import { badRequest, NO_CONTENT, notFound, type ApiAnswer } from "./api-answers";
import { apiKeyJson, newKeyFromBody } from "./api-keys";
import type { EmulatedApiKey, EmulatedUser } from "./types";

// /users/{id}/apikeys (2026): list (masked), create (clear text, this once), delete.

export function listApiKeys(user: EmulatedUser, account: Account): ApiAnswer {
  const masked = account.behaviour.maskApiKeys;
  return {
    status: 200,
    body: {
      api_keys: user.api_keys.map((key) => apiKeyJson(key, masked)),
      meta: { total: user.api_keys.length },
    },
  };
}

/** 202 Accepted, as the 2026 spec says, with the new key in clear text. */
export function createApiKey(user: EmulatedUser, body: unknown, account: Account): ApiAnswer {
  const parsed = newKeyFromBody(body, account.now);
  if (!parsed.ok) return badRequest(parsed.reason);
  let id = account.random.uuid();
  while (user.api_keys.some((key) => key.id === id)) id = account.random.uuid();
  const key: EmulatedApiKey = { id, api_key: freshKeyValue(account), ...parsed.value };
  account.users.update(user.id, { api_keys: [...user.api_keys, key] });
  return { status: 202, body: { api_key: apiKeyJson(key, false) } };
}

export function deleteApiKey(user: EmulatedUser, keyId: string, account: Account): ApiAnswer {
  const kept = user.api_keys.filter((key) => key.id !== keyId);
  if (kept.length === user.api_keys.length) return notFound("API key not found.");
  account.users.update(user.id, { api_keys: kept });
  return NO_CONTENT;
}
