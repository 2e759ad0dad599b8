/**
 * Exponential backoff with jitter, used by the realtime client and every video tile so that
 * a server restart does not bring all consoles and tiles back in the same millisecond.
 */

/** Backoff settings; delays in ms. */
export interface BackoffOptions {
  /** First delay, ms (default 500). */
  initialMs?: number;
  /** Largest delay, ms (default 10 000). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Spread around the nominal delay, 0..1 (default 0.2 → ±20 %). */
  jitter?: number;
  /** Source of randomness in [0, 1) (default `Math.random`; tests pass a constant). */
  random?: () => number;
}

/** A backoff sequence: `next()` gives the delay before the next attempt, `reset()` after a success. */
export interface Backoff {
  next(): number;
  reset(): void;
  readonly attempt: number;
}

/**
 * Creates a backoff: nominal delays 0.5, 1, 2, 4, 8, 10, 10 … s (by default), each multiplied
 * by a random factor in [1 − jitter, 1 + jitter] and capped at `maxMs`.
 */
export function createBackoff(opts: BackoffOptions = {}): Backoff {
  const initialMs = opts.initialMs ?? 500;
  const maxMs = opts.maxMs ?? 10_000;
  const factor = opts.factor ?? 2;
  const jitter = opts.jitter ?? 0.2;
  const random = opts.random ?? Math.random;
  let attempt = 0;
  return {
    next() {
      const nominal = Math.min(maxMs, initialMs * factor ** attempt);
      attempt += 1;
      const spread = 1 - jitter + 2 * jitter * random();
      return Math.round(Math.min(maxMs, nominal * spread));
    },
    reset() {
      attempt = 0;
    },
    get attempt() {
      return attempt;
    },
  };
}
