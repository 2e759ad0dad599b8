/**
 * Call a function at most once per interval, however often it is asked for: the first ask runs
 * it at once, asks during the interval fold into one run at its end (so the last change is never
 * left out). The dashboard refreshes through it: detections may arrive by the thousand per
 * second, its figures change at most once a second.
 */

/** Timer functions, injectable for tests. */
export interface ThrottleTimers {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const realTimers: ThrottleTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

/** A throttled call. */
export interface Throttled {
  /** Ask for a run. */
  ask: () => void;
  /** Drop a pending run (on unmount). */
  cancel: () => void;
}

/**
 * @param fn what to run
 * @param intervalMs the least time between two runs, ms
 */
export function throttle(fn: () => void, intervalMs: number, timers: ThrottleTimers = realTimers): Throttled {
  let last = -Infinity;
  let handle: unknown = null;
  const run = () => {
    handle = null;
    last = timers.now();
    fn();
  };
  return {
    ask() {
      if (handle !== null) return;
      const wait = last + intervalMs - timers.now();
      if (wait <= 0) run();
      else handle = timers.setTimeout(run, wait);
    },
    cancel() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}
