/**
 * Which events' snapshots became ready while the console was open: `snapshot_ready` events
 * from the realtime bus, kept as a set of event-log ids. Rows loaded over REST already say
 * `snapshot: 'ready'`; live rows arrive as `pending` and are marked here when the image job
 * is done, so the feed shows their thumbnail without reloading the row.
 */
import { create } from 'zustand';
import type { EventLog, RealtimeEvent } from '@pantau/shared';
import { realtimeBus, type RealtimeBus } from '../../realtime/event-bus.js';

/** Most ids remembered (the feed keeps 5 000 rows; older ids fall off first). */
export const MAX_READY_IDS = 5000;

/** Ready-snapshot state. */
export interface SnapshotReadyState {
  ready: ReadonlySet<number>;
  /** Marks the ids of a batch of events' `snapshot_ready` as ready. */
  note: (events: readonly RealtimeEvent[]) => void;
}

/** The store. */
export const useSnapshotStore = create<SnapshotReadyState>()((set, get) => ({
  ready: new Set<number>(),
  note(events) {
    const ids = events.flatMap((e) => (e.type === 'snapshot_ready' ? [e.data.event_log_id] : []));
    if (ids.length === 0) return;
    const next = new Set(get().ready);
    for (const id of ids) next.add(id);
    // a Set iterates in insertion order: drop the oldest beyond the cap
    for (const id of next) {
      if (next.size <= MAX_READY_IDS) break;
      next.delete(id);
    }
    set({ ready: next });
  },
}));

/** Feed the store from a bus; returns the unsubscribe function. */
export function listenForSnapshots(bus: RealtimeBus = realtimeBus): () => void {
  return bus.subscribe((events) => useSnapshotStore.getState().note(events));
}

/**
 * The snapshot state of a feed row: `ready`, `pending` or `none`.
 * @param readyLive whether a `snapshot_ready` for the row arrived since it was loaded
 */
export function snapshotState(row: Pick<EventLog, 'snapshot'>, readyLive: boolean): 'ready' | 'pending' | 'none' {
  if (row.snapshot === 'ready' || readyLive) return 'ready';
  return row.snapshot === 'pending' ? 'pending' : 'none';
}
