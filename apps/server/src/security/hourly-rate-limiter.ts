/**
 * Per-credential hourly request limits with the numbers the X-RateLimit-* headers need.
 *
 * Why our own and not rate-limiter-flexible (used for failed sign-ins): each credential has
 * its own limit, the answer must give the exact window end for X-RateLimit-Reset, and the
 * check sits on the ingestion hot path at ≥ 5 000 requests/s, where a synchronous counter
 * costs nothing and a promise per request does. Fixed one-hour windows aligned to the clock
 * hour (the scheme GitHub's API documents for X-RateLimit-Reset).
 */

/** What a request learns about its credential's limit. */
export interface RateState {
  limit: number;
  /** Requests left in this window (0 when refused). */
  remaining: number;
  /** End of the window, seconds since the epoch (X-RateLimit-Reset). */
  resetEpochS: number;
  /** Over the limit: refuse with 429. */
  limited: boolean;
  /** Seconds until the window ends (Retry-After when limited). */
  retryAfterS: number;
}

const HOUR_MS = 3_600_000;

/** Counts requests per key in clock-hour windows. */
export class HourlyRateLimiter {
  private readonly counts = new Map<number, { window: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Count one request for `key` against `limit` per hour. */
  consume(key: number, limit: number): RateState {
    const now = this.now();
    const window = Math.floor(now / HOUR_MS);
    let c = this.counts.get(key);
    if (!c || c.window !== window) {
      c = { window, count: 0 };
      this.counts.set(key, c);
      if (this.counts.size > 100_000) this.prune(window);
    }
    const resetMs = (window + 1) * HOUR_MS;
    const limited = c.count >= limit;
    if (!limited) c.count++;
    return {
      limit,
      remaining: Math.max(0, limit - c.count),
      resetEpochS: Math.ceil(resetMs / 1000),
      limited,
      retryAfterS: Math.max(1, Math.ceil((resetMs - now) / 1000)),
    };
  }

  /** Requests counted for `key` in the current window. */
  peek(key: number): number {
    const c = this.counts.get(key);
    return c && c.window === Math.floor(this.now() / HOUR_MS) ? c.count : 0;
  }

  private prune(window: number): void {
    for (const [k, v] of this.counts) if (v.window !== window) this.counts.delete(k);
  }
}
