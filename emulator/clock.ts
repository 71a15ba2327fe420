import { EmulatorInputError } from "./errors";

/** A century either way: far enough for any expiry test, near enough to stay a valid date. */
const MAX_OFFSET_SECONDS = 100 * 366 * 86_400;

/**
 * The emulator's "now": the machine's clock plus an offset that tests and demos move instead of
 * waiting. Everything dated goes through it: the `Date` header, whether a key has expired, a
 * user's `last_activity`, dates given to new users, keys and allowlist entries, the request
 * log's arrival times and the rate-limit window.
 */
export class EmulatorClock {
  private offsetMs: number;

  constructor(offsetSeconds = 0) {
    this.offsetMs = checkedClockOffset(offsetSeconds) * 1000;
  }

  /** ms since the epoch, as Vultr's clock would say. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  setOffsetSeconds(seconds: number): void {
    this.offsetMs = checkedClockOffset(seconds) * 1000;
  }
}

/** An offset in whole seconds, within a century either way; anything else is refused. */
export function checkedClockOffset(value: unknown): number {
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    Math.abs(value) > MAX_OFFSET_SECONDS
  ) {
    throw new EmulatorInputError(
      `clockOffsetSeconds must be a whole number of seconds from -${MAX_OFFSET_SECONDS} to ${MAX_OFFSET_SECONDS}.`,
    );
  }
  return value;
}

/** `Thu, 03 Dec 2026 12:00:00 GMT`, as HTTP's `Date` header writes a time (RFC 9110 §5.6.7). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
