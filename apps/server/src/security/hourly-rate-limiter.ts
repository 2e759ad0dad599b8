/**
 * Per-credential hourly request limits with the numbers the X-RateLimit-* headers need.
 *
 * Why our own and not rate-limiter-flexible (used for failed sign-ins): each credential has
 * its own limit, the answer must give the exact window end for X-RateLimit-Reset, and the
 * check sits on the ingestion hot path at ≥ 5 000 requests/s, where a synchronous counter
 * costs nothing and a promise per request does. Fixed one-hour windows aligned to the clock
 * hour (the scheme GitHub's API documents for X-RateLimit-Reset).
 *
 * Several processes (scale mode) share each credential's limit: every second each process adds
 * what it counted since its last sync to the shared window row and takes the total back
 * ({@link HourlyRateLimiter.sync}), so a credential posting through N processes gets its limit,
 * overshooting by at most what the other processes count in one second.
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

/** One key's window: the count it is judged on, and this process's own part of it. */
interface Window {
  window: number;
  /** requests counted in the window: the shared total at the last sync plus this process's since */
  count: number;
  /** this process's requests in the window not yet added to the shared count */
  unsynced: number;
}

/** What {@link HourlyRateLimiter.sync} hands the shared store: add `delta` to (key, window). */
export interface WindowDelta {
  key: number;
  /** the window: hours since the epoch */
  window: number;
  delta: number;
}

/** Counts requests per key in clock-hour windows. */
export class HourlyRateLimiter {
  private readonly counts = new Map<number, Window>();

  /**
   * @param seed scale mode: the shared count of (key, window) a new window starts from, so a
   *   process that has not seen a credential yet this hour knows what the others counted
   *   (one read per credential and hour); none: start at 0
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly seed: ((key: number, window: number) => number) | null = null,
  ) {}

  /** Count one request for `key` against `limit` per hour. */
  consume(key: number, limit: number): RateState {
    const now = this.now();
    const window = Math.floor(now / HOUR_MS);
    let c = this.counts.get(key);
    if (!c || c.window !== window) {
      c = { window, count: this.seed?.(key, window) ?? 0, unsynced: 0 };
      this.counts.set(key, c);
      if (this.counts.size > 100_000) this.prune(window);
    }
    const resetMs = (window + 1) * HOUR_MS;
    const limited = c.count >= limit;
    if (!limited) {
      c.count++;
      c.unsynced++;
    }
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

  /**
   * Share the counts (scale mode): hand `add` this process's uncounted requests of every key of
   * the current window (a zero delta for a key asks only its total), and take the totals back.
   * @param add adds the deltas to the shared windows and returns each key's total after
   */
  sync(add: (deltas: WindowDelta[]) => Map<number, number>): void {
    const window = Math.floor(this.now() / HOUR_MS);
    const deltas: WindowDelta[] = [];
    for (const [key, c] of this.counts) if (c.window === window) deltas.push({ key, window, delta: c.unsynced });
    if (deltas.length === 0) return;
    const totals = add(deltas);
    for (const { key } of deltas) {
      const c = this.counts.get(key)!;
      const total = totals.get(key);
      // synchronous: nothing was counted meanwhile, so the total holds this process's part too
      if (total !== undefined) c.count = total;
      c.unsynced = 0;
    }
  }

  private prune(window: number): void {
    for (const [k, v] of this.counts) if (v.window !== window) this.counts.delete(k);
  }
}
