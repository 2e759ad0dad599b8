/**
 * Which toasts a batch of realtime events raises (pure; the React side is alarm-center.tsx):
 * a toast per new alarm while few are on screen, one summary toast for a burst, a red
 * toast that stays for each escalation, and the toasts to take away once an alarm is no
 * longer new (acknowledged here or on another console).
 */
import type { EventLog, RealtimeEvent, RealtimeEventMap } from '@pantau/shared';

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
}

/** Toast id of a new alarm's toast, and of an escalation's. */
export const toastId = (eventId: number) => `alarm-${eventId}`;
export const escalationToastId = (eventId: number) => `alarm-escalated-${eventId}`;
export const BURST_TOAST_ID = 'alarm-burst';

/**
 * Plans the toasts of a batch.
 * @param openSingles how many per-alarm toasts are on screen now
 */
export function planToasts(events: readonly RealtimeEvent[], openSingles: number): ToastPlan {
  const plan: ToastPlan = { single: [], burst: 0, escalated: [], dismiss: [] };
  const done = new Set<number>();
  for (const e of events) if (e.type === 'alarm_updated' && e.data.state !== 'new') done.add(e.data.event_id);
  let room = Math.max(0, MAX_ALARM_TOASTS - openSingles);
  for (const e of events) {
    if (e.type === 'detection_update') {
      if (done.has(e.data.id) || (e.data.alarm_state ?? 'new') !== 'new') continue;
      if (room > 0) {
        plan.single.push(e.data);
        room--;
      } else plan.burst++;
    } else if (e.type === 'alarm_updated') {
      if (e.data.action === 'escalated' && !done.has(e.data.event_id)) plan.escalated.push(e.data);
    }
  }
  plan.dismiss = [...done];
  return plan;
}
