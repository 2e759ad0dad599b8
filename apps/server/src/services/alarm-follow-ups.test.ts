/**
 * What follows an alarm rule (issue 14), through the server: a camera offline longer than a
 * camera_offline rule's time raises one alarm per rule and outage (a ladder of two rules gives
 * two, a second sweep none, a new outage again), in the feed and on WhatsApp; a disarmed branch
 * none; an alarm whose rule auto-closes is closed by the system when its time comes; and the
 * acknowledgement service level per branch, operator and day with the rule's target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventLog } from '@pantau/shared';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { AlarmMatchRepository } from '../repositories/alarm-match-repository.js';
import { AlarmRuleMatcher } from './alarm-rule-matcher.js';
import { CameraOfflineAlarms } from './camera-offline-alarms.js';
import { siteDay } from './site-time.js';

let h: Harness;
let branchId: number;
let seq = 0;

beforeAll(async () => {
  h = await startHarness();
  const b = await h.admin.createBranch({
    group_id: h.branches[0]!.group_id,
    branch_code: 'JYP-01',
    branch_name: 'Jayapura',
    city: 'Jayapura',
    timezone: 'Asia/Jayapura',
  });
  branchId = b.id;
  await h.admin.createDevice({ device_id: 'jyp-nvr', device_name: 'NVR', device_type: 'nvr', branch_id: branchId });
  await h.admin.createDevice({
    device_id: 'jyp-gate',
    device_name: 'Gate',
    device_type: 'camera',
    branch_id: branchId,
    parent_device_id: 'jyp-nvr',
  });
  await h.admin.createAlertSetting({ branch_id: branchId, numbers: ['+6281100000999'] });
  // the branch's default rule off: each test's rule alone decides
  const [byDefault] = await h.admin.alarmRules({ branch_id: branchId });
  await h.admin.updateAlarmRule(byDefault!.id, { enabled: false });
  await gate('online');
});
afterAll(async () => {
  await h?.stop();
});

/** A sweep whose clock is `aheadMs` in the future (the camera has been offline that long). */
function sweepAhead(aheadMs: number): number[] {
  const s = h.server.services;
  const repo = new AlarmMatchRepository(s.db.conn);
  return new CameraOfflineAlarms(
    repo,
    new AlarmRuleMatcher(repo),
    s.exec,
    s.events,
    s.notifications.dispatcher,
    () => Date.now() + aheadMs,
  ).sweep();
}

const gate = (status: 'online' | 'offline') =>
  h.device.heartbeat({ device_id: 'jyp-nvr', cameras: [{ device_id: 'jyp-gate', status }] });

