/**
 * The console's alarm UI state: the feed rows ticked for a bulk acknowledge, the alarm whose
 * detail drawer is open, and whether the escalation siren is muted (kept in localStorage).
 */
import { create } from 'zustand';
import { ALARM_MUTED_KEY, alarmSoundMuted } from '../../lib/alarm-sound.js';

/** Alarm UI state and its actions. */
export interface AlarmUiState {
  selected: ReadonlySet<number>;
  toggle: (id: number) => void;
  /** Replaces the selection. */
  select: (ids: readonly number[]) => void;
  clear: () => void;
  /** Event id of the alarm shown in the drawer, or null. */
  detailId: number | null;
  openDetail: (id: number) => void;
  closeDetail: () => void;
  muted: boolean;
  setMuted: (muted: boolean) => void;
}

/** The alarm UI store. */
export const useAlarmUiStore = create<AlarmUiState>()((set) => ({
  selected: new Set(),
  toggle: (id) =>
    set((s) => {
      const next = new Set(s.selected);
      if (!next.delete(id)) next.add(id);
      return { selected: next };
    }),
  select: (ids) => set({ selected: new Set(ids) }),
  clear: () => set({ selected: new Set() }),
  detailId: null,
  openDetail: (id) => set({ detailId: id }),
  closeDetail: () => set({ detailId: null }),
  muted: alarmSoundMuted(),
  setMuted(muted) {
    try {
      window.localStorage.setItem(ALARM_MUTED_KEY, JSON.stringify(muted));
    } catch {
      // private mode: the choice lasts this session
    }
    set({ muted });
  },
}));
