/**
 * Pacing: a token bucket that keeps requests under Vultr's limit of 30 per second (per source
 * address). Kept apart from reacting to 429s (the retry policy): the pacer prevents, the retry
 * policy recovers.
 *
 * Implemented as virtual scheduling: each `acquire` reserves the next free slot, so waiters are
 * served in order and no timer runs while nobody waits. In any window of one second at most
 * `burst + rate` requests start, which must stay below the server's limit.
 */
export interface PacerOptions {
  /** Sustained requests per second. */
  ratePerSecond: number;
  /** Requests that may start back to back after an idle period. @default max(1, rate / 4) */
  burst?: number;
}

export class Pacer {
  #intervalMs: number;
  #burst: number;
  /** When the next request may start if no burst credit were left (theoretical arrival time). */
  #nextAt = 0;

  constructor(options: PacerOptions) {
    this.#intervalMs = 0;
    this.#burst = 1;
    this.configure(options);
  }

  configure(options: PacerOptions): void {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError(
        `requests per second must be a positive number, got ${options.ratePerSecond}`,
      );
    }
    this.#intervalMs = 1000 / options.ratePerSecond;
    this.#burst = Math.max(1, Math.floor(options.burst ?? options.ratePerSecond / 4));
  }

  get ratePerSecond(): number {
    return 1000 / this.#intervalMs;
  }

  /** Milliseconds the caller must wait for its slot; reserves the slot. */
  reserve(now: number): number {
    const earliest = this.#nextAt - (this.#burst - 1) * this.#intervalMs;
    const startAt = Math.max(now, earliest);
    this.#nextAt = Math.max(this.#nextAt, now) + this.#intervalMs;
    return startAt - now;
  }

  /** Resolves when the caller may send its request. */
  async acquire(): Promise<void> {
    const wait = this.reserve(Date.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
