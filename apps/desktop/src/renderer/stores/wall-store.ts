/**
 * The video wall's state: the layout shown (and the one chosen in this console, remembered in
 * localStorage), which tile (if any) is maximised, and the last
 * detection seen per camera (for the badge that flashes on its tile), and the gateway's word on
 * each stream's upstream (so a tile says "camera offline" as soon as the camera stops answering).
 */
import { create } from 'zustand';
import type { EventLog, Layout, RealtimeEventMap, StreamQuality } from '@pantau/shared';

/** The last detection of one camera. */
export interface TileDetection {
  reId: string;
  eventId: number;
  count: number;
  /** When this console heard of it live (performance.now() ms); undefined for rows loaded from history or the cache. */
  heardAt?: number;
}

/** What the gateway last said about one stream's upstream (from `stream_status` events). */
export interface UpstreamStatus {
  status: RealtimeEventMap['stream_status']['status'];
  /** ISO-8601 time of the change. */
  since: string;
  /** What the gateway found wrong (wrong credentials, unreachable, …), when it knows. */
  problem?: RealtimeEventMap['stream_status']['problem'];
}

/** Key of {@link WallState.upstreams}: `<stream_id>/<quality>`. */
export function upstreamKey(streamId: number, quality: StreamQuality): string {
  return `${streamId}/${quality}`;
}

/** localStorage key of the layout chosen on the wall of this console. */
export const CHOSEN_LAYOUT_KEY = 'pantau.wall-layout';

function storedChoice(): number | null {
  try {
    const v = Number(globalThis.localStorage?.getItem(CHOSEN_LAYOUT_KEY));
    return Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

/** Wall state and actions. */
export interface WallState {
  /** The layout shown (set by the wall from the layouts query). */
  layout: Layout | null;
  layoutError: string | null;
  /** The layout picked on this console's wall (null: the default one). */
  chosenLayoutId: number | null;
  /** Picks the wall's layout (remembered across reloads). */
  chooseLayout: (id: number | null) => void;
  /** `position_number` of the maximised tile, or null. */
  maximised: number | null;
  /** device_id → last detection. */
  detections: Record<string, TileDetection>;
  /** {@link upstreamKey} → the gateway's upstream state. */
  upstreams: Record<string, UpstreamStatus>;
  /** Records a batch of `stream_status` events. */
  noteUpstreams: (events: Array<RealtimeEventMap['stream_status']>) => void;
  setLayout: (layout: Layout | null, error?: string | null) => void;
  toggleMaximised: (position: number) => void;
  /** Maximises the tile at `position` (a no-op when it already is). */
  maximise: (position: number) => void;
  restore: () => void;
  /**
   * Records the newest detection per camera of a batch of rows; `live` (rows from the realtime
   * feed, not history) stamps when they were heard, which wakes a wall that goes live on activity.
   */
  noteDetections: (rows: EventLog[], live?: boolean) => void;
  reset: () => void;
}

/** The wall store. */
export const useWallStore = create<WallState>()((set, get) => ({
  layout: null,
  layoutError: null,
  chosenLayoutId: storedChoice(),
  maximised: null,
  detections: {},
  upstreams: {},
  noteUpstreams(events) {
    if (events.length === 0) return;
    const next = { ...get().upstreams };
    for (const e of events)
      next[upstreamKey(e.stream_id, e.quality)] = {
        status: e.status,
        since: e.since,
        ...(e.problem !== undefined && { problem: e.problem }),
      };
    set({ upstreams: next });
  },
  chooseLayout(id) {
    try {
      if (id === null) globalThis.localStorage?.removeItem(CHOSEN_LAYOUT_KEY);
      else globalThis.localStorage?.setItem(CHOSEN_LAYOUT_KEY, String(id));
    } catch {
      // storage refused (private mode, quota): the choice lasts until reload
    }
    set({ chosenLayoutId: id });
  },
  setLayout(layout, error = null) {
    const prev = get();
    if (prev.layout === layout && prev.layoutError === error) return;
    // a maximised tile that the new version no longer shows is restored
    const keep =
      layout !== null &&
      prev.maximised !== null &&
      layout.positions.some((p) => p.position_number === prev.maximised && p.is_enabled);
    set({ layout, layoutError: error, ...(keep ? {} : { maximised: null }) });
  },
  toggleMaximised(position) {
    set({ maximised: get().maximised === position ? null : position });
  },
  maximise(position) {
    if (get().maximised !== position) set({ maximised: position });
  },
  restore() {
    if (get().maximised !== null) set({ maximised: null });
  },
  noteDetections(rows, live = false) {
    if (rows.length === 0) return;
    const next = { ...get().detections };
    let changed = false;
    const now = performance.now();
    for (const row of rows) {
      const prev = next[row.device_id];
      if (prev && prev.eventId >= row.id) continue;
      next[row.device_id] = {
        reId: row.re_id,
        eventId: row.id,
        count: row.detected_count,
        ...(live ? { heardAt: now } : prev?.heardAt !== undefined && { heardAt: prev.heardAt }),
      };
      changed = true;
    }
    if (changed) set({ detections: next });
  },
  reset() {
    set({ layout: null, layoutError: null, maximised: null, detections: {}, upstreams: {} });
  },
}));
