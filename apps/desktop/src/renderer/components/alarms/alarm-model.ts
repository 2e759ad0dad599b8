/**
 * Pure rules of the console's alarm UI (no React): an event row's alarm state, whether it is
 * an open escalation, which selected rows a bulk acknowledge may take, and the patch an
 * acknowledge's answer makes to the feed.
 */
import { ALARM_BULK_MAX, type Alarm, type AlarmState, type EventLog } from '@pantau/shared';
import type { AlarmPatch } from '../../stores/events-store.js';

/** A row's alarm state (rows without one are `new`, see schemas/alarms.ts). */
export function alarmStateOf(row: Pick<EventLog, 'alarm_state'>): AlarmState {
  return row.alarm_state ?? 'new';
}

/** An escalated alarm nobody acknowledged yet: shown red and pulsing, sounds the siren. */
export function isOpenEscalation(row: Pick<EventLog, 'alarm_state' | 'escalated_at'>): boolean {
  return alarmStateOf(row) === 'new' && row.escalated_at != null;
}

/** How many rows are open escalations. */
export function countOpenEscalations(rows: readonly Pick<EventLog, 'alarm_state' | 'escalated_at'>[]): number {
  let n = 0;
  for (const r of rows) if (isOpenEscalation(r)) n++;
  return n;
}

/**
 * The selected ids a bulk acknowledge sends: those still `new` in `rows` (others were taken
 * meanwhile), newest first, at most {@link ALARM_BULK_MAX}.
 */
export function ackableSelection(
  selected: ReadonlySet<number>,
  rows: readonly Pick<EventLog, 'id' | 'alarm_state'>[],
): number[] {
  const out: number[] = [];
  for (const r of rows) {
    if (out.length >= ALARM_BULK_MAX) break;
    if (selected.has(r.id) && alarmStateOf(r) === 'new') out.push(r.id);
  }
  return out;
}

/** The feed patch of an alarm as the API answers it. */
export function patchOf(a: Alarm): AlarmPatch {
  return {
    event_id: a.id,
    state: a.alarm_state,
    acknowledged_by: a.acknowledged_by,
    acknowledged_by_name: a.acknowledged_by_name,
    acknowledged_at: a.acknowledged_at,
    closed_by: a.closed_by,
    closed_by_name: a.closed_by_name,
    closed_at: a.closed_at,
    escalated_at: a.escalated_at,
  };
}

/** Badge colour of a state (escalated: red whatever the state). */
export function stateColour(state: AlarmState, escalated: boolean): string {
  if (escalated && state === 'new') return 'red';
  return state === 'new' ? 'yellow' : state === 'acknowledged' ? 'teal' : 'gray';
}
