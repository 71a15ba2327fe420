import { errorBody, parseJson } from "./http-exchange";

/** What to send back; `undefined` body means none (204, 202 for PATCH). */
export interface ApiAnswer {
  status: number;
  body?: unknown;
  /** A PATCH changed the account (for the counters). */
  patchApplied?: boolean;
}

export const NOT_FOUND = { status: 404, body: errorBody(404, "Not found.") } satisfies ApiAnswer;
export const INVALID_TOKEN = {
  status: 401,
  body: errorBody(401, "Invalid API token."),
} satisfies ApiAnswer;
export const INVALID_USER = {
  status: 404,
  body: errorBody(404, "Invalid user."),
} satisfies ApiAnswer;
export const FORBIDDEN = {
  status: 403,
  body: errorBody(403, "Unauthorized to manage users."),
} satisfies ApiAnswer;
export const NO_CONTENT = { status: 204 } satisfies ApiAnswer;

/** A key used from outside its user's allowlist: Vultr names the address it saw. */
export function unauthorizedAddress(address: string): ApiAnswer {
  return { status: 401, body: errorBody(401, `Unauthorized IP address: ${address}`) };
}

export function badRequest(reason: string): ApiAnswer {
  return { status: 400, body: errorBody(400, reason) };
}

export function notFound(reason: string): ApiAnswer {
  return { status: 404, body: errorBody(404, reason) };
}

export function withJsonBody(text: string, answer: (body: unknown) => ApiAnswer): ApiAnswer {
  const parsed = parseJson(text);
  return parsed.ok ? answer(parsed.value) : badRequest(parsed.reason);
}
