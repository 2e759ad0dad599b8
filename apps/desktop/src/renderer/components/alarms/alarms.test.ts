/**
 * The console's alarm rules without a browser: alarm changes applied to the feed in place
 * (never backwards), what a bulk acknowledge sends, which toasts a batch raises, the siren
 * that repeats until stopped, `alarm_updated` flowing from a realtime batch into the feed, and
 * which new alarms toast under the operator's toast mode.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AlarmUpdate, EventLog, RealtimeEvent } from '@pantau/shared';
import { alarmPatchOfRow, applyAlarmPatches, useEventsStore } from '../../stores/events-store.js';
import { detectionEvent } from '../../realtime/fake-websocket.js';
import { applyRealtimeBatch } from '../../session/live-session.js';
import {
  ackableSelection,
  alarmStateOf,
  countOpenEscalations,
  countSirenRows,
  isAlarm,
  isOpenEscalation,
  soundsSiren,
} from './alarm-model.js';
import { PRIORITY_LOOK } from './alarm-priority.js';
import {
  DEFAULT_ALARM_TOAST_MODE,
  MAX_ALARM_TOASTS,
  parseAlarmToastMode,
  planToasts,
  shouldToast,
} from './alarm-toasts.js';
import { SIREN_INTERVAL_MS, SIREN_PLAN, createSiren } from '../../lib/alarm-sound.js';
import type { AudioContextLike } from '../../lib/sound.js';

const row = (id: number, over: Partial<EventLog> = {}): EventLog => ({ ...detectionEvent(id).data, ...over });

function update(eventId: number, over: Partial<AlarmUpdate> = {}): AlarmUpdate {
  return {
    event_id: eventId,
    branch_id: 1,
    state: 'acknowledged',
    action: 'acknowledged',
    by_user_id: 7,
    by_name: 'Ayu',
    note: null,
    acknowledged_by: 7,
    acknowledged_by_name: 'Ayu',
    acknowledged_at: '2026-01-01T03:05:00.000Z',
    closed_by: null,
    closed_by_name: null,
    closed_at: null,
    escalated: false,
    escalated_at: null,
    ...over,
  };
}

const alarmEvent = (id: number, data: AlarmUpdate): RealtimeEvent<'alarm_updated'> => ({
  id,
  type: 'alarm_updated',
  channel: 'branch:1',
  ts: '2026-01-01T03:05:00.000Z',
  data,
});

beforeEach(() => useEventsStore.getState().reset());

describe('alarm changes in the feed', () => {
  it('updates the rows concerned in place and leaves the others (and unknown ids) alone', () => {
    const rows = [row(3), row(2), row(1)];
    const next = applyAlarmPatches(rows, [update(2), update(99)], new Set([1, 2, 3]));
    expect(next).not.toBe(rows);
    expect(next[1]).toMatchObject({ id: 2, alarm_state: 'acknowledged', acknowledged_by_name: 'Ayu' });
    expect(next[0]).toBe(rows[0]);
    expect(next[2]).toBe(rows[2]);
    expect(applyAlarmPatches(rows, [update(99)], new Set([1, 2, 3]))).toBe(rows);
  });

  it('never moves a state backwards nor clears an escalation', () => {
    const closed = [
      row(1, { alarm_state: 'closed', closed_by_name: 'Budi', escalated_at: '2026-01-01T03:04:00.000Z' }),
    ];
    expect(applyAlarmPatches(closed, [update(1)], new Set([1]))).toBe(closed);
    const escalated = [row(1, { escalated_at: '2026-01-01T03:04:00.000Z' })];
    expect(applyAlarmPatches(escalated, [update(1, { escalated_at: null })], new Set([1]))[0]!.escalated_at).toBe(
      '2026-01-01T03:04:00.000Z',
    );
  });

  it('applies alarm_updated from a realtime batch, also to a row raised in the same batch', () => {
    applyRealtimeBatch([
      detectionEvent(1),
      alarmEvent(
        2,
        update(1, {
          state: 'new',
          action: 'escalated',
          acknowledged_by: null,
          acknowledged_by_name: null,
          acknowledged_at: null,
          escalated: true,
          escalated_at: '2026-01-01T03:04:00.000Z',
        }),
      ),
    ]);
    const [r] = useEventsStore.getState().rows;
    expect(isOpenEscalation(r!)).toBe(true);
    expect(countOpenEscalations(useEventsStore.getState().rows)).toBe(1);
    applyRealtimeBatch([alarmEvent(3, update(1, { escalated: true, escalated_at: '2026-01-01T03:04:00.000Z' }))]);
    expect(useEventsStore.getState().rows[0]).toMatchObject({
      alarm_state: 'acknowledged',
      acknowledged_by_name: 'Ayu',
    });
    expect(countOpenEscalations(useEventsStore.getState().rows)).toBe(0);
  });

  it('sends only the ticked alarms still new, newest first, at most 500', () => {
    const rows = [row(4), row(3, { alarm_state: 'acknowledged' }), row(2), row(1)];
    expect(ackableSelection(new Set([1, 3, 4, 77]), rows)).toEqual([4, 1]);
    const many = Array.from({ length: 600 }, (_, i) => row(600 - i));
    expect(ackableSelection(new Set(many.map((r) => r.id)), many)).toHaveLength(500);
  });
});

describe('alarm toasts', () => {
  it('toasts each new alarm while few are shown, sums up the rest, and drops those acknowledged meanwhile', () => {
    const events: RealtimeEvent[] = [1, 2, 3, 4, 5].map((i) => detectionEvent(i));
    events.push(alarmEvent(6, update(2)));
    const plan = planToasts(events, 1);
    expect(plan.single.map((r) => r.id)).toEqual([1, 3]);
    expect(plan.burst).toBe(2);
    expect(plan.dismiss).toEqual([2]);
    expect(planToasts([detectionEvent(9)], MAX_ALARM_TOASTS).single).toEqual([]);
  });

  it('raises a lasting toast per escalation, unless it was acknowledged in the same batch', () => {
    const esc = (id: number) =>
      alarmEvent(
        id,
        update(id, { state: 'new', action: 'escalated', escalated: true, escalated_at: '2026-01-01T03:04:00.000Z' }),
      );
    expect(planToasts([esc(1), esc(2), alarmEvent(3, update(2))], 0).escalated.map((e) => e.event_id)).toEqual([1]);
  });
});

describe('plain events and priorities (issue 14)', () => {
  const detection = (id: number, over: Partial<EventLog>) => ({
    ...detectionEvent(id),
    data: { ...detectionEvent(id).data, ...over },
  });

  it('never toasts, sounds or counts a plain event; an alarm without the field is new', () => {
    expect(alarmStateOf(row(1, { alarm_state: null }))).toBeNull();
    expect(isAlarm(row(1, { alarm_state: null }))).toBe(false);
    const legacy = row(2);
    delete (legacy as Partial<EventLog>).alarm_state;
    expect(alarmStateOf(legacy)).toBe('new');
    const plan = planToasts(
      [detection(1, { alarm_state: null, priority: null }), detection(2, { alarm_state: 'new' })],
      0,
    );
    expect(plan.single.map((r) => r.id)).toEqual([2]);
    expect(ackableSelection(new Set([1, 2]), [row(1, { alarm_state: null }), row(2, { alarm_state: 'new' })])).toEqual([
      2,
    ]);
  });

  it('pops up critical, high and medium alarms, not low ones; chimes for high; the siren for critical until acknowledged', () => {
    const batch = (['critical', 'high', 'medium', 'low'] as const).map((p, i) =>
      detection(i + 1, { alarm_state: 'new', priority: p }),
    );
    const plan = planToasts(batch, 0);
    expect(plan.single.map((r) => r.priority)).toEqual(['critical', 'high', 'medium']);
    expect(plan.chime).toBe(true);
    expect(planToasts([detection(9, { alarm_state: 'new', priority: 'medium' })], 0).chime).toBe(false);
    // a low alarm escalated still toasts
    expect(shouldToast({ priority: 'low', escalated_at: '2026-01-01T03:04:00.000Z' }, 'all')).toBe(true);
    expect(PRIORITY_LOOK.critical).toMatchObject({ colour: 'red', sound: 'siren', sticky: true });
    const rows = [
      row(1, { alarm_state: 'new', priority: 'critical' }),
      row(2, { alarm_state: 'acknowledged', priority: 'critical' }),
      row(3, { alarm_state: 'new', priority: 'high' }),
      row(4, { alarm_state: null, priority: null }),
    ];
    expect(rows.map(soundsSiren)).toEqual([true, false, false, false]);
    expect(countSirenRows(rows)).toBe(1);
  });
});

describe('escalation siren', () => {
  function fakeContext() {
    const tones: number[] = [];
    const ctx: AudioContextLike = {
      currentTime: 0,
      state: 'running',
      destination: {},
      resume: () => Promise.resolve(),
      createOscillator: () => ({
        type: '',
        frequency: { setValueAtTime: (v: number) => tones.push(v) },
        connect: () => undefined,
        start: () => undefined,
        stop: () => undefined,
      }),
      createGain: () => ({
        gain: { setValueAtTime: () => undefined, linearRampToValueAtTime: () => undefined },
        connect: () => undefined,
      }),
    };
    return { ctx, tones };
  }

  it('sounds at once, repeats every interval until stopped, and ignores repeated calls', () => {
    const { ctx, tones } = fakeContext();
    const timers: Array<{ fn: () => void; ms: number } | null> = [];
    const siren = createSiren(() => ctx, {
      setInterval: (fn, ms) => timers.push({ fn, ms }) - 1,
      clearInterval: (h) => (timers[h as number] = null),
    });
    siren.set(true);
    siren.set(true);
    expect(timers).toHaveLength(1);
    expect(timers[0]!.ms).toBe(SIREN_INTERVAL_MS);
    expect(tones).toEqual(SIREN_PLAN.map((s) => s.frequencyHz));
    timers[0]!.fn();
    expect(tones).toHaveLength(SIREN_PLAN.length * 2);
    siren.set(false);
    expect(siren.playing).toBe(false);
    expect(timers[0]).toBeNull();
  });
});

describe('alarm state from the REST feed', () => {
  it('takes the server state of rows already shown, and keeps the array when nothing changed', () => {
    const store = useEventsStore.getState();
    store.addRows([row(1), row(2)], false);
    const before = useEventsStore.getState().rows;
    store.applyAlarms(before.map(alarmPatchOfRow).filter((p) => p !== null));
    expect(useEventsStore.getState().rows).toBe(before);
    store.applyAlarms([
      alarmPatchOfRow(
        row(2, { alarm_state: 'closed', closed_by_name: 'Budi', closed_at: '2026-01-01T03:09:00.000Z' }),
      )!,
    ]);
    // a plain event has no alarm to patch
    expect(alarmPatchOfRow(row(3, { alarm_state: null }))).toBeNull();
    expect(useEventsStore.getState().rows[0]).toMatchObject({ id: 2, alarm_state: 'closed', closed_by_name: 'Budi' });
  });
});

describe('new-alarm toast mode', () => {
  const escalatedAt = '2026-01-01T03:04:00.000Z';
  const escalation = (eventId: number) =>
    alarmEvent(
      100 + eventId,
      update(eventId, {
        state: 'new',
        action: 'escalated',
        acknowledged_by: null,
        acknowledged_by_name: null,
        acknowledged_at: null,
        escalated: true,
        escalated_at: escalatedAt,
      }),
    );

  it('toasts every new alarm by default, and only escalated ones under "escalated"', () => {
    expect(DEFAULT_ALARM_TOAST_MODE).toBe('all');
    const plain = row(1);
    const escalated = row(2, { escalated_at: escalatedAt });
    expect([shouldToast(plain, 'all'), shouldToast(plain, 'escalated')]).toEqual([true, false]);
    expect([shouldToast(escalated, 'all'), shouldToast(escalated, 'escalated')]).toEqual([true, true]);
    expect(shouldToast(row(3, { escalated_at: undefined }), 'escalated')).toBe(false);
  });

  it('leaves quieted new alarms out of the singles and the burst, but keeps every escalation', () => {
    const events = [
      detectionEvent(1),
      detectionEvent(2),
      detectionEvent(3),
      detectionEvent(4),
      detectionEvent(5),
      escalation(9),
    ];
    const loud = planToasts(events, 0, 'all');
    expect([loud.single.length, loud.burst, loud.escalated.length]).toEqual([MAX_ALARM_TOASTS, 2, 1]);
    const quiet = planToasts(events, 0, 'escalated');
    expect(quiet.single).toEqual([]);
    expect(quiet.burst).toBe(0);
    expect(quiet.escalated.map((e) => e.event_id)).toEqual([9]);
    // a new alarm that arrives already escalated still gets its toast under "escalated"
    const late = { ...detectionEvent(6), data: { ...detectionEvent(6).data, escalated_at: escalatedAt } };
    expect(planToasts([late], 0, 'escalated').single.map((r) => r.id)).toEqual([6]);
  });

  it('reads the stored mode, falling back to the default for anything unknown or unreadable', () => {
    expect(parseAlarmToastMode(JSON.stringify('escalated'))).toBe('escalated');
    expect(parseAlarmToastMode(JSON.stringify('all'))).toBe('all');
    // anything else reads as the default, "none" included (there is no such mode: escalations always toast)
    for (const raw of [null, '', 'none', '"none"', '"loud"', '42', '{"mode":"none"}'])
      expect(parseAlarmToastMode(raw)).toBe('all');
  });
});
