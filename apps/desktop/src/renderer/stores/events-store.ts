/**
 * The live event feed's state: event-log rows newest first (by id), capped in memory, each id
 * once, and a counter of events received live since sign-in.
 *
 * Rows arrive from three places that overlap — the REST snapshot, the socket (including its
 * replay after a resume) and the REST poll while the socket is down — so every row is keyed by
 * its event-log id and a second copy is ignored.
 */
import { create } from 'zustand';
import type { EventLog } from '@pantau/shared';

/** Most rows kept in memory; older ones fall off the end. */
export const MAX_FEED_ROWS = 5000;

/** Result of merging a batch into the feed. */
export interface MergeResult {
  rows: EventLog[];
  /** Rows of the batch that were new. */
  added: number;
}

/**
 * Merges `incoming` (any order) into `existing` (newest first by id), dropping ids already
 * present, keeping at most `cap` rows. `known` holds the ids of `existing`
 * and is updated in place. The common case — every new row newer than the newest — is a prepend.
 */
export function mergeNewestFirst(existing: EventLog[], incoming: EventLog[], known: Set<number>, cap = MAX_FEED_ROWS): MergeResult {
  const fresh: EventLog[] = [];
  for (const row of incoming) {
    if (known.has(row.id)) continue;
    known.add(row.id);
    fresh.push(row);
  }
  if (fresh.length === 0) return { rows: existing, added: 0 };
  fresh.sort((a, b) => b.id - a.id);
  const newest = existing[0]?.id ?? 0;
  const oldestFresh = fresh[fresh.length - 1]?.id ?? 0;
  const merged = oldestFresh > newest ? fresh.concat(existing) : fresh.concat(existing).sort((a, b) => b.id - a.id);
  if (merged.length > cap) {
    for (const dropped of merged.splice(cap)) known.delete(dropped.id);
  }
  return { rows: merged, added: fresh.length };
}

/** Feed state and its actions. */
export interface EventsState {
  rows: EventLog[];
  /** New rows received live (socket or poll) since sign-in. */
  received: number;
  /** Adds rows; `live` ones count towards {@link EventsState.received}. Returns how many were new. */
  addRows: (rows: EventLog[], live: boolean) => number;
  reset: () => void;
}

let known = new Set<number>();

/** The feed store. */
export const useEventsStore = create<EventsState>()((set, get) => ({
  rows: [],
  received: 0,
  addRows(rows, live) {
    const state = get();
    const result = mergeNewestFirst(state.rows, rows, known);
    if (result.added > 0) set({ rows: result.rows, received: state.received + (live ? result.added : 0) });
    return result.added;
  },
  reset() {
    known = new Set();
    set({ rows: [], received: 0 });
  },
}));
