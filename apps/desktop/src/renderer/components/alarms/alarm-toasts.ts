/**
 * Which toasts a batch of realtime events raises (pure; the React side is alarm-center.tsx):
 * a toast per new alarm while few are on screen, one summary toast for a burst, a red
 * toast that stays for each escalation, and the toasts to take away once an alarm is no
 * longer new (acknowledged here or on another console). Which new alarms toast at all is the
 * operator's choice ({@link AlarmToastMode}); escalations always do.
 */
import type { EventLog, RealtimeEvent, RealtimeEventMap } from '@pantau/shared';
import { alarmStateOf } from './alarm-model.js';
import { lookOf, popsUp } from './alarm-priority.js';

/**
 * Which new alarms raise a toast, chosen per browser or app: `all` (every new alarm, the
 * default) or `escalated` (only alarms already escalated). Escalations raise their red toast
 * (and the siren, unless muted) whatever the mode, so there is no "none": an escalation is
 * the alarm nobody has looked at, and it must reach the operator.
 */
export type AlarmToastMode = 'all' | 'escalated';

/** The modes in the order the setting lists them. */
export const ALARM_TOAST_MODES: readonly AlarmToastMode[] = ['all', 'escalated'];

/** The mode until the operator chooses one: today's behaviour, every new alarm toasts. */
export const DEFAULT_ALARM_TOAST_MODE: AlarmToastMode = 'all';

/** localStorage key of the toast mode (a JSON string, one of {@link ALARM_TOAST_MODES}). */
export const ALARM_TOAST_MODE_KEY = 'pantau.alarm-toast-mode';

/** The mode stored as `raw` (localStorage's value, null when unset); anything unreadable is the default. */
export function parseAlarmToastMode(raw: string | null): AlarmToastMode {
  try {
    const value: unknown = JSON.parse(raw ?? 'null');
    return ALARM_TOAST_MODES.find((m) => m === value) ?? DEFAULT_ALARM_TOAST_MODE;
  } catch {
    return DEFAULT_ALARM_TOAST_MODE;
  }
}

/**
 * Whether an alarm gets a toast under `mode`: an escalated alarm (`escalated_at` set) always
 * does; a new one only under `all`, and only when its priority pops up (alarm-priority.ts: a
 * low-priority alarm is in the feed and the alarm list, not in a toast).
 */
export function shouldToast(alarm: Pick<EventLog, 'escalated_at' | 'priority'>, mode: AlarmToastMode): boolean {
  if (alarm.escalated_at != null) return true;
  switch (mode) {
    case 'all':
      return popsUp(alarm.priority);
    case 'escalated':
      return false;
    default: {
      const unknown: never = mode;
      throw new Error(`unknown alarm toast mode ${String(unknown)}`);
    }
  }
}

/** Per-alarm toasts shown at once before new alarms are summed up in one. */
export const MAX_ALARM_TOASTS = 3;

/** What to do with the toasts after a batch. */
export interface ToastPlan {
  /** New alarms that get their own toast. */
  single: EventLog[];
  /** New alarms summed up in the burst toast (0 = none). */
  burst: number;
  /** Escalations that get their red toast. */
  escalated: Array<RealtimeEventMap['alarm_updated']>;
  /** Event ids whose toasts go (no longer new). */
  dismiss: number[];
  /** A new high-priority alarm arrived: chime once (alarm-priority.ts). */
  chime: boolean;
}

/** Toast id of a new alarm's toast, and of an escalation's. */
export const toastId = (eventId: number) => `alarm-${eventId}`;
export const escalationToastId = (eventId: number) => `alarm-escalated-${eventId}`;
export const BURST_TOAST_ID = 'alarm-burst';

/**
 * Plans the toasts of a batch.
 * @param openSingles how many per-alarm toasts are on screen now
 * @param mode which new alarms toast (escalations always do); new alarms it leaves out are neither toasted nor summed up
 */
export function planToasts(
  events: readonly RealtimeEvent[],
  openSingles: number,
  mode: AlarmToastMode = DEFAULT_ALARM_TOAST_MODE,
): ToastPlan {
  const plan: ToastPlan = { single: [], burst: 0, escalated: [], dismiss: [], chime: false };
  const done = new Set<number>();
  for (const e of events) if (e.type === 'alarm_updated' && e.data.state !== 'new') done.add(e.data.event_id);
  let room = Math.max(0, MAX_ALARM_TOASTS - openSingles);
  for (const e of events) {
    if (e.type === 'detection_update') {
      // plain events never toast (issue 14); an alarm pops up by its priority and the operator's mode
      if (done.has(e.data.id) || alarmStateOf(e.data) !== 'new') continue;
      if (lookOf(e.data.priority).sound === 'chime') plan.chime = true;
      if (!shouldToast(e.data, mode)) continue;
      if (room > 0) {
        plan.single.push(e.data);
        room--;
      } else plan.burst++;
    } else if (e.type === 'alarm_updated') {
      // an escalation toasts whatever the mode (see shouldToast)
      if (e.data.action === 'escalated' && !done.has(e.data.event_id)) plan.escalated.push(e.data);
    }
  }
  plan.dismiss = [...done];
  return plan;
}
