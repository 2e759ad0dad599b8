/**
 * Alarm escalation (issue 5) with a controllable clock: an alarm still new past its branch's
 * time escalates once — one `escalated` timeline row, one `alarm_updated` with
 * `escalated: true`, one message to the second list — however often the tick runs, and still
 * once after a restart; acknowledged alarms, alarms raised before escalation was switched on
 * and branches with it off never escalate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeEvent } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { AlarmRepository } from '../repositories/alarm-repository.js';
import { AlarmService, type EscalationSender } from './alarm-service.js';

let h: Harness;
let jakarta: number;
let bandung: number;
/** Starts a little before the real clock: detections get real timestamps from the worker. */
let clock = Date.now() - 1000;
const sent: Array<{ eventLogId: number; numbers: readonly string[]; now: number }> = [];
const sender: EscalationSender = {
  enqueueEscalation: (eventLogId, numbers, now) => void sent.push({ eventLogId, numbers, now }),
};
let svc: AlarmService;
let seq = 0;

/** An alarm service over the running server's database, on the test's clock. */
function service(): AlarmService {
  const s = h.server.services;
  return new AlarmService(new AlarmRepository(s.db.kysely, s.exec), s.exec, s.events, s.auditLog, sender, () => clock);
}

beforeAll(async () => {
  h = await startHarness();
  [jakarta, bandung] = [h.branches[0]!.id, h.branches[1]!.id];
  svc = service();
});
afterAll(async () => {
  await h?.stop();
});

const caller = () => ({
  user: {
    id: 1,
    email: 'admin@test.local',
    role: 'admin' as const,
    scopeAll: true,
    branchScope: null,
    groupScope: null,
    sessionId: 0,
    expiresAt: '',
  },
  actor: { id: 1, email: 'admin@test.local', ip: null, userAgent: null },
});

async function raise(branch: number): Promise<number> {
  const re_id = `esc-${++seq}`;
  await h.device.logDetection({
    re_id,
    branch_id: branch,
    device_id: branch === jakarta ? 'cam-1' : 'cam-2',
    detected_count: 1,
  });
  return waitFor(async () => (await h.admin.listEvents({ limit: 50 })).find((e) => e.re_id === re_id)?.id, 5000, re_id);
}

