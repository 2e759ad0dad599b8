/**
 * The rollups (migration 012) and what reads them: counted in the detection's transaction in
 * each branch's site-local hour and day, exactly once however often a device resends, equal to a
 * rebuild from the raw rows; the dashboard over them with its scope; the once-a-second
 * `stats_updated`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { countingZone } from './site-time.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // Bandung's branch keeps WITA here (UTC+8), Jakarta WIB (UTC+7): two zones in one server
  await h.admin.updateBranch(h.branches[1]!.id, { timezone: 'Asia/Makassar' });
});
afterAll(async () => {
  await h?.stop();
});

const db = () => h.server.services.db.conn;
const drained = () =>
  waitFor(() => (db().prepare(`SELECT COUNT(*) AS n FROM jobs`).get() as { n: number }).n === 0, 5000, 'queue drained');
/** Every rollup table (migrations 012, 016). */
const ROLLUPS = ['detection_hourly', 'detection_daily', 'person_days', 'person_periods'];
const rows = (table: string) =>
  db()
    .prepare(`SELECT * FROM ${table}`)
    .all()
    .map((r) => JSON.stringify(r))
    .sort();
const hourly = (branchId: number, day: string) =>
  db()
    .prepare(
      `SELECT local_hour AS hour, device_id, detections, detected_sum FROM detection_hourly WHERE branch_id = ? AND local_day = ? ORDER BY local_hour, device_id`,
    )
    .all(branchId, day);
const daily = (branchId: number, day: string) =>
  db()
    .prepare(
      `SELECT detections, detected_sum, unique_persons FROM detection_daily WHERE branch_id = ? AND local_day = ?`,
    )
    .get(branchId, day);
let seq = 0;
const post = (o: { branch: number; device: string; re_id: string; at: string; count?: number; event_id?: string }) =>
  h.device.logDetection({
    re_id: o.re_id,
    branch_id: o.branch,
    device_id: o.device,
    detected_count: o.count ?? 1,
    detection_timestamp: o.at,
    event_id: o.event_id ?? `roll-${++seq}`,
  });

