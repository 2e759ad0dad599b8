/**
 * Coalesces cache invalidations: roots made stale within `delayMs` of the first are refreshed
 * together once, so a storm of camera status events costs one refetch per list, not hundreds.
 */
import type { QueryRoot } from './query-keys.js';

/** Collects stale roots and flushes them after a short delay. */
export interface Invalidator {
  add: (roots: Iterable<QueryRoot>) => void;
  /** Flushes now (used on stop, and by tests). */
  flush: () => void;
  /** Drops what is pending without flushing. */
  cancel: () => void;
}

/** Timer functions, injectable for tests. */
export interface TimerApi {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

/**
 * @param invalidate called once per flush with every root collected since the last one
 * @param delayMs how long to collect after the first root arrives (default 250 ms)
 */
export function createInvalidator(invalidate: (roots: QueryRoot[]) => void, delayMs = 250, timers: TimerApi = realTimers): Invalidator {
  let pending = new Set<QueryRoot>();
  let handle: unknown = null;
  const flush = () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
    if (pending.size === 0) return;
    const roots = [...pending];
    pending = new Set();
    invalidate(roots);
  };
  return {
    add(roots) {
      for (const r of roots) pending.add(r);
      if (pending.size > 0 && handle === null) handle = timers.setTimeout(flush, delayMs);
    },
    flush,
    cancel() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
      pending = new Set();
    },
  };
}
