/**
 * The alarm workflow over HTTP (issue 5): transitions and their 409s, the timeline, a bulk
 * acknowledge with mixed results, scope (an operator of Bandung cannot touch Jakarta's alarms:
 * 404 like an unknown one; a viewer: 403), `alarm_updated` reaching other users' sockets (and
 * only in scope), the list with its unacknowledged counts, and the escalation settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError, type RealtimeEvent } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';

let h: Harness;
let jakarta: number;
let bandung: number;
/** Operators of Jakarta (two), of Bandung; a viewer of Jakarta; an admin scoped to Bandung's group. */
const u = {} as Record<'opJ' | 'opJ2' | 'opB' | 'vwJ' | 'saB', ApiClient>;
let seq = 0;

beforeAll(async () => {
  h = await startHarness();
  [jakarta, bandung] = [h.branches[0]!.id, h.branches[1]!.id];
  const auth = h.server.services.auth;
  const make = async (
    key: keyof typeof u,
    name: string,
    role: 'operator' | 'viewer' | 'admin',
    scope: { scope_branch_ids?: number[]; scope_group_ids?: number[] },
  ) => {
    await auth.createUser({
      email: `${key}@test.local`,
      name,
      password: `${key}-password`,
      role,
      scope_all: false,
      ...scope,
    });
    u[key] = new ApiClient({ baseUrl: h.server.url });
    await u[key].login({ email: `${key}@test.local`, password: `${key}-password` });
  };
  await make('opJ', 'Ayu', 'operator', { scope_branch_ids: [jakarta] });
  await make('opJ2', 'Budi', 'operator', { scope_branch_ids: [jakarta] });
  await make('opB', 'Citra', 'operator', { scope_branch_ids: [bandung] });
  await make('vwJ', 'Dewi', 'viewer', { scope_branch_ids: [jakarta] });
  await make('saB', 'Eko', 'admin', { scope_group_ids: [h.branches[1]!.group_id] });
});
afterAll(async () => {
  await h?.stop();
});

/** Posts `n` detections at a branch and resolves with their event ids, oldest first. */
async function raise(branch: 'jakarta' | 'bandung', n = 1): Promise<number[]> {
  const reIds = Array.from({ length: n }, () => `alarm-${branch}-${++seq}`);
  for (const re_id of reIds)
    await h.device.logDetection({
      re_id,
      branch_id: branch === 'jakarta' ? jakarta : bandung,
      device_id: branch === 'jakarta' ? 'cam-1' : 'cam-2',
      detected_count: 1,
    });
  return waitFor(
    async () => {
      const events = await h.admin.listEvents({ limit: 500 });
      const ids = reIds.map((r) => events.find((e) => e.re_id === r)?.id);
      return ids.every((id) => id !== undefined) ? (ids as number[]) : null;
    },
    5000,
    'events',
  );
}

/** The error a call fails with. */
async function failure(p: Promise<unknown>): Promise<PantauError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PantauError);
  return err as PantauError;
}

const alarmEvents = (ws: WsRecorder) =>
  ws.events().filter((e): e is RealtimeEvent<'alarm_updated'> => e.type === 'alarm_updated');

async function socket(client: ApiClient): Promise<WsRecorder> {
  const ws = new WsRecorder(h.server.url);
  await ws.opened;
  ws.send({ type: 'auth', token: client.token });
  await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
  return ws;
}

