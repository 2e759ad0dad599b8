/**
 * The current time, re-rendering once a second: one shared ticker for every "12 seconds ago"
 * on screen (read with useSyncExternalStore, so all of them agree and tick together).
 */
import { useSyncExternalStore } from 'react';

/** Ticker period, ms. */
export const TICK_MS = 1_000;

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** Milliseconds since the epoch, at most {@link TICK_MS} old. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
