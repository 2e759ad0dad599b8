/**
 * The video wall's state: the layout shown, which tile (if any) is maximised, and the last
 * detection seen per camera (for the badge that flashes on its tile).
 */
import { create } from 'zustand';
import type { EventLog, Layout } from '@pantau/shared';

/** The last detection of one camera. */
export interface TileDetection {
  reId: string;
  eventId: number;
  count: number;
}

/** Wall state and actions. */
export interface WallState {
  layout: Layout | null;
  layoutError: string | null;
  /** `position_number` of the maximised tile, or null. */
  maximised: number | null;
  /** device_id → last detection. */
  detections: Record<string, TileDetection>;
  setLayout: (layout: Layout | null, error?: string | null) => void;
  toggleMaximised: (position: number) => void;
  restore: () => void;
  /** Records the newest detection per camera of a batch of rows. */
  noteDetections: (rows: EventLog[]) => void;
  reset: () => void;
}

/** The wall store. */
export const useWallStore = create<WallState>()((set, get) => ({
  layout: null,
  layoutError: null,
  maximised: null,
  detections: {},
  setLayout(layout, error = null) {
    set({ layout, layoutError: error });
  },
  toggleMaximised(position) {
    set({ maximised: get().maximised === position ? null : position });
  },
  restore() {
    if (get().maximised !== null) set({ maximised: null });
  },
  noteDetections(rows) {
    if (rows.length === 0) return;
    const next = { ...get().detections };
    let changed = false;
    for (const row of rows) {
      const prev = next[row.device_id];
      if (prev && prev.eventId >= row.id) continue;
      next[row.device_id] = { reId: row.re_id, eventId: row.id, count: row.detected_count };
      changed = true;
    }
    if (changed) set({ detections: next });
  },
  reset() {
    set({ layout: null, layoutError: null, maximised: null, detections: {} });
  },
}));