describe('alarm transitions', () => {
  it('starts new, acknowledges with a note, refuses a second acknowledge with 409, then closes', async () => {
    const [id] = await raise('jakarta');
    expect((await u.opJ.getAlarm(id!)).alarm_state).toBe('new');
    const acked = await u.opJ.acknowledgeAlarm(id!, { note: '  checked the lobby camera  ' });
    expect(acked).toMatchObject({ id, alarm_state: 'acknowledged', acknowledged_by_name: 'Ayu', closed_at: null });
    expect(Date.parse(acked.acknowledged_at!)).toBeGreaterThan(Date.now() - 5000);

    const again = await failure(u.opJ2.acknowledgeAlarm(id!));
    expect([again.status, again.code]).toEqual([409, 'CONFLICT']);
    expect(again.details).toMatchObject({ field: 'event_id', state: 'acknowledged', acknowledged_by_name: 'Ayu' });
    expect((await u.opJ.getAlarm(id!)).acknowledged_by_name).toBe('Ayu');

    const closed = await u.opJ2.closeAlarm(id!, { note: 'false alarm: cleaner' });
    expect(closed).toMatchObject({ alarm_state: 'closed', acknowledged_by_name: 'Ayu', closed_by_name: 'Budi' });
    for (const call of [() => u.opJ.closeAlarm(id!), () => u.opJ.acknowledgeAlarm(id!)]) {
      const e = await failure(call());
      expect([e.status, e.code, e.details?.state]).toEqual([409, 'CONFLICT', 'closed']);
    }

    const timeline = await u.vwJ.alarmTimeline(id!);
    expect(timeline.map((t) => [t.action, t.user_name, t.note])).toEqual([
      ['created', null, null],
      ['acknowledged', 'Ayu', 'checked the lobby camera'],
      ['closed', 'Budi', 'false alarm: cleaner'],
    ]);
    const times = timeline.map((t) => Date.parse(t.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('closes a new alarm in one step, acknowledging it implicitly, and keeps notes in the timeline', async () => {
    const [id] = await raise('jakarta');
    await u.opJ.noteAlarm(id!, { note: 'person left through the side door' });
    const closed = await u.opJ.closeAlarm(id!);
    expect(closed).toMatchObject({ alarm_state: 'closed', acknowledged_by_name: 'Ayu', closed_by_name: 'Ayu' });
    expect(closed.acknowledged_at).toBe(closed.closed_at);
    expect((await u.opJ.alarmTimeline(id!)).map((t) => t.action)).toEqual([
      'created',
      'note',
      'acknowledged',
      'closed',
    ]);
  });

  it('refuses bad bodies with 400 and changes nothing', async () => {
    const [id] = await raise('jakarta');
    for (const body of [{ note: '' }, { note: 'x'.repeat(1001) }, { note: 'ok', extra: 1 }]) {
      const e = await failure(u.opJ.request('POST', `/api/v1/alarms/${id}/acknowledge`, body));
      expect([e.status, e.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
    const e = await failure(u.opJ.request('POST', '/api/v1/alarms/not-a-number/acknowledge', {}));
    expect(e.status).toBe(400);
    expect((await u.opJ.getAlarm(id!)).alarm_state).toBe('new');
    expect(await u.opJ.alarmTimeline(id!)).toHaveLength(1);
  });

  it('answers 404 for an unknown alarm', async () => {
    const e = await failure(u.opJ.acknowledgeAlarm(9_999_999));
    expect([e.status, e.code, e.details?.field]).toEqual([404, 'NOT_FOUND', 'event_id']);
  });
});

describe('alarm scope', () => {
  it('hides Jakarta alarms from a Bandung operator (404, like an unknown alarm) and refuses viewers (403)', async () => {
    const [id] = await raise('jakarta');
    for (const call of [
      () => u.opB.acknowledgeAlarm(id!),
      () => u.opB.closeAlarm(id!),
      () => u.opB.noteAlarm(id!, { note: 'x' }),
      () => u.opB.getAlarm(id!),
      () => u.opB.alarmTimeline(id!),
    ]) {
      const e = await failure(call());
      expect([e.status, e.code]).toEqual([404, 'NOT_FOUND']);
    }
    const v = await failure(u.vwJ.acknowledgeAlarm(id!));
    expect([v.status, v.code]).toEqual([403, 'FORBIDDEN']);
    expect(await u.vwJ.getAlarm(id!)).toMatchObject({ alarm_state: 'new' });
    expect((await u.opB.alarmsPage({ per_page: 500 })).items.every((a) => a.branch_id === bandung)).toBe(true);
    expect(await u.opJ.alarmTimeline(id!)).toHaveLength(1);
  });
});

describe('bulk acknowledge', () => {
  it('acknowledges what it may and says why not for the rest, in order', async () => {
    const [a, b, taken] = await raise('jakarta', 3);
    const [other] = await raise('bandung');
    await u.opJ2.acknowledgeAlarm(taken!);
    const r = await u.opJ.acknowledgeAlarms({ event_ids: [a!, other!, taken!, 9_999_999, b!], note: 'shift handover' });
    expect(r.acknowledged).toBe(2);
    expect(r.rejected).toBe(3);
    expect(r.results.map((x) => [x.event_id, x.status, x.error?.code])).toEqual([
      [a, 'acknowledged', undefined],
      [other, 'rejected', 'NOT_FOUND'],
      [taken, 'rejected', 'CONFLICT'],
      [9_999_999, 'rejected', 'NOT_FOUND'],
      [b, 'acknowledged', undefined],
    ]);
    expect((await u.opJ.getAlarm(a!)).acknowledged_by_name).toBe('Ayu');
    expect((await u.opJ.getAlarm(taken!)).acknowledged_by_name).toBe('Budi');
    expect((await h.admin.getAlarm(other!)).alarm_state).toBe('new');
    expect((await u.opJ.alarmTimeline(b!)).at(-1)).toMatchObject({ action: 'acknowledged', note: 'shift handover' });
  });

  it('refuses repeated ids and more than 500 with 400, changing nothing', async () => {
    const [a] = await raise('jakarta');
    for (const ids of [[a!, a!], Array.from({ length: 501 }, (_, i) => i + 1), []]) {
      const e = await failure(u.opJ.acknowledgeAlarms({ event_ids: ids }));
      expect([e.status, e.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
    expect((await u.opJ.getAlarm(a!)).alarm_state).toBe('new');
  });
});

describe('alarm events and lists', () => {
  it('sends alarm_updated to every console of the branch, and not beyond its scope', async () => {
    const [wsJ2, wsB] = [await socket(u.opJ2), await socket(u.opB)];
    const [id] = await raise('jakarta');
    const detection = await waitFor(
      () => wsJ2.events().find((e) => e.type === 'detection_update' && e.data.id === id),
      3000,
      'detection_update',
    );
    expect(detection.data).toMatchObject({ alarm_state: 'new', escalated_at: null });
    await u.opJ.acknowledgeAlarm(id!, { note: 'on it' });
    const ev = await waitFor(() => alarmEvents(wsJ2).find((e) => e.data.event_id === id), 3000, 'alarm_updated');
    expect(ev.channel).toBe(`branch:${jakarta}`);
    expect(ev.data).toMatchObject({
      event_id: id,
      branch_id: jakarta,
      state: 'acknowledged',
      action: 'acknowledged',
      by_name: 'Ayu',
      note: 'on it',
      acknowledged_by_name: 'Ayu',
      escalated: false,
    });
    await u.opJ.closeAlarm(id!);
    await waitFor(
      () => alarmEvents(wsJ2).find((e) => e.data.event_id === id && e.data.state === 'closed'),
      3000,
      'closed event',
    );
    // the committed outbox holds both; Bandung's socket got neither
    await new Promise((r) => setTimeout(r, 200));
    expect(alarmEvents(wsB)).toEqual([]);
    wsJ2.close();
    wsB.close();
  });

  it('lists by state newest first, with the unacknowledged count per branch, and the feed rows carry the state', async () => {
    const ids = await raise('bandung', 3);
    await u.opB.acknowledgeAlarm(ids[0]!);
    const fresh = await u.opB.alarmsPage({ state: 'new', per_page: 500 });
    expect(fresh.items.every((a) => a.alarm_state === 'new')).toBe(true);
    const listed = fresh.items.map((a) => a.id);
    expect(listed).toEqual([...listed].sort((a, b) => b - a));
    expect(listed).toEqual(expect.arrayContaining([ids[1], ids[2]]));
    expect(listed).not.toContain(ids[0]);
    expect(fresh.meta.total).toBe(fresh.items.length);
    const count = fresh.meta.unacknowledged.find((c) => c.branch_id === bandung);
    expect(count).toMatchObject({ branch_name: 'Bandung Kota', unacknowledged: fresh.items.length });
    expect(fresh.meta.unacknowledged.map((c) => c.branch_id)).toEqual([bandung]);
    const all = await h.admin.alarmsPage({ branch_id: bandung, per_page: 2, page: 1 });
    expect(all.items).toHaveLength(2);
    expect(all.meta.unacknowledged.map((c) => c.branch_id).sort()).toEqual([jakarta, bandung].sort());
    const acked = await u.opB.alarmsPage({ state: 'acknowledged' });
    expect(acked.items.map((a) => a.id)).toContain(ids[0]);
    const events = await u.opB.listEvents({ limit: 10 });
    expect(events.find((e) => e.id === ids[0])).toMatchObject({
      alarm_state: 'acknowledged',
      acknowledged_by_name: 'Citra',
    });
    expect(events.find((e) => e.id === ids[1])).toMatchObject({ alarm_state: 'new', acknowledged_by_name: null });
  });
});

describe('escalation settings', () => {
  it('stores, reads and deletes a branch setting; admins of the branch only', async () => {
    const list = await h.admin.escalationSettings();
    expect(list.map((s) => s.branch_id)).toEqual([jakarta, bandung]);
    expect(list[0]).toMatchObject({ enabled: false, escalate_after_seconds: 300, numbers: [], updated_at: null });
    const saved = await u.saB.putEscalationSettings(bandung, {
      enabled: true,
      escalate_after_seconds: 120,
      numbers: ['+628111222333'],
    });
    expect(saved).toMatchObject({
      branch_id: bandung,
      branch_name: 'Bandung Kota',
      enabled: true,
      escalate_after_seconds: 120,
      numbers: ['+628111222333'],
    });
    expect(saved.enabled_since).not.toBeNull();
    // changing an enabled setting keeps when it was enabled; switching off clears it
    const changed = await u.saB.putEscalationSettings(bandung, {
      enabled: true,
      escalate_after_seconds: 60,
      numbers: [],
    });
    expect(changed.enabled_since).toBe(saved.enabled_since);
    expect(
      (await u.saB.putEscalationSettings(bandung, { enabled: false, escalate_after_seconds: 60, numbers: [] }))
        .enabled_since,
    ).toBeNull();
    expect((await u.saB.escalationSettings()).map((s) => s.branch_id)).toEqual([bandung]);

    const out = await failure(
      u.saB.putEscalationSettings(jakarta, { enabled: true, escalate_after_seconds: 60, numbers: [] }),
    );
    expect([out.status, out.code]).toEqual([404, 'NOT_FOUND']);
    expect((await failure(u.opJ.escalationSettings())).status).toBe(403);
    for (const body of [
      { enabled: true, escalate_after_seconds: 0, numbers: [] },
      { enabled: true, escalate_after_seconds: 60, numbers: ['0812345'] },
      { enabled: true, escalate_after_seconds: 60, numbers: ['+628111222333', '+628111222333'] },
      { enabled: true, escalate_after_seconds: 60, numbers: [], colour: 'red' },
    ]) {
      const e = await failure(h.admin.request('PUT', `/api/v1/alarm-escalation/${jakarta}`, body));
      expect([e.status, e.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
    expect((await h.admin.getEscalationSettings(jakarta)).updated_at).toBeNull();

    await u.saB.deleteEscalationSettings(bandung);
    expect((await u.saB.getEscalationSettings(bandung)).updated_at).toBeNull();
    expect((await failure(u.saB.deleteEscalationSettings(bandung))).status).toBe(404);
    const audit = await h.admin.auditPage({ entity_type: 'alarm_escalation' });
    expect(audit.items.map((a) => a.action).sort()).toEqual(['create', 'delete', 'update', 'update']);
  });
});
