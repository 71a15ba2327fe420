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

/**
 * Removes the key from a text. Messages are built without it; this is the last line of defence
 * against an answer that echoes the request (some proxies' error pages do).
 */
export function redact(text: string, apiKey: string): string {
  return apiKey.length >= 8 ? text.split(apiKey).join("[redacted]") : text;
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
