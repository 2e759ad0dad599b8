/**
 * Run `run` when a realtime batch holds an event `wanted` accepts, at most once per `intervalMs`
 * (lib/throttle.ts: the first at once, the rest folded into one at the interval's end). The
 * screens that refetch on events (the dashboard, the persons list and detail, the header's
 * health light) share it, so none refetches per event however fast events come.
 */
import { useEffect, useRef } from 'react';
import type { RealtimeEvent } from '@pantau/shared';
import { throttle } from '../lib/throttle.js';
import { realtimeBus } from './event-bus.js';

/** Options of {@link useThrottledEvents}. */
export interface ThrottledEventsOptions {
  /** Least time between two runs, ms. */
  intervalMs: number;
  /** Listen only while true (default true). */
  enabled?: boolean;
  /** Also run once when (re)subscribing: to catch up with what changed while not listening. */
  runOnStart?: boolean;
}

/**
 * @param wanted whether an event calls for a run (read at each batch: it may close over fresh state)
 * @param run what to do (the latest passed is called)
 * @param resubscribeKey listening restarts when it changes (e.g. the scope shown)
 */
export function useThrottledEvents(
  wanted: (e: RealtimeEvent) => boolean,
  run: () => void,
  opts: ThrottledEventsOptions,
  resubscribeKey: unknown = null,
): void {
  const latest = useRef({ wanted, run });
  latest.current = { wanted, run };
  const enabled = opts.enabled ?? true;
  useEffect(() => {
    if (!enabled) return;
    const th = throttle(() => latest.current.run(), opts.intervalMs);
    const off = realtimeBus.subscribe((events) => {
      if (events.some((e) => latest.current.wanted(e))) th.ask();
    });
    if (opts.runOnStart) th.ask();
    return () => {
      off();
      th.cancel();
    };
  }, [enabled, opts.intervalMs, opts.runOnStart, resubscribeKey]);
}
