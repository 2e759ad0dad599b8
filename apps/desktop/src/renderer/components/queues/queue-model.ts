/**
 * The queue monitor's arithmetic, kept out of the components so it is tested on its own:
 * how old a queue's oldest job is now (the server's figure plus the time since it was
 * fetched), a compact locale-aware age, each queue's state for highlighting, a one-line
 * summary of a failed job's payload, and the queue-size alert's crossings for the console-wide
 * toast.
 */
import type { QueueInfo, RealtimeEvent } from '@pantau/shared';

/** How a queue row is shown: over its alert threshold, holding failed jobs, working, or idle. */
export type QueueHealth = 'over' | 'failed' | 'busy' | 'idle';

/**
 * Age of the oldest pending job at `now`, ms, or null when nothing is pending.
 * @param fetchedAt when the figures were fetched, ms since epoch
 */
export function oldestAgeNow(
  q: Pick<QueueInfo, 'pending' | 'oldest_pending_age_ms'>,
  fetchedAt: number,
  now: number,
): number | null {
  if (q.pending === 0 || q.oldest_pending_age_ms === null) return null;
  return q.oldest_pending_age_ms + Math.max(0, now - fetchedAt);
}

/**
 * A compact age in the largest fitting unit (seconds under a minute, minutes under an hour,
 * hours under two days, then days), e.g. `45 sec` / `45 dtk`, `3 hr` / `3 jam`.
 * @param ms age in milliseconds
 * @param locale BCP 47, e.g. `en-GB` or `id-ID`
 */
export function formatAge(ms: number, locale: string): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const [value, unit] =
    s < 60
      ? [s, 'second']
      : s < 3600
        ? [Math.floor(s / 60), 'minute']
        : s < 172_800
          ? [Math.floor(s / 3600), 'hour']
          : [Math.floor(s / 86_400), 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/** A queue's state for its row. */
export function queueHealth(q: Pick<QueueInfo, 'over_threshold' | 'failed' | 'pending' | 'running'>): QueueHealth {
  if (q.over_threshold) return 'over';
  if (q.failed > 0) return 'failed';
  return q.pending + q.running > 0 ? 'busy' : 'idle';
}

/** A failed job's payload on one line, at most `max` characters (the full JSON is in the expanded row). */
export function payloadSummary(payload: unknown, max = 90): string {
  let text: string;
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
    text = Object.entries(payload as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
  } else text = typeof payload === 'string' ? payload : (JSON.stringify(payload) ?? '');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A queue passing its alert threshold (`over`) or falling back under it, as the toast tells it. */
export interface QueueCrossing {
  queue: string;
  /** Jobs waiting at the crossing. */
  pending: number;
  over: boolean;
}

/** `queue_stats` older than this are replays after a reconnect, not news: no toast, ms. */
export const STALE_QUEUE_STATS_MS = 60_000;

/**
 * The queue-size alert's crossings in a batch of realtime events. `seen` holds each queue's
 * last known `over_threshold` (a queue not in it counts as under, so one already over when the
 * console starts is told once) and is updated in place; each queue yields at most one
 * crossing per batch, its net change. Stale `queue_stats` (older than
 * {@link STALE_QUEUE_STATS_MS}) update `seen` without a crossing.
 * @param nowMs the clock, ms since epoch
 */
export function thresholdCrossings(
  seen: Map<string, boolean>,
  events: readonly RealtimeEvent[],
  nowMs: number,
): QueueCrossing[] {
  const before = new Map<string, boolean>();
  const latest = new Map<string, { pending: number; over: boolean; fresh: boolean }>();
  for (const e of events) {
    if (e.type !== 'queue_stats') continue;
    const fresh = nowMs - Date.parse(e.ts) <= STALE_QUEUE_STATS_MS;
    for (const q of e.data.queues) {
      if (!before.has(q.queue)) before.set(q.queue, seen.get(q.queue) ?? false);
      const prev = latest.get(q.queue);
      latest.set(q.queue, { pending: q.pending, over: q.over_threshold, fresh: fresh || (prev?.fresh ?? false) });
    }
  }
  const crossings: QueueCrossing[] = [];
  for (const [queue, now] of latest) {
    seen.set(queue, now.over);
    if (now.fresh && now.over !== before.get(queue)) crossings.push({ queue, pending: now.pending, over: now.over });
  }
  return crossings;
}
