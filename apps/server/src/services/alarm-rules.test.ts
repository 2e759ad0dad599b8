/**
 * Alarm rules end to end through the server (issue 14): a detection outside a rule's schedule
 * is an event but no alarm and sends no WhatsApp; inside it, one alarm with the rule's
 * priority, name and instruction, and the alert; a disarmed branch raises none, a re-armed one
 * again; a rule's cameras, crowding, the watchlist and the cooldown; the default rule of a new
 * branch; bad input changes nothing; `arming_updated` reaches the branch's sockets. Each edit is
 * seen by the very next detection: the rules version moved in the edit's commit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PantauError, type EventLog, type TimeProfile } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { siteDay } from './site-time.js';

let h: Harness;
let branchId: number;
let seq = 0;

const ALWAYS: TimeProfile = {
  weekly: Array.from({ length: 7 }, () => [{ start: '00:00', end: '24:00' }]),
  exceptions: [],
};
const NEVER: TimeProfile = { weekly: Array.from({ length: 7 }, () => []), exceptions: [] };

beforeAll(async () => {
  h = await startHarness();
  const g = h.branches[0]!.group_id;
  // a branch of its own (WITA), so the other suites' detections and rules are not this one's
  const b = await h.admin.createBranch({
    group_id: g,
    branch_code: 'MKS-01',
    branch_name: 'Makassar',
    city: 'Makassar',
    timezone: 'Asia/Makassar',
  });
  branchId = b.id;
  for (const [device_id, device_name] of [
    ['mks-door', 'Back door'],
    ['mks-hall', 'Hall'],
  ] as const)
    await h.admin.createDevice({ device_id, device_name, device_type: 'camera', branch_id: branchId });
  await h.admin.createAlertSetting({ branch_id: branchId, numbers: ['+6281100000777'] });
});
afterAll(async () => {
  await h?.stop();
});

/** Post one detection and resolve with its event row once processed. */
async function detect(device_id: string, opts: { re_id?: string; count?: number } = {}): Promise<EventLog> {
  const re_id = opts.re_id ?? `rule-person-${++seq}`;
  const event_id = `rule-ev-${++seq}`;
  await h.device.logDetection({ re_id, branch_id: branchId, device_id, detected_count: opts.count ?? 1, event_id });
  return waitFor(
    async () =>
      (await h.admin.listEvents({ branch_id: branchId, limit: 50 })).find(
        (e) => e.re_id === re_id && e.device_id === device_id && !seen.has(e.id) && (seen.add(e.id), true),
      ) ?? null,
    5000,
    `event of ${re_id}`,
  );
}
const seen = new Set<number>();

const deliveriesOf = async (eventId: number) =>
  (await h.admin.deliveriesPage({ event_log_id: eventId })).items.map((d) => d.phone);

async function failure(p: Promise<unknown>): Promise<PantauError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PantauError);
  return err as PantauError;
}