describe('alarm follow-ups', () => {
  it('raises a camera-offline alarm once per rule and outage, in the feed and on WhatsApp', async () => {
    const medium = await h.admin.createAlarmRule({
      branch_id: branchId,
      name: 'Gate camera offline 1 min',
      condition: { type: 'camera_offline', value: 60 },
      priority: 'medium',
    });
    const critical = await h.admin.createAlarmRule({
      branch_id: branchId,
      name: 'Gate camera offline 10 min',
      condition: { type: 'camera_offline', value: 600 },
      instructions: 'Send the technician.',
    });
    expect(critical.priority).toBe('high');
    await new Promise((r) => setTimeout(r, 5));
    await gate('offline');
    expect(sweepAhead(30_000)).toEqual([]);
    const first = sweepAhead(90_000);
    expect(first).toHaveLength(1);
    expect(sweepAhead(120_000)).toEqual([]);
    const second = sweepAhead(700_000);
    expect(second).toHaveLength(1);
    const rows = await Promise.all([...first, ...second].map((id) => h.admin.getAlarm(id)));
    expect(rows.map((r) => [r.event_type, r.device_id, r.rule_id, r.priority, r.re_id])).toEqual([
      ['camera_offline', 'jyp-gate', medium.id, 'medium', ''],
      ['camera_offline', 'jyp-gate', critical.id, 'high', ''],
    ]);
    expect(rows[1]!.instructions).toBe('Send the technician.');
    const sent = await h.admin.deliveriesPage({ event_log_id: first[0]! });
    expect(sent.items).toHaveLength(1);
    expect(sent.items[0]!.message).toMatch(/^Pantau: camera Gate at Jayapura offline since /);
    // back online, then a new outage: alarms again
    await gate('online');
    expect(sweepAhead(700_000)).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    await gate('offline');
    expect(sweepAhead(90_000)).toHaveLength(1);
    // disarmed: none
    await gate('online');
    await h.admin.setArming(branchId, { armed: false });
    await new Promise((r) => setTimeout(r, 5));
    await gate('offline');
    expect(sweepAhead(700_000)).toEqual([]);
    await h.admin.setArming(branchId, { armed: true });
    await gate('online');
    await h.admin.deleteAlarmRule(medium.id);
    await h.admin.deleteAlarmRule(critical.id);
  });

  it('closes an alarm by itself when its rule’s time comes, as the system', async () => {
    const rule = await h.admin.createAlarmRule({
      branch_id: branchId,
      name: 'Gate, closes by itself',
      device_ids: ['jyp-gate'],
      condition: { type: 'any_person' },
      priority: 'low',
      auto_close_minutes: 5,
      cooldown_s: 0,
    });
    const event = await detect();
    expect(event).toMatchObject({ rule_id: rule.id, alarm_state: 'new' });
    const row = h.server.services.db.conn
      .prepare(`SELECT created_at, auto_close_at FROM event_logs WHERE id = ?`)
      .get(event.id) as { created_at: string; auto_close_at: string };
    expect(Date.parse(row.auto_close_at) - Date.parse(row.created_at)).toBeCloseTo(5 * 60_000, -3);
    expect(h.server.services.alarms.autoCloseDue()).not.toContain(event.id);
    // five minutes later (the tick reads the stored time against the clock)
    h.server.services.db.conn
      .prepare(`UPDATE event_logs SET auto_close_at = ? WHERE id = ?`)
      .run(new Date(Date.now() - 1000).toISOString(), event.id);
    expect(h.server.services.alarms.autoCloseDue()).toEqual([event.id]);
    expect(h.server.services.alarms.autoCloseDue()).toEqual([]);
    const closed = await h.admin.getAlarm(event.id);
    expect(closed).toMatchObject({ alarm_state: 'closed', closed_by: null });
    const timeline = await h.admin.alarmTimeline(event.id);
    expect(timeline.at(-1)).toMatchObject({ action: 'closed', user_id: null });
    await h.admin.deleteAlarmRule(rule.id);
  });

  it('reads the time to acknowledge per branch, operator and day, with the breaches of the rule’s target', async () => {
    const rule = await h.admin.createAlarmRule({
      branch_id: branchId,
      name: 'Gate, 1 s to acknowledge',
      device_ids: ['jyp-gate'],
      condition: { type: 'any_person' },
      ack_target_s: 1,
      cooldown_s: 0,
    });
    const fast = await detect();
    await h.admin.acknowledgeAlarm(fast.id, {});
    const slow = await detect();
    const waiting = await detect();
    await new Promise((r) => setTimeout(r, 1100));
    await h.admin.acknowledgeAlarm(slow.id, {});
    const day = siteDay(Date.now(), 'Asia/Jayapura');
    const sl = await h.admin.alarmServiceLevel({ from: day, to: day, branch_id: branchId });
    const mine = sl.branches.find((b) => b.branch_id === branchId && b.day === day)!;
    // the alarms of this branch today: the two with the target are counted in with_target
    expect(mine.with_target).toBe(3);
    expect(mine.breaches).toBe(2); // slow (acknowledged after > 1 s) and waiting (still new, older than 1 s)
    expect(mine.acknowledged).toBeGreaterThanOrEqual(2);
    expect(mine.p90_s).toBeGreaterThan(1);
    const me = await h.admin.me();
    const admin = sl.operators.find((o) => o.day === day && o.user_id === me.id);
    expect(admin).toMatchObject({ user_name: me.name });
    expect(admin!.acknowledged).toBeGreaterThanOrEqual(2);
    expect(waiting.alarm_state).toBe('new');
    await h.admin.deleteAlarmRule(rule.id);
    const bad = await h.admin.alarmServiceLevel({ from: day, to: '2020-01-01' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});

/** A detection at the gate camera; resolves with its event once processed. */
async function detect(): Promise<EventLog> {
  const re_id = `follow-up-${++seq}`;
  await h.device.logDetection({ re_id, branch_id: branchId, device_id: 'jyp-gate', detected_count: 1 });
  return waitFor(
    async () => (await h.admin.listEvents({ branch_id: branchId, limit: 20 })).find((e) => e.re_id === re_id) ?? null,
    5000,
    re_id,
  );
}
