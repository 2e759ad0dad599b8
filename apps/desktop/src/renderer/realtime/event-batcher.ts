/**
 * Collects items pushed at any rate and hands them on in one batch per animation frame, so a
 * burst of events (hundreds per second) costs one store update and one render per frame
 * instead of one per event.
 *
 * `requestAnimationFrame` does not run in a hidden tab or a minimised window, so a 100 ms
 * timer races it: whichever fires first flushes and cancels the other.
 */

/** Schedules one callback; returns a function that cancels it. */
export type FrameScheduler = (callback: () => void) => () => void;

/** Longest an item waits when no animation frame comes, ms. */
export const MAX_BATCH_DELAY_MS = 100;

/** Next animation frame or {@link MAX_BATCH_DELAY_MS}, whichever comes first. */
export const frameOrTimeout: FrameScheduler = (callback) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancel();
    callback();
  };
  const raf = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : null;
  const timer = setTimeout(run, MAX_BATCH_DELAY_MS);
  const cancel = () => {
    done = true;
    if (raf !== null) cancelAnimationFrame(raf);
    clearTimeout(timer);
  };
  return cancel;
};

/** A batcher: push items, receive them in batches. */
export interface Batcher<T> {
  push(item: T): void;
  /** Flush now (e.g. before tearing down). */
  flush(): void;
  /** Drop pending items and the scheduled flush. */
  cancel(): void;
  readonly pending: number;
}

/**
 * Creates a batcher calling `onBatch` with every item pushed since the last batch, in push
 * order, at most once per scheduled frame.
 */
export function createBatcher<T>(onBatch: (items: T[]) => void, schedule: FrameScheduler = frameOrTimeout): Batcher<T> {
  let items: T[] = [];
  let cancelScheduled: (() => void) | null = null;
  const flush = () => {
    cancelScheduled?.();
    cancelScheduled = null;
    if (items.length === 0) return;
    const batch = items;
    items = [];
    onBatch(batch);
  };
  return {
    push(item) {
      items.push(item);
      cancelScheduled ??= schedule(() => {
        cancelScheduled = null;
        flush();
      });
    },
    flush,
    cancel() {
      cancelScheduled?.();
      cancelScheduled = null;
      items = [];
    },
    get pending() {
      return items.length;
    },
  };
}