describe('alarm rules', () => {
  it('gives a new branch the default rule: any person, always, medium, and every detection is an alarm as before', async () => {
    const rules = await h.admin.alarmRules({ branch_id: branchId });
    expect(rules).toEqual([
      expect.objectContaining({
        branch_id: branchId,
        name: 'Any person',
        enabled: true,
        device_ids: [],
        condition: { type: 'any_person' },
        schedule: null,
        priority: 'medium',
        cooldown_s: 0,
        notify_whatsapp: true,
      }),
    ]);
    const e1 = await detect('mks-door', { re_id: 'same-person' });
    const e2 = await detect('mks-door', { re_id: 'same-person' });
    for (const e of [e1, e2])
      expect(e).toMatchObject({ alarm_state: 'new', priority: 'medium', rule_name: 'Any person' });
    expect(await deliveriesOf(e1.id)).toEqual(['+6281100000777']);
    // the alert setting's own cooldown per person and camera still holds the second message, as before
    expect(await deliveriesOf(e2.id)).toEqual([]);
  });

  it('outside the schedule a detection is an event, no alarm, no WhatsApp; inside it, one alarm with the rule’s priority and instruction', async () => {
    const [byDefault] = await h.admin.alarmRules({ branch_id: branchId });
    await h.admin.updateAlarmRule(byDefault!.id, { enabled: false });
    const rule = await h.admin.createAlarmRule({
      branch_id: branchId,
      name: 'Back door at night',
      device_ids: ['mks-door'],
      condition: { type: 'any_person' },
      schedule: NEVER,
      priority: 'high',
      cooldown_s: 0,
      instructions: 'Call the guard post, then check the back door camera.',
    });
    const outside = await detect('mks-door');
    expect(outside).toMatchObject({ alarm_state: null, priority: null, rule_id: null });
    expect(await deliveriesOf(outside.id)).toEqual([]);
    // not an alarm: the alarm routes do not know it
    expect((await failure(h.admin.getAlarm(outside.id))).code).toBe('NOT_FOUND');
    expect((await failure(h.admin.acknowledgeAlarm(outside.id, {}))).code).toBe('NOT_FOUND');
    const listed = await h.admin.alarmsPage({ branch_id: branchId, per_page: 500 });
    expect(listed.items.map((a) => a.id)).not.toContain(outside.id);

    await h.admin.updateAlarmRule(rule.id, { schedule: ALWAYS });
    const inside = await detect('mks-door');
    expect(inside).toMatchObject({
      alarm_state: 'new',
      priority: 'high',
      rule_id: rule.id,
      rule_name: 'Back door at night',
      instructions: 'Call the guard post, then check the back door camera.',
    });
    expect(await deliveriesOf(inside.id)).toEqual(['+6281100000777']);
    // another camera of the branch: the rule is the back door's only
    const hall = await detect('mks-hall');
    expect(hall.alarm_state).toBeNull();
    const alarm = await h.admin.getAlarm(inside.id);
    expect(alarm).toMatchObject({ priority: 'high', rule_name: 'Back door at night' });
    expect((await h.admin.alarmsPage({ branch_id: branchId, priority: 'high' })).items.map((a) => a.id)).toContain(
      inside.id,
    );
  });

  it('a disarmed branch raises no alarms (its detections are still events); re-armed, it does again; both broadcast and audited', async () => {
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'auth', token: h.admin.token });
    await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
    try {
      const off = await h.admin.setArming(branchId, { armed: false });
      expect(off).toMatchObject({ branch_id: branchId, armed: false, mode: null, changed_by_name: expect.any(String) });
      const quiet = await detect('mks-door');
      expect(quiet.alarm_state).toBeNull();
      expect(await deliveriesOf(quiet.id)).toEqual([]);
      await h.admin.setArming(branchId, { armed: true });
      const loud = await detect('mks-door');
      expect(loud).toMatchObject({ alarm_state: 'new', priority: 'high' });
      const frames = await waitFor(
        () => {
          const f = ws
            .events()
            .filter((e) => e.type === 'arming_updated' && (e.data as { branch_id: number }).branch_id === branchId);
          return f.length >= 2 ? f : null;
        },
        5000,
        'arming_updated frames',
      );
      expect(frames.map((f) => (f.data as { armed: boolean }).armed)).toEqual([false, true]);
      const audit = await h.admin.auditPage({ entity_type: 'arming', per_page: 10 });
      expect(audit.items.map((a) => a.action).slice(0, 2)).toEqual(['arm', 'disarm']);
    } finally {
      ws.close();
    }
  });

  it('a rule in an arming mode applies only while the branch is in that mode', async () => {
    const night = await h.admin.createAlarmRule({
      branch_id: branchId,
      name: 'Hall, night mode',
      device_ids: ['mks-hall'],
      condition: { type: 'any_person' },
      priority: 'low',
      modes: ['night'],
      cooldown_s: 0,
    });
    expect((await detect('mks-hall')).alarm_state).toBeNull();
    const armed = await h.admin.setArming(branchId, { armed: true, mode: 'night' });
    expect(armed.modes).toEqual(['night']);
    expect(await detect('mks-hall')).toMatchObject({ alarm_state: 'new', priority: 'low', rule_id: night.id });
    // the mode stays when only `armed` is sent; null clears it
    expect((await h.admin.setArming(branchId, { armed: true })).mode).toBe('night');
    await h.admin.setArming(branchId, { armed: true, mode: null });
    expect((await detect('mks-hall')).alarm_state).toBeNull();
    await h.admin.deleteAlarmRule(night.id);
  });

  it('switches the arming mode by schedule at its boundaries; a switch by hand holds until the next one', async () => {
    const rules = h.server.services.alarmRules;
    const armed = await h.admin.setArmingSchedule(branchId, { entries: [{ mode: 'night', schedule: ALWAYS }] });
    expect(armed).toMatchObject({ mode: 'night', changed_by: null, schedule: [{ mode: 'night' }] });
    // still night by the schedule: nothing to switch
    expect(rules.applyArmingSchedules()).toEqual([]);
    // an operator takes the mode off by hand: it holds, the schedule says what it said before
    await h.admin.setArming(branchId, { armed: true, mode: null });
    expect(rules.applyArmingSchedules()).toEqual([]);
    expect((await h.admin.armings()).find((a) => a.branch_id === branchId)?.mode).toBeNull();
    // a new schedule applies at once: no entry on now, so no mode
    const off = await h.admin.setArmingSchedule(branchId, { entries: [{ mode: 'night', schedule: NEVER }] });
    expect(off.mode).toBeNull();
    const audit = await h.admin.auditPage({ entity_type: 'arming_schedule', per_page: 5 });
    expect(audit.items).toHaveLength(2);
    await h.admin.setArmingSchedule(branchId, { entries: [] });
    const bad = await failure(h.admin.setArmingSchedule(branchId, { entries: [{ mode: '', schedule: ALWAYS }] }));
    expect(bad.code).toBe('VALIDATION_ERROR');
  });

  it('crowding, the watchlist (critical by default) and the cooldown per camera and person', async () => {
    const crowd = await h.admin.createAlarmRule({
      branch_id: branchId,
      name: 'Crowd in the hall',
      device_ids: ['mks-hall'],
      condition: { type: 'count_at_least', value: 5 },
      cooldown_s: 0,
    });
    expect(crowd.priority).toBe('medium');
    expect((await detect('mks-hall', { count: 4 })).alarm_state).toBeNull();
    expect(await detect('mks-hall', { count: 5 })).toMatchObject({ alarm_state: 'new', rule_id: crowd.id });

    const watch = await h.admin.createAlarmRule({
      branch_id: branchId,
      name: 'Watchlist',
      condition: { type: 'watchlist' },
      cooldown_s: 600,
    });
    expect(watch.priority).toBe('critical');
    expect((await detect('mks-hall', { re_id: 'suspect-1' })).alarm_state).toBeNull();
    const entry = await h.admin.putWatchlist('suspect-1', { reason: 'shoplifting on 30 November' });
    expect(entry).toMatchObject({ re_id: 'suspect-1', reason: 'shoplifting on 30 November' });
    // "add" never replaces an entry already there
    const again = await failure(h.admin.putWatchlist('suspect-1', { reason: 'another reason', only_new: true }));
    expect(again).toMatchObject({ code: 'CONFLICT', details: { reason: 'shoplifting on 30 November' } });
    const hit = await detect('mks-hall', { re_id: 'suspect-1' });
    expect(hit).toMatchObject({ alarm_state: 'new', priority: 'critical', rule_id: watch.id });
    // the same person at the same camera within the cooldown: one alarm, not one per detection
    expect((await detect('mks-hall', { re_id: 'suspect-1' })).alarm_state).toBeNull();
    // at another camera it is another alarm (the back door's own rule is high; the watchlist wins)
    expect(await detect('mks-door', { re_id: 'suspect-1' })).toMatchObject({ priority: 'critical', rule_id: watch.id });
    await h.admin.deleteWatchlist('suspect-1');
    expect(await h.admin.watchlist()).toEqual([]);
    await h.admin.deleteAlarmRule(crowd.id);
    await h.admin.deleteAlarmRule(watch.id);
  });

  it('a person seen at another branch today raises the journey rule on their first visit here', async () => {
    const journey = await h.admin.createAlarmRule({
      branch_id: branchId,
      name: 'Seen at two branches today',
      condition: { type: 'multi_branch', value: 2 },
      priority: 'high',
      cooldown_s: 0,
    });
    // only here so far: one branch
    expect((await detect('mks-hall', { re_id: 'traveller-1' })).rule_id).not.toBe(journey.id);
    // seen in Jakarta, then here for the first time
    await h.device.logDetection({
      re_id: 'traveller-2',
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      detected_count: 1,
      event_id: `jkt-${++seq}`,
    });
    await waitFor(
      async () => (await h.admin.listEvents({ limit: 50 })).some((e) => e.re_id === 'traveller-2') || null,
      5000,
      'the Jakarta detection',
    );
    expect(await detect('mks-hall', { re_id: 'traveller-2' })).toMatchObject({
      alarm_state: 'new',
      rule_id: journey.id,
      priority: 'high',
    });
    await h.admin.deleteAlarmRule(journey.id);
  });

  it('previews draft rules over a stored day: how many of its detections would have raised alarms', async () => {
    const today = siteDay(Date.now(), 'Asia/Makassar');
    const events = await h.admin.listEvents({ branch_id: branchId, limit: 500 });
    const door = events.filter((e) => e.device_id === 'mks-door' && e.event_type === 'person_detected').length;
    const all = await h.admin.previewAlarmRules({
      branch_id: branchId,
      day: today,
      rules: [{ name: 'Any person', condition: { type: 'any_person' }, cooldown_s: 0 }],
    });
    expect(all).toMatchObject({ day: today, zone: 'Asia/Makassar', alarms: all.detections, truncated: false });
    expect(all.detections).toBe(events.filter((e) => e.event_type === 'person_detected').length);
    const split = await h.admin.previewAlarmRules({
      branch_id: branchId,
      day: today,
      rules: [
        { name: 'Door', device_ids: ['mks-door'], condition: { type: 'any_person' }, cooldown_s: 0, priority: 'high' },
        { name: 'Never', condition: { type: 'any_person' }, schedule: NEVER },
      ],
    });
    expect(split.per_rule).toEqual([door, 0]);
    // a cooldown makes the person who stood at the door twice one alarm
    const cooled = await h.admin.previewAlarmRules({
      branch_id: branchId,
      day: today,
      rules: [{ name: 'Door', device_ids: ['mks-door'], condition: { type: 'any_person' }, cooldown_s: 3600 }],
    });
    expect(cooled.alarms).toBeLessThan(door);
    const bad = await failure(
      h.admin.previewAlarmRules({
        branch_id: branchId,
        rules: [{ name: 'x', device_ids: ['cam-2'], condition: { type: 'any_person' } }],
      }),
    );
    expect(bad).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'rules.0.device_ids' } });
  });

  it('refuses bad rules with their field and changes nothing', async () => {
    const before = await h.admin.alarmRules({ branch_id: branchId });
    const notHere = await failure(
      h.admin.createAlarmRule({
        branch_id: branchId,
        name: 'Someone else’s camera',
        device_ids: ['cam-1'],
        condition: { type: 'any_person' },
      }),
    );
    expect(notHere).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'device_ids' } });
    const overnight = await failure(
      h.admin.createAlarmRule({
        branch_id: branchId,
        name: 'Bad range',
        condition: { type: 'any_person' },
        schedule: { weekly: [[{ start: '22:00', end: '22:00' }], [], [], [], [], [], []], exceptions: [] },
      }),
    );
    expect(overnight.code).toBe('VALIDATION_ERROR');
    expect(overnight.details?.field).toMatch(/^schedule\.weekly\.0\.0/);
    const unknown = await failure(
      h.admin.createAlarmRule({ branch_id: 99_999, name: 'Nowhere', condition: { type: 'any_person' } }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    const empty = await failure(h.admin.updateAlarmRule(before[0]!.id, {}));
    expect(empty.code).toBe('VALIDATION_ERROR');
    expect(await h.admin.alarmRules({ branch_id: branchId })).toEqual(before);
  });
});