describe('alarm escalation', () => {
  it('leaves alarms raised before escalation was switched on alone', async () => {
    const before = await raise(jakarta);
    clock = Date.now();
    svc.putSettings(caller(), jakarta, {
      enabled: true,
      escalate_after_seconds: 60,
      numbers: ['+628111000111', '+628111000222'],
    });
    clock += 3_600_000;
    expect(svc.escalateDue()).toEqual([]);
    expect((await h.admin.getAlarm(before)).escalated_at).toBeNull();
    clock = Date.now() - 1000;
  });

  it('escalates a new alarm once, past the branch time, with one message to the second list', async () => {
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'auth', token: h.admin.token });
    await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
    sent.length = 0;
    const id = await raise(jakarta);
    const acked = await raise(jakarta);
    const elsewhere = await raise(bandung);
    await h.admin.acknowledgeAlarm(acked);
    const created = Date.parse((await h.admin.getAlarm(id)).created_at);

    clock = created + 59_000;
    expect(svc.escalateDue()).toEqual([]);
    clock = created + 61_000;
    expect(svc.escalateDue()).toEqual([id]);
    // the tick is idempotent: later ticks find nothing more
    expect(svc.escalateDue()).toEqual([]);
    clock += 600_000;
    expect(svc.escalateDue()).toEqual([]);

    expect(sent).toEqual([{ eventLogId: id, numbers: ['+628111000111', '+628111000222'], now: created + 61_000 }]);
    const alarm = await h.admin.getAlarm(id);
    expect(alarm).toMatchObject({ alarm_state: 'new', escalated_at: new Date(created + 61_000).toISOString() });
    expect((await h.admin.getAlarm(acked)).escalated_at).toBeNull();
    expect((await h.admin.getAlarm(elsewhere)).escalated_at).toBeNull();
    expect((await h.admin.alarmTimeline(id)).map((t) => [t.action, t.user_id])).toEqual([
      ['created', null],
      ['escalated', null],
    ]);
    const ev = await waitFor(
      () =>
        ws
          .events()
          .find((e): e is RealtimeEvent<'alarm_updated'> => e.type === 'alarm_updated' && e.data.event_id === id),
      3000,
      'alarm_updated',
    );
    expect(ev.data).toMatchObject({
      state: 'new',
      action: 'escalated',
      escalated: true,
      by_user_id: null,
      branch_id: jakarta,
    });
    expect(ws.events().filter((e) => e.type === 'alarm_updated' && e.data.event_id === id)).toHaveLength(1);
    const counts = await h.admin.alarmsPage({ escalated: 'true' });
    expect(counts.items.map((a) => a.id)).toEqual([id]);
    expect(counts.meta.unacknowledged.find((c) => c.branch_id === jakarta)?.escalated).toBe(1);
    ws.close();

    // acknowledging an escalated alarm keeps the mark and ends the escalation
    const after = await h.admin.acknowledgeAlarm(id);
    expect(after).toMatchObject({ alarm_state: 'acknowledged', escalated_at: alarm.escalated_at });
  });

  it('does not escalate where escalation is off, and escalates without a message when the list is empty', async () => {
    sent.length = 0;
    svc.putSettings(caller(), jakarta, { enabled: false, escalate_after_seconds: 60, numbers: ['+628111000111'] });
    const off = await raise(jakarta);
    clock = Date.now() + 3_600_000;
    expect(svc.escalateDue()).toEqual([]);
    clock = Date.now();
    svc.putSettings(caller(), bandung, { enabled: true, escalate_after_seconds: 5, numbers: [] });
    const quiet = await raise(bandung);
    clock = Date.now() + 10_000;
    expect(svc.escalateDue()).toEqual([quiet]);
    expect(sent).toEqual([]);
    expect((await h.admin.getAlarm(off)).escalated_at).toBeNull();
  });

  it('queues the escalation message through the WhatsApp alerts, in the escalation transaction', async () => {
    const s = h.server.services;
    const real = new AlarmService(
      new AlarmRepository(s.db.kysely, s.exec),
      s.exec,
      s.events,
      s.auditLog,
      s.notifications.dispatcher,
      () => clock,
    );
    clock = Date.now();
    real.putSettings(caller(), bandung, { enabled: true, escalate_after_seconds: 5, numbers: ['+628111000444'] });
    const id = await raise(bandung);
    clock = Date.now() + 10_000;
    expect(real.escalateDue()).toEqual([id]);
    const rows = s.db.conn.prepare('SELECT kind, phone FROM notification_deliveries WHERE event_log_id = ?').all(id);
    expect(rows).toEqual([{ kind: 'escalation', phone: '+628111000444' }]);
    expect(real.escalateDue()).toEqual([]);
    expect(
      s.db.conn.prepare('SELECT COUNT(*) FROM notification_deliveries WHERE event_log_id = ?').pluck().get(id),
    ).toBe(1);
  });

  it('escalates once across a restart: the database says what already escalated', async () => {
    clock = Date.now();
    svc.putSettings(caller(), jakarta, { enabled: true, escalate_after_seconds: 30, numbers: ['+628111000333'] });
    const id = await raise(jakarta);
    sent.length = 0;
    clock = Date.now() + 31_000;
    expect(svc.escalateDue()).toEqual([id]);
    const dataDir = h.dataDir;
    await h.stop();
    h = await startHarness({ dataDir });
    svc = service();
    expect(svc.escalateDue()).toEqual([]);
    clock += 3_600_000;
    expect(svc.escalateDue()).toEqual([]);
    expect(sent.map((x) => x.eventLogId)).toEqual([id]);
    expect((await h.admin.alarmTimeline(id)).filter((t) => t.action === 'escalated')).toHaveLength(1);
  });
});