describe('rollups', () => {
  it("counts a detection in its branch's own hour and day: 23:30 WITA is that day, 00:10 WITA the next", async () => {
    const [jkt, bdg] = h.branches;
    await post({ branch: bdg!.id, device: 'cam-2', re_id: 'p-late', at: '2026-11-20T23:30:00.000+08:00', count: 2 });
    await post({ branch: bdg!.id, device: 'cam-2', re_id: 'p-late', at: '2026-11-21T00:10:00.000+08:00' });
    // the same instant as the first, at the WIB branch: 22:30 there
    await post({ branch: jkt!.id, device: 'cam-1', re_id: 'p-late', at: '2026-11-20T23:30:00.000+08:00' });
    await drained();
    expect(hourly(bdg!.id, '2026-11-20')).toEqual([{ hour: 23, device_id: 'cam-2', detections: 1, detected_sum: 2 }]);
    expect(hourly(bdg!.id, '2026-11-21')).toEqual([{ hour: 0, device_id: 'cam-2', detections: 1, detected_sum: 1 }]);
    expect(hourly(jkt!.id, '2026-11-20')).toEqual([{ hour: 22, device_id: 'cam-1', detections: 1, detected_sum: 1 }]);
    expect(daily(bdg!.id, '2026-11-20')).toEqual({ detections: 1, detected_sum: 2, unique_persons: 1 });
    expect(daily(bdg!.id, '2026-11-21')).toEqual({ detections: 1, detected_sum: 1, unique_persons: 1 });
  });

  it('counts a person once per branch and day, and a resent detection not at all', async () => {
    const jkt = h.branches[0]!.id;
    const at = (hh: string) => `2026-11-19T${hh}:00:00.000+07:00`;
    const first = await post({ branch: jkt, device: 'cam-1', re_id: 'p-1', at: at('09'), event_id: 'dup-1' });
    expect(first.status).toBe(202);
    await post({ branch: jkt, device: 'cam-1', re_id: 'p-1', at: at('10') });
    await post({ branch: jkt, device: 'cam-1', re_id: 'p-2', at: at('10'), count: 3 });
    await drained();
    // an edge box replaying its buffer after a WAN outage: the same event ids again
    const again = await post({ branch: jkt, device: 'cam-1', re_id: 'p-1', at: at('09'), event_id: 'dup-1' });
    expect(again.status).toBe(200);
    await drained();
    expect(daily(jkt, '2026-11-19')).toEqual({ detections: 3, detected_sum: 5, unique_persons: 2 });
    expect(hourly(jkt, '2026-11-19')).toEqual([
      { hour: 9, device_id: 'cam-1', detections: 1, detected_sum: 1 },
      { hour: 10, device_id: 'cam-1', detections: 2, detected_sum: 4 },
    ]);
  });

  it('puts a late detection from a store-and-forward batch in the hour of its own timestamp', async () => {
    const jkt = h.branches[0]!.id;
    const r = await h.device.logDetectionBatch({
      detections: [
        {
          re_id: 'p-sf',
          branch_id: jkt,
          device_id: 'cam-1',
          detected_count: 1,
          detection_timestamp: '2026-11-18T06:59:59.999+07:00',
          event_id: 'sf-1',
        },
        {
          re_id: 'p-sf',
          branch_id: jkt,
          device_id: 'cam-1',
          detected_count: 1,
          detection_timestamp: '2026-11-18T07:00:00.000+07:00',
          event_id: 'sf-2',
        },
      ],
    });
    expect(r.accepted).toBe(2);
    await drained();
    expect(hourly(jkt, '2026-11-18').map((x) => (x as { hour: number }).hour)).toEqual([6, 7]);
  });

  it('rebuilds to exactly the live rollups, also for a database that predates them', async () => {
    const live = ROLLUPS.map(rows);
    const zones = new Map(h.server.services.branchZones.branchZones().map((b) => [b.id, countingZone(b.timezone)]));
    const zoneOf = (id: number) => zones.get(id) ?? 'Asia/Jakarta';
    const progress: number[] = [];
    const r = h.server.services.rollups.rebuild('2026-11-17', '2026-11-22', zoneOf, (done) => progress.push(done));
    // six days, then their week (Monday 16 November) and their month
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.person_periods).toBeGreaterThan(0);
    expect(r.detections).toBe(8);
    expect(ROLLUPS.map(rows)).toEqual(live);
    // as if the rollups had never been written
    for (const t of ROLLUPS) db().prepare(`DELETE FROM ${t}`).run();
    const span = h.server.services.rollups.detectionDays()!;
    h.server.services.rollups.rebuild(span.from, span.to, zoneOf);
    expect(ROLLUPS.map(rows)).toEqual(live);
  });
});

