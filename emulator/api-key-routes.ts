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

/**
 * 202 Accepted, as the 2026 spec says, with the new key in clear text (the docs') or no body
 * (the spec's), as `createKeyAnswer` says. The name's length and the number of keys are limited
 * by knobs, Vultr's own limits being undocumented.
 */
export function createApiKey(user: EmulatedUser, body: unknown, account: Account): ApiAnswer {
  const parsed = newKeyFromBody(body, account.now);
  if (!parsed.ok) return badRequest(parsed.reason);
  const { apiKeyNameMaxLength: maxName, apiKeysPerUser: maxKeys } = account.behaviour;
  if (maxName > 0 && [...parsed.value.name].length > maxName) {
    return badRequest(`name must be at most ${maxName} characters.`);
  }
  if (maxKeys > 0 && user.api_keys.length >= maxKeys) {
    return badRequest(
      `User already has the maximum of ${maxKeys} API keys; delete one before creating another.`,
    );
  }
  let id = account.random.uuid();
  while (user.api_keys.some((key) => key.id === id)) id = account.random.uuid();
  const key: EmulatedApiKey = { id, api_key: freshKeyValue(account), ...parsed.value };
  account.users.update(user.id, { api_keys: [...user.api_keys, key] });
  if (account.behaviour.createKeyAnswer === "empty") return { status: 202 };
  return { status: 202, body: { api_key: apiKeyJson(key, false) } };
}

export function deleteApiKey(user: EmulatedUser, keyId: string, account: Account): ApiAnswer {
  const kept = user.api_keys.filter((key) => key.id !== keyId);
  if (kept.length === user.api_keys.length) return notFound("API key not found.");
  account.users.update(user.id, { api_keys: kept });
  return NO_CONTENT;
}
