/**
 * When to retry and how long to wait. Pure: the random source and the clock are parameters.
 */

/**
 * 429 says the request was turned away before it was handled: any request may be sent again.
 * 500 and 502/503/504 leave open whether it happened, so only an idempotent request (reads, a
 * boolean PATCH, allowlist adds and removes, key deletes; not a key create) may be retried;
 * govultr and Ansible retry 500 too. Other 4xx fail at once: asking again cannot change the answer.
 */
const REFUSED_UNHANDLED: ReadonlySet<number> = new Set([429]);
const MAYBE_HANDLED: ReadonlySet<number> = new Set([500, 502, 503, 504]);

export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  return REFUSED_UNHANDLED.has(status) || (idempotent && MAYBE_HANDLED.has(status));
}

export interface BackoffOptions {
  /** First backoff ceiling, doubled at every attempt. @default 500 */
  retryBaseMs: number;
  /** The largest backoff ceiling. @default 8000 */
  retryMaxMs: number;
}

/**
 * Capped exponential backoff with full jitter: a uniform wait in [0, min(max, base · 2^(n-1))]
 * for retry number n (1-based). Full jitter spreads the retries of many parallel requests, so a
 * 429 burst does not come back as a synchronized second burst.
 */
export function backoffDelayMs(
  retry: number,
  options: BackoffOptions,
  random: () => number,
): number {
  const ceiling = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` in milliseconds, or undefined when absent or unreadable. Vultr documents no
 * such header; honour it when some layer sends one.
 */
export function parseRetryAfterMs(
  header: string | null | undefined,
  now: number,
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (text === "") return undefined;
  // delta-seconds: a non-negative integer (RFC 9110 §10.2.3); fractions are tolerated.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // HTTP-date: a date in the past means "now".
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The wait before the next attempt: Retry-After when the server gave one (up to a cap, so a
 * hostile or confused header cannot park a deployment for an hour), else jittered backoff.
 */
export function nextDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions & { retryAfterCapMs: number },
  random: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.retryAfterCapMs);
  return backoffDelayMs(retry, options, random);
}