describe('GET /api/v1/dashboard', () => {
  it("adds up each branch's today: KPIs, the hour chart, top branches and the 14-day series", async () => {
    const [jkt, bdg] = h.branches;
    const before = await h.admin.dashboard();
    const now = new Date().toISOString();
    await post({ branch: jkt!.id, device: 'cam-1', re_id: 'd-1', at: now, count: 2 });
    await post({ branch: jkt!.id, device: 'cam-1', re_id: 'd-1', at: now });
    await post({ branch: bdg!.id, device: 'cam-2', re_id: 'd-2', at: now });
    await drained();
    const d = await h.admin.dashboard();
    expect(d.detections_today - before.detections_today).toBe(3);
    expect(d.detected_count_today - before.detected_count_today).toBe(4);
    expect(d.unique_persons_today - before.unique_persons_today).toBe(2);
    expect(d.hourly).toHaveLength(24);
    expect(d.hourly_yesterday).toHaveLength(24);
    expect(d.hourly.reduce((s, x) => s + x.detections, 0)).toBe(d.detections_today);
    expect(d.daily_persons).toHaveLength(14);
    expect(d.daily_persons[13]!.days_ago).toBe(0);
    expect(d.daily_persons[13]!.unique_persons).toBe(d.unique_persons_today);
    expect(d.top_branches.map((b) => b.branch_name)).toEqual(['Jakarta Pusat', 'Bandung Kota']);
    expect(d.cameras_online + d.cameras_offline).toBe(2);
    expect(d.scope).toEqual({ group_id: null, branch_id: null, branches: 2, branch_ids: [jkt!.id, bdg!.id] });
    expect(d.queues).toEqual({ pending: expect.any(Number), running: expect.any(Number), failed: expect.any(Number) });

    const one = await h.admin.dashboard({ branch_id: bdg!.id });
    expect(one.scope.branches).toBe(1);
    expect(one.top_branches.map((b) => b.branch_id)).toEqual([bdg!.id]);
    const group = await h.admin.dashboard({ group_id: jkt!.group_id });
    expect(group.top_branches.map((b) => b.branch_id)).toEqual([jkt!.id]);
    expect(group.detections_today + one.detections_today).toBe(d.detections_today);
  });

  it("shows an operator only their branch, and answers 404 for another's branch or group", async () => {
    const [jkt, bdg] = h.branches;
    await h.admin.createUser({
      email: 'dash-op@test.local',
      name: 'Dash Op',
      password: 'operator-pw1',
      role: 'operator',
      scope_branch_ids: [jkt!.id],
    });
    const op = new ApiClient({ baseUrl: h.server.url });
    await op.login({ email: 'dash-op@test.local', password: 'operator-pw1' });
    const d = await op.dashboard();
    expect(d.scope.branches).toBe(1);
    expect(d.top_branches.every((b) => b.branch_id === jkt!.id)).toBe(true);
    expect(d.queues).toBeNull();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: unknown) => (e instanceof PantauError ? `${e.code}:${String(e.details?.field)}` : String(e)),
      );
    expect(await code(op.dashboard({ branch_id: bdg!.id }))).toBe('NOT_FOUND:branch_id');
    expect(await code(op.dashboard({ group_id: bdg!.group_id }))).toBe('NOT_FOUND:group_id');
    expect(await code(h.admin.dashboard({ group_id: 99_999 }))).toBe('NOT_FOUND:group_id');
    expect(await code(h.admin.dashboard({ branch_id: -1 } as never))).toBe('VALIDATION_ERROR:branch_id');
  });

  it("sends each branch's counters as stats_updated at most once a second, to who may see the branch", async () => {
    const [jkt, bdg] = h.branches;
    const op = new ApiClient({ baseUrl: h.server.url });
    await op.login({ email: 'dash-op@test.local', password: 'operator-pw1' });
    const admin = new WsRecorder(h.server.url);
    const scoped = new WsRecorder(h.server.url);
    await Promise.all([admin.opened, scoped.opened]);
    admin.send({ type: 'auth', token: h.admin.token });
    scoped.send({ type: 'auth', token: op.token });
    await waitFor(
      () => admin.frames.find((f) => f.type === 'ready') && scoped.frames.find((f) => f.type === 'ready'),
      3000,
      'ready',
    );
    const now = new Date().toISOString();
    for (let i = 0; i < 20; i++) await post({ branch: jkt!.id, device: 'cam-1', re_id: `s-${i % 3}`, at: now });
    await post({ branch: bdg!.id, device: 'cam-2', re_id: 's-b', at: now });
    await drained();
    const stats = (r: WsRecorder) =>
      r.events().flatMap((e) => (e.type === 'stats_updated' && e.data.detections_today !== undefined ? [e] : []));
    const today = (await h.admin.dashboard({ branch_id: jkt!.id })).detections_today;
    await waitFor(
      () => stats(admin).some((e) => e.data.branch_id === jkt!.id && e.data.detections_today === today),
      3000,
      'stats for Jakarta',
    );
    await waitFor(() => stats(admin).some((e) => e.data.branch_id === bdg!.id), 3000, 'stats for Bandung');
    await waitFor(() => stats(scoped).some((e) => e.data.branch_id === jkt!.id), 3000, 'stats for the operator');
    expect(stats(scoped).every((e) => e.data.branch_id === jkt!.id)).toBe(true);
    // at most one per branch per tick: 20 detections in well under 3 s give at most 4 for Jakarta
    expect(stats(admin).filter((e) => e.data.branch_id === jkt!.id).length).toBeLessThanOrEqual(4);
    admin.close();
    scoped.close();
  });
});
