/**
 * What a failed request says: Vultr's own text (clipped), why the client stopped trying, what
 * to do, and never the key.
 */
import { adviceForTransport } from "./advice";
import {
  isVultrApiError,
  isVultrInvalidResponseError,
  isVultrNetworkError,
  isVultrTimeoutError,
  VultrUncertainWriteError,
  type VultrError,
} from "./errors";
import type { RawResponse } from "./transport";

function vultrText(response: RawResponse): string {
  try {
    const body = JSON.parse(response.text) as unknown;
    if (typeof body === "object" && body !== null && "error" in body) {
      const text = body.error;
      if (typeof text === "string" && text !== "") return text;
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through to the raw start of the body.
  }
  const raw = response.text.trim().replace(/\s+/g, " ").slice(0, 120);
  return raw === "" ? response.statusText || "no error text" : raw;
}

/** Vultr's text, clipped: a huge error body must not become a huge message (or gRPC reply). */
export function clippedVultrText(response: RawResponse): string {
  const text = vultrText(response);
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
}

/** Keys this process made (POST /users/{id}/apikeys answered them in clear text). */
const createdKeys = new Set<string>();

/**
 * Makes every later `redact` scrub a key this process made, wherever the text comes from:
 * an error page echoing a request, a message built from an answer, a log line.
 */
export function rememberCreatedKey(value: string): void {
  if (value.length >= 8) createdKeys.add(value);
}

/**
 * Removes the key, and every key this process made, from a text. Messages are built without
 * them; this is the last line of defence against an answer that echoes the request (some
 * proxies' error pages do).
 */
export function redact(text: string, apiKey: string): string {
  let clean = apiKey.length >= 8 ? text.split(apiKey).join("[redacted]") : text;
  for (const key of createdKeys) clean = clean.split(key).join("[redacted]");
  return clean;
}

/**
 * What looks like a Vultr API key (36 characters of A-Z and 0-9) in a text from an answer that
 * may carry a key nobody has seen yet (a create's), so `redact` cannot know it.
 */
export function scrubKeyLike(text: string): string {
  return text.replace(/(?<![A-Za-z0-9])[A-Z0-9]{36}(?![A-Za-z0-9])/g, "[redacted]");
}

/**
 * A write that is not idempotent (creating a key) got an answer that leaves open whether it
 * happened: a 5xx, a timeout, a broken connection, or a 2xx that cannot be read. It is never
 * sent again, since a second one could make a second key; the caller reads first.
 */
export function uncertainWrite(
  call: { method: string; path: string; label: string; userId?: string; uncertainAdvice?: string },
  cause: VultrError,
  attempts: number,
): VultrUncertainWriteError {
  const path = call.path.split("?")[0] ?? call.path;
  const what = isVultrApiError(cause)
    ? `${call.label}: Vultr answered ${cause.status} ${JSON.stringify(cause.vultrMessage)} (${call.method} ${path})`
    : cause.message;
  const advice =
    call.uncertainAdvice ?? "read the current state from Vultr before trying the change again";
  const tried = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  return new VultrUncertainWriteError(
    {
      method: call.method,
      path,
      attempts,
      ...(call.userId === undefined ? {} : { userId: call.userId }),
      ...(isVultrApiError(cause) ? { status: cause.status } : {}),
    },
    `${what} — so whether Vultr made the change is unknown, and it was not sent again ` +
      `(a second ${call.method} could make it twice): ${advice} [stopped after ${tried}]`,
  );
}

/**
 * The last failure, saying that and why the client stopped trying, and for failures without an
 * HTTP status (API errors carry their own advice) what to do.
 */
export function gaveUp(error: VultrError, attempts: number, limit?: string): VultrError {
  const tried = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  if (!isVultrApiError(error)) {
    const kind = isVultrTimeoutError(error)
      ? "timeout"
      : isVultrNetworkError(error)
        ? "network"
        : "invalid answer";
    error.message += ` — ${adviceForTransport(kind)}`;
  }
  error.message +=
    limit === undefined ? ` [gave up after ${tried}]` : ` [gave up after ${tried} within ${limit}]`;
  return error;
}

/** Why a failure without an HTTP status may be retried, or undefined if it may not. */
export function transientReason(error: unknown): string | undefined {
  if (isVultrTimeoutError(error)) return "timeout";
  if (isVultrNetworkError(error)) return "network error";
  // A 200 with HTML or a cut-off body is a glitch between us and Vultr; the request core asks
  // again only for idempotent requests.
  if (isVultrInvalidResponseError(error)) return "invalid answer";
  return undefined;
}
