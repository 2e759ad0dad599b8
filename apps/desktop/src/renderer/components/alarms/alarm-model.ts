/**
 * Pure rules of the console's alarm UI (no React): an event row's alarm state, whether it is
 * an open escalation, which selected rows a bulk acknowledge may take, and the patch an
 * acknowledge's answer makes to the feed.
 */
import { ALARM_BULK_MAX, type Alarm, type AlarmState, type EventLog } from '@pantau/shared';
import type { AlarmPatch } from '../../stores/events-store.js';

/**
 * A row's alarm state: null for a plain event (no alarm rule raised it, issue 14); a row without
 * the field at all is `new` (see schemas/events.ts).
 */
export function alarmStateOf(row: Pick<EventLog, 'alarm_state'>): AlarmState | null {
  return row.alarm_state === undefined ? 'new' : row.alarm_state;
}

/** Whether a row is an alarm (a rule raised it), not a plain event. */
export function isAlarm(row: Pick<EventLog, 'alarm_state'>): boolean {
  return alarmStateOf(row) !== null;
}

/** An escalated alarm nobody acknowledged yet: shown red and pulsing, sounds the siren. */
export function isOpenEscalation(row: Pick<EventLog, 'alarm_state' | 'escalated_at'>): boolean {
  return alarmStateOf(row) === 'new' && row.escalated_at != null;
}

/** An alarm that sounds the siren until acknowledged: an open escalation, or a new critical one. */
export function soundsSiren(row: Pick<EventLog, 'alarm_state' | 'escalated_at' | 'priority'>): boolean {
  return alarmStateOf(row) === 'new' && (row.escalated_at != null || row.priority === 'critical');
}

/** How many rows sound the siren ({@link soundsSiren}). */
export function countSirenRows(rows: readonly Pick<EventLog, 'alarm_state' | 'escalated_at' | 'priority'>[]): number {
  let n = 0;
  for (const r of rows) if (soundsSiren(r)) n++;
  return n;
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
