/**
 * The live event feed's state: event-log rows newest first (by id), capped in memory, each id
 * once, and a counter of events received live since sign-in.
 *
 * Rows arrive from three places that overlap — the REST snapshot, the socket (including its
 * replay after a resume) and the REST poll while the socket is down — so every row is keyed by
 * its event-log id and a second copy is ignored.
 */
import { create } from 'zustand';
import type { AlarmState, AlarmUpdate, EventLog } from '@pantau/shared';

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
export function mergeNewestFirst(
  existing: EventLog[],
  incoming: EventLog[],
  known: Set<number>,
  cap = MAX_FEED_ROWS,
): MergeResult {
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

/** The alarm columns an `alarm_updated` (or an acknowledge's answer) brings to a feed row. */
export type AlarmPatch = Pick<
  AlarmUpdate,
  | 'event_id'
  | 'state'
  | 'acknowledged_by'
  | 'acknowledged_by_name'
  | 'acknowledged_at'
  | 'closed_by'
  | 'closed_by_name'
  | 'closed_at'
  | 'escalated_at'
>;

const STATE_RANK: Record<AlarmState, number> = { new: 0, acknowledged: 1, closed: 2 };

/** The alarm columns of a row as the REST feed returns it (absent = new), or null for a plain event (not an alarm). */
export function alarmPatchOfRow(r: EventLog): AlarmPatch | null {
  if (r.alarm_state === null) return null;
  return {
    event_id: r.id,
    state: r.alarm_state ?? 'new',
    acknowledged_by: r.acknowledged_by,
    acknowledged_by_name: r.acknowledged_by_name ?? null,
    acknowledged_at: r.acknowledged_at,
    closed_by: r.closed_by ?? null,
    closed_by_name: r.closed_by_name ?? null,
    closed_at: r.closed_at ?? null,
    escalated_at: r.escalated_at ?? null,
  };
}

/**
 * Applies alarm changes to the rows they concern (rows not in the feed are skipped). A change
 * never moves a row's state backwards (an answer arriving after a later event is ignored), and
 * an escalation mark is never cleared.
 * @returns the new rows array, or `rows` itself when nothing changed
 */
export function applyAlarmPatches(
  rows: EventLog[],
  patches: readonly AlarmPatch[],
  known: ReadonlySet<number>,
): EventLog[] {
  const byId = new Map<number, AlarmPatch>();
  for (const p of patches) if (known.has(p.event_id)) byId.set(p.event_id, p);
  if (byId.size === 0) return rows;
  let changed = false;
  const next = rows.map((row) => {
    const p = byId.get(row.id);
    if (!p || STATE_RANK[p.state] < STATE_RANK[row.alarm_state ?? 'new']) return row;
    const escalatedAt = p.escalated_at ?? row.escalated_at ?? null;
    const same =
      p.state === (row.alarm_state ?? 'new') &&
      escalatedAt === (row.escalated_at ?? null) &&
      p.acknowledged_at === row.acknowledged_at &&
      p.closed_at === (row.closed_at ?? null) &&
      p.acknowledged_by_name === (row.acknowledged_by_name ?? null);
    if (same) return row;
    changed = true;
    return {
      ...row,
      alarm_state: p.state,
      acknowledged_by: p.acknowledged_by,
      acknowledged_by_name: p.acknowledged_by_name,
      acknowledged_at: p.acknowledged_at,
      closed_by: p.closed_by,
      closed_by_name: p.closed_by_name,
      closed_at: p.closed_at,
      escalated_at: escalatedAt,
    };
  });
  return changed ? next : rows;
}

/** Feed state and its actions. */
export interface EventsState {
  rows: EventLog[];
  /** New rows received live (socket or poll) since sign-in. */
  received: number;
  /** Adds rows; `live` ones count towards {@link EventsState.received}. Returns how many were new. */
  addRows: (rows: EventLog[], live: boolean) => number;
  /** Updates the alarm state of the rows the patches concern, in place (see {@link applyAlarmPatches}). */
  applyAlarms: (patches: readonly AlarmPatch[]) => void;
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
  applyAlarms(patches) {
    const rows = applyAlarmPatches(get().rows, patches, known);
    if (rows !== get().rows) set({ rows });
  },
  reset() {
    known = new Set();
    set({ rows: [], received: 0 });
  },
}));
