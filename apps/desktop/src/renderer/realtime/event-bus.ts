/**
 * Fans the live session's realtime events out to whoever else wants them (the query-cache
 * invalidation hook, the camera tree): one batch per animation frame, as the batcher delivers.
 * Listeners must be cheap; a throwing listener does not stop the others.
 */
import type { RealtimeEvent } from '@pantau/shared';

/** Receives each batch of events. */
export type RealtimeListener = (events: readonly RealtimeEvent[]) => void;

/** A tiny publish/subscribe channel. */
export interface RealtimeBus {
  publish: (events: readonly RealtimeEvent[]) => void;
  /** Returns the unsubscribe function. */
  subscribe: (listener: RealtimeListener) => () => void;
}

/** A new bus (tests make their own; the console uses {@link realtimeBus}). */
export function createRealtimeBus(): RealtimeBus {
  const listeners = new Set<RealtimeListener>();
  return {
    publish(events) {
      if (events.length === 0) return;
      for (const listener of listeners) {
        try {
          listener(events);
        } catch (err) {
          console.error('realtime listener failed', err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The console's bus, fed by `session/live-session.ts`. */
export const realtimeBus = createRealtimeBus();
