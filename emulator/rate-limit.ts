const WINDOW_MS = 1000;

/**
 * Vultr's limit: "more than 30 requests per second ... may return HTTP 429", per source
 * address. A sliding window over the requests it let through: refused requests do not count,
 * so a client that keeps retrying is let back in as soon as the window has room.
 */
export class RateLimiter {
  private readonly acceptedAt = new Map<string, number[]>();

  constructor(private perSecond: number) {}

  /** 0 turns the limit off. */
  setLimit(perSecond: number): void {
    this.perSecond = perSecond;
  }

  get limit(): number {
    return this.perSecond;
  }

  /** Records the request and says true if the window has room for it. */
  tryAccept(source: string, now: number): boolean {
    if (this.perSecond === 0) return true;
    const recent = (this.acceptedAt.get(source) ?? []).filter((at) => at > now - WINDOW_MS);
    if (recent.length >= this.perSecond) {
      this.acceptedAt.set(source, recent);
      return false;
    }
    recent.push(now);
    this.acceptedAt.set(source, recent);
    return true;
  }

  /**
   * Whole seconds until the window has room for `source` again, for a 429's `Retry-After`: at
   * least 1, since the header counts in whole seconds and 0 would invite an immediate retry.
   */
  retryAfterSeconds(source: string, now: number): number {
    const oldest = (this.acceptedAt.get(source) ?? []).find((at) => at > now - WINDOW_MS);
    const waitMs = oldest === undefined ? 0 : oldest + WINDOW_MS - now;
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  forget(): void {
    this.acceptedAt.clear();
  }
}
