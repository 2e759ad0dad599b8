/**
 * The console's alarm UI state: the feed rows ticked for a bulk acknowledge, the alarm whose
 * detail drawer is open, whether the escalation siren is muted and which new alarms toast
 * (both kept in localStorage; the toast mode also follows a change made in another window of
 * this console through the `storage` event, so open kiosk walls take the console's choice).
 */
import { create } from 'zustand';
import { ALARM_MUTED_KEY, alarmSoundMuted } from '../../lib/alarm-sound.js';
import { ALARM_TOAST_MODE_KEY, parseAlarmToastMode, type AlarmToastMode } from './alarm-toasts.js';

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
  /** Which new alarms raise a toast (escalations always do). */
  toastMode: AlarmToastMode;
  /** Chooses the toast mode and remembers it for this browser or app. */
  setToastMode: (mode: AlarmToastMode) => void;
}

/** The stored toast mode, or the default where storage is unavailable. */
function storedToastMode(): AlarmToastMode {
  try {
    return parseAlarmToastMode(window.localStorage.getItem(ALARM_TOAST_MODE_KEY));
  } catch {
    return parseAlarmToastMode(null);
  }
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
  toastMode: typeof window === 'undefined' ? parseAlarmToastMode(null) : storedToastMode(),
  setToastMode(toastMode) {
    try {
      window.localStorage.setItem(ALARM_TOAST_MODE_KEY, JSON.stringify(toastMode));
    } catch {
      // private mode: the choice lasts this session
    }
    set({ toastMode });
  },
}));

// Another window of this console (a kiosk wall) chose a mode: follow it.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === ALARM_TOAST_MODE_KEY) useAlarmUiStore.setState({ toastMode: parseAlarmToastMode(e.newValue) });
  });
}
