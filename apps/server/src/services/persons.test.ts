/**
 * Person tracking (issue 12): the list with its filters, the detection history, the journey's
 * visits, the label, note and status with who may set them, and the scope (a person never seen
 * in scope is 404, as if unknown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError } from '@pantau/shared';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { visitsOf } from './person-service.js';

let h: Harness;
let op: ApiClient;
let seq = 0;
beforeAll(async () => {
  h = await startHarness();
  await h.admin.createUser({
    email: 'persons-op@test.local',
    name: 'Persons Op',
    password: 'operator-pw1',
    role: 'operator',
    scope_branch_ids: [h.branches[0]!.id],
  });
  op = new ApiClient({ baseUrl: h.server.url });
  await op.login({ email: 'persons-op@test.local', password: 'operator-pw1' });
  const [jkt, bdg] = h.branches;
  const post = (re_id: string, branch: number, device: string, at: string) =>
    h.device.logDetection({
      re_id,
      branch_id: branch,
      device_id: device,
      detected_count: 1,
      detection_timestamp: at,
      event_id: `persons-${++seq}`,
    });
  // walker: Jakarta 09:00 and 09:25 (one visit), Bandung 10:00, Jakarta 10:40, Jakarta 11:30 (a gap > 30 min)
  await post('walker', jkt!.id, 'cam-1', '2026-11-20T09:00:00.000+07:00');
  await post('walker', jkt!.id, 'cam-1', '2026-11-20T09:25:00.000+07:00');
  await post('walker', bdg!.id, 'cam-2', '2026-11-20T10:00:00.000+07:00');
  await post('walker', jkt!.id, 'cam-1', '2026-11-20T10:40:00.000+07:00');
  await post('walker', jkt!.id, 'cam-1', '2026-11-20T11:30:00.000+07:00');
  // only ever in Bandung
  await post('bandung-only', bdg!.id, 'cam-2', '2026-11-21T08:00:00.000+07:00');
  await post('latest', jkt!.id, 'cam-1', '2026-11-22T08:00:00.000+07:00');
  await waitFor(
    () => (h.server.services.db.conn.prepare(`SELECT COUNT(*) AS n FROM jobs`).get() as { n: number }).n === 0,
    5000,
    'queue drained',
  );
});
afterAll(async () => {
  await h?.stop();
});

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof PantauError ? `${e.code}:${String(e.details?.field)}` : String(e)),
  );

describe('persons', () => {
  it('lists persons newest last detection first, filtered by branch, days, search and status', async () => {
    const all = await h.admin.listPersons();
    expect(all.items.map((p) => p.re_id)).toEqual(['latest', 'bandung-only', 'walker']);
    expect(all.meta.total).toBe(3);
    expect(all.items[2]).toMatchObject({ total_actual_count: 5, total_detection_branch_count: 2, note: null });
    const bdg = await h.admin.listPersons({ branch_id: h.branches[1]!.id });
    expect(bdg.items.map((p) => p.re_id)).toEqual(['bandung-only', 'walker']);
    const day = await h.admin.listPersons({ from: '2026-11-21', to: '2026-11-21' });
    expect(day.items.map((p) => p.re_id)).toEqual(['bandung-only']);
    expect((await h.admin.listPersons({ q: 'WALK' })).items.map((p) => p.re_id)).toEqual(['walker']);
    // LIKE's wildcards are taken literally
    expect((await h.admin.listPersons({ q: '%' })).items).toEqual([]);
    const group = await h.admin.listPersons({ group_id: h.branches[0]!.group_id, per_page: 1 });
    expect(group.items.map((p) => p.re_id)).toEqual(['latest']);
    expect(group.meta).toEqual({ page: 1, per_page: 1, total: 2 });
  });

  it('lists the persons of several branches in scope, newest last detection first', async () => {
    await h.admin.createUser({
      email: 'persons-two@test.local',
      name: 'Two Branches',
      password: 'operator-pw1',
      role: 'viewer',
      scope_branch_ids: [h.branches[0]!.id, h.branches[1]!.id],
    });
    const two = new ApiClient({ baseUrl: h.server.url });
    await two.login({ email: 'persons-two@test.local', password: 'operator-pw1' });
    const page = await two.listPersons({ per_page: 2 });
    expect(page.items.map((p) => p.re_id)).toEqual(['latest', 'bandung-only']);
    expect(page.meta.total).toBe(3);
  });

  it('keeps an operator to their branch: the list, the detail and its parts', async () => {
    expect((await op.listPersons()).items.map((p) => p.re_id)).toEqual(['latest', 'walker']);
    const walker = await op.person('walker');
    expect(walker.branches.map((b) => b.branch_id)).toEqual([h.branches[0]!.id]);
    expect(walker.total_actual_count).toBe(4);
    expect(await code(op.person('bandung-only'))).toBe('NOT_FOUND:re_id');
    expect(await code(op.personJourney('bandung-only'))).toBe('NOT_FOUND:re_id');
    expect(await code(op.personDetections('bandung-only'))).toBe('NOT_FOUND:re_id');
    expect(await code(op.updatePerson('bandung-only', { note: 'x' }))).toBe('NOT_FOUND:re_id');
    // in scope: 09:00 and 09:25 (one visit), 10:40 (75 min later: a new one), 11:30 (50 min: another)
    expect((await op.personJourney('walker')).visits.map((v) => v.detection_count)).toEqual([2, 1, 1]);
  });

  it('cuts the journey into visits: same branch within 30 min is one visit', async () => {
    const j = await h.admin.personJourney('walker');
    expect(j.truncated).toBe(false);
    expect(j.visits).toEqual([
      {
        branch_id: h.branches[0]!.id,
        branch_name: 'Jakarta Pusat',
        device_ids: ['cam-1'],
        first_detection: '2026-11-20T02:00:00.000Z',
        last_detection: '2026-11-20T02:25:00.000Z',
        detection_count: 2,
      },
      expect.objectContaining({ branch_id: h.branches[1]!.id, detection_count: 1 }),
      expect.objectContaining({
        branch_id: h.branches[0]!.id,
        first_detection: '2026-11-20T03:40:00.000Z',
        detection_count: 1,
      }),
      expect.objectContaining({
        branch_id: h.branches[0]!.id,
        first_detection: '2026-11-20T04:30:00.000Z',
        detection_count: 1,
      }),
    ]);
    // the rule on its own: exactly 30 min apart still joins; devices in order of first sight
    const t0 = Date.parse('2026-11-20T00:00:00Z');
    const rows = [
      { branch_id: 1, branch_name: 'A', device_id: 'x', at: t0 },
      { branch_id: 1, branch_name: 'A', device_id: 'y', at: t0 + 30 * 60_000 },
      { branch_id: 1, branch_name: 'A', device_id: 'x', at: t0 + 60 * 60_000 + 1 },
    ];
    expect(visitsOf(rows).map((v) => [v.detection_count, v.device_ids.join()])).toEqual([
      [2, 'x,y'],
      [1, 'x'],
    ]);
  });

  it("pages a person's detections newest first, each with its event", async () => {
    const first = await h.admin.personDetections('walker', { per_page: 2 });
    expect(first.meta).toEqual({ page: 1, per_page: 2, total: 5 });
    expect(first.items.map((d) => d.detection_timestamp)).toEqual([
      '2026-11-20T04:30:00.000Z',
      '2026-11-20T03:40:00.000Z',
    ]);
    expect(first.items[0]).toMatchObject({ branch_name: 'Jakarta Pusat', device_name: 'Lobby', has_snapshot: false });
    const ev = first.items[0]!.event_log_id!;
    const events = await h.admin.listEvents({ limit: 50 });
    expect(events.find((e) => e.id === ev)?.re_id).toBe('walker');
  });

  it('keeps the latest appearance features a device sent, through detections that send none', async () => {
    const post = (appearance_features?: Record<string, unknown>) =>
      h.device.logDetection({
        re_id: 'dressed',
        branch_id: h.branches[0]!.id,
        device_id: 'cam-1',
        detected_count: 1,
        event_id: `persons-${++seq}`,
        ...(appearance_features ? { appearance_features } : {}),
      });
    const drained = () =>
      waitFor(
        () => (h.server.services.db.conn.prepare(`SELECT COUNT(*) AS n FROM jobs`).get() as { n: number }).n === 0,
        5000,
        'queue drained',
      );
    await post({ upper_colour: 'red', carrying: 'backpack' });
    await post();
    await drained();
    expect((await h.admin.person('dressed')).appearance_features).toEqual({
      upper_colour: 'red',
      carrying: 'backpack',
    });
    await post({ upper_colour: 'navy' });
    await drained();
    expect((await h.admin.person('dressed')).appearance_features).toEqual({ upper_colour: 'navy' });
    expect((await h.admin.listPersons({ q: 'dressed' })).items[0]!.appearance_features).toEqual({
      upper_colour: 'navy',
    });
    expect(await code(post({ embedding: Array.from({ length: 5000 }, () => 0.123456) }))).toBe(
      'VALIDATION_ERROR:appearance_features',
    );
  });

  it('lets an operator set the label and note, only an admin the status, audited; refuses bad input', async () => {
    const p = await op.updatePerson('walker', { person_label: 'Walker', note: 'regular' });
    expect(p).toMatchObject({ person_label: 'Walker', note: 'regular' });
    expect(await code(op.updatePerson('walker', { status: 'inactive' }))).toBe('FORBIDDEN:status');
    expect((await h.admin.updatePerson('walker', { status: 'inactive' })).status).toBe('inactive');
    expect((await h.admin.listPersons({ status: 'inactive' })).items.map((x) => x.re_id)).toEqual(['walker']);
    expect(await code(h.admin.updatePerson('walker', {} as never))).toMatch(/^VALIDATION_ERROR/);
    expect(await code(h.admin.updatePerson('walker', { note: 'x'.repeat(2001) }))).toBe('VALIDATION_ERROR:note');
    expect(await code(h.admin.updatePerson('nobody', { note: 'x' }))).toBe('NOT_FOUND:re_id');
    const audit = await h.admin.auditPage({ entity_type: 'person' });
    expect(audit.items.map((a) => [a.entity_id, a.action])).toEqual([
      ['walker', 'update'],
      ['walker', 'update'],
    ]);
    expect((await h.admin.person('walker')).note).toBe('regular');
  });
});
