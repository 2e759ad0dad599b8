/**
 * Counting reports (issue 13) against a real server: the totals equal a count over the raw
 * detections (a WITA branch with detections at 23:30 and 00:30 local), cache first (202, then
 * 200 from the cache), one job for two concurrent requests and `report_ready` to both who asked,
 * a late store-and-forward batch that makes the day stale until it is regenerated ("N late
 * detections"), weekly and monthly periods, group and all-branch reports with their per-branch
 * breakdown, scope, the schedule, and the exports read back by tools that are not ours
 * (pdftotext, a CSV parser, openpyxl).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError, type CountingReport } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';

let h: Harness;
let op: ApiClient;
let seq = 0;
beforeAll(async () => {
  h = await startHarness();
  // Bandung keeps WITA here (UTC+8), Jakarta WIB (UTC+7)
  await h.admin.updateBranch(h.branches[1]!.id, { timezone: 'Asia/Makassar' });
  await h.admin.createUser({
    email: 'reports-op@test.local',
    name: 'Reports Op',
    password: 'operator-pw1',
    role: 'operator',
    scope_branch_ids: [h.branches[0]!.id],
  });
  op = new ApiClient({ baseUrl: h.server.url });
  await op.login({ email: 'reports-op@test.local', password: 'operator-pw1' });
});
afterAll(async () => {
  await h?.stop();
});

const db = () => h.server.services.db.conn;
const drained = () =>
  waitFor(
    () => (db().prepare(`SELECT COUNT(*) AS n FROM jobs`).get() as { n: number }).n === 0,
    10_000,
    'queue drained',
  );
const post = (o: { branch: number; device: string; re_id: string; at: string; count?: number }) =>
  h.device.logDetection({
    re_id: o.re_id,
    branch_id: o.branch,
    device_id: o.device,
    detected_count: o.count ?? 1,
    detection_timestamp: o.at,
    event_id: `rep-${++seq}`,
  });
/** The report, generated if need be: asks, waits for the queue, asks again. */
const report = async (client: ApiClient, type: 'daily' | 'weekly' | 'monthly', q: object): Promise<CountingReport> => {
  let r = await client.report(type, q);
  if (r.status === 202) {
    await drained();
    r = await client.report(type, q);
  }
  expect(r.status).toBe(200);
  return r.data as CountingReport;
};
/** Raw count over the detections of one branch between two instants. */
const raw = (branch: number, from: string, to: string) =>
  db()
    .prepare(
      `SELECT COUNT(*) AS n, COALESCE(SUM(detected_count), 0) AS c, COUNT(DISTINCT re_id) AS u FROM re_id_branch_detections
       WHERE branch_id = ? AND detection_timestamp >= ? AND detection_timestamp < ?`,
    )
    .get(branch, Date.parse(from), Date.parse(to)) as { n: number; c: number; u: number };

describe('counting reports', () => {
  it("equals a count over the raw rows, in the branch's own day: 23:30 and 00:30 WITA", async () => {
    const bdg = h.branches[1]!.id;
    await post({ branch: bdg, device: 'cam-2', re_id: 'w-1', at: '2026-10-05T00:30:00.000+08:00', count: 2 });
    await post({ branch: bdg, device: 'cam-2', re_id: 'w-1', at: '2026-10-05T09:15:00.000+08:00' });
    await post({ branch: bdg, device: 'cam-2', re_id: 'w-2', at: '2026-10-05T09:40:00.000+08:00', count: 3 });
    await post({ branch: bdg, device: 'cam-2', re_id: 'w-3', at: '2026-10-05T23:30:00.000+08:00' });
    // outside the WITA day: 23:30 the day before, 00:30 the day after
    await post({ branch: bdg, device: 'cam-2', re_id: 'w-4', at: '2026-10-04T23:30:00.000+08:00' });
    await post({ branch: bdg, device: 'cam-2', re_id: 'w-4', at: '2026-10-06T00:30:00.000+08:00' });
    await drained();

    const first = await h.admin.report('daily', { branch_id: bdg, date: '2026-10-05' });
    expect(first.status).toBe(202);
    expect(first.data).toMatchObject({ status: 'generating', report_type: 'daily', report_date: '2026-10-05' });
    const r = await report(h.admin, 'daily', { branch_id: bdg, date: '2026-10-05' });
    const truth = raw(bdg, '2026-10-05T00:00:00+08:00', '2026-10-06T00:00:00+08:00');
    expect(truth).toEqual({ n: 4, c: 7, u: 3 });
    expect(r).toMatchObject({
      report_type: 'daily',
      report_date: '2026-10-05',
      period_end: '2026-10-05',
      branch_id: bdg,
      group_id: null,
      timezone: 'Asia/Makassar',
      total_detections: truth.n,
      total_detected_count: truth.c,
      unique_person_count: truth.u,
      stale: false,
      late_detections: 0,
    });
    const d = r.report_data;
    expect(d.hourly_breakdown).toHaveLength(24);
    expect(d.hourly_breakdown.filter((x) => x.detections > 0)).toEqual([
      { hour: 0, detections: 1, detected_count: 2 },
      { hour: 9, detections: 2, detected_count: 4 },
      { hour: 23, detections: 1, detected_count: 1 },
    ]);
    expect(d.peak_hour).toEqual({ hour: 9, detections: 2 });
    expect(d.device_breakdown).toEqual([
      expect.objectContaining({ device_id: 'cam-2', branch_id: bdg, detections: 4, detected_count: 7 }),
    ]);
    expect(d.top_persons.map((p) => [p.re_id, p.detections, p.detected_count])).toEqual([
      ['w-1', 2, 3],
      ['w-2', 1, 3],
      ['w-3', 1, 1],
    ]);
    expect(d.top_persons[0]!.first_seen).toBe('2026-10-04T16:30:00.000Z');
    expect(d.branch_breakdown).toEqual([expect.objectContaining({ branch_id: bdg, detections: 4, unique_persons: 3 })]);
    // the day before had w-4's 23:30: the comparison
    expect(d.previous).toEqual({
      report_date: '2026-10-04',
      total_detections: 1,
      total_detected_count: 1,
      unique_person_count: 1,
    });
    // from the cache now: the same row, no job
    const again = await h.admin.report('daily', { branch_id: bdg, date: '2026-10-05' });
    expect(again.status).toBe(200);
    expect((again.data as CountingReport).id).toBe(r.id);
    expect((db().prepare(`SELECT COUNT(*) AS n FROM jobs`).get() as { n: number }).n).toBe(0);

    // every branch's day, each in its own zone: w-1 also at Jakarta at 00:10 WIB on the 5th (still
    // the 5th there, 01:10 WITA) is one person seen at two branches; w-5 at 23:50 WIB on the 4th
    // is 00:50 WITA on the 5th, but Jakarta's day, so not in it
    const jkt = h.branches[0]!.id;
    await post({ branch: jkt, device: 'cam-1', re_id: 'w-1', at: '2026-10-05T00:10:00.000+07:00', count: 5 });
    await post({ branch: jkt, device: 'cam-1', re_id: 'w-5', at: '2026-10-04T23:50:00.000+07:00' });
    await drained();
    const all = await report(h.admin, 'daily', { date: '2026-10-05' });
    const wib = raw(jkt, '2026-10-05T00:00:00+07:00', '2026-10-06T00:00:00+07:00');
    expect(all.total_detections).toBe(truth.n + wib.n);
    expect(all.unique_person_count).toBe(3);
    expect(all.report_data.top_persons.map((p) => [p.re_id, p.detections, p.detected_count, p.branches])).toEqual([
      ['w-1', 3, 8, 2],
      ['w-2', 1, 3, 1],
      ['w-3', 1, 1, 1],
    ]);
    expect(all.report_data.top_persons[0]).toMatchObject({
      first_seen: '2026-10-04T16:30:00.000Z',
      last_seen: '2026-10-05T01:15:00.000Z',
    });
    expect(all.report_data.branch_breakdown.map((b) => [b.branch_id, b.unique_persons])).toEqual(
      expect.arrayContaining([
        [bdg, 3],
        [jkt, wib.u],
      ]),
    );
  });

  it('makes one job for two requests at once and tells both who asked', async () => {
    const jkt = h.branches[0]!.id;
    await post({ branch: jkt, device: 'cam-1', re_id: 'c-1', at: '2026-10-07T10:00:00.000+07:00' });
    await drained();
    const [a, b] = [new WsRecorder(h.server.url), new WsRecorder(h.server.url)];
    await Promise.all([a.opened, b.opened]);
    a.send({ type: 'auth', token: h.admin.token });
    b.send({ type: 'auth', token: op.token });
    await waitFor(
      () => a.frames.some((f) => f.type === 'ready') && b.frames.some((f) => f.type === 'ready'),
      3000,
      'ready',
    );
    const q = { branch_id: jkt, date: '2026-10-07' };
    const [x, y] = await Promise.all([h.admin.report('daily', q), op.report('daily', q)]);
    expect([x.status, y.status]).toEqual([202, 202]);
    const px = x.data as { job_id: number; report_id: number };
    const py = y.data as { job_id: number; report_id: number };
    expect(py.job_id).toBe(px.job_id);
    expect(py.report_id).toBe(px.report_id);
    await drained();
    const readyOf = (w: WsRecorder) => w.events().filter((e) => e.type === 'report_ready');
    await waitFor(() => readyOf(a).length === 1 && readyOf(b).length === 1, 3000, 'report_ready on both');
    expect(readyOf(a)[0]!.data).toMatchObject({
      report_id: px.report_id,
      report_type: 'daily',
      report_date: '2026-10-07',
    });
    // a branch's report: to who may see the branch (both who asked, once each)
    expect(readyOf(b)[0]!.channel).toBe(`branch:${jkt}`);
    a.close();
    b.close();
  });

  it('marks a day stale when a late store-and-forward batch lands in it, and regenerates it with "N late detections"', async () => {
    const jkt = h.branches[0]!.id;
    // three days ago: the sweep keeps the reports of the last 40 days right
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    await post({ branch: jkt, device: 'cam-1', re_id: 's-1', at: `${day}T08:00:00.000+07:00` });
    await drained();
    const before = await report(h.admin, 'daily', { branch_id: jkt, date: day });
    expect(before.total_detections).toBe(1);
    // an edge box back after a WAN outage replays its buffer of that day
    const batch = await h.device.logDetectionBatch({
      detections: [1, 2, 3].map((i) => ({
        re_id: `s-late-${i}`,
        branch_id: jkt,
        device_id: 'cam-1',
        detected_count: 1,
        detection_timestamp: `${day}T1${i}:00:00.000+07:00`,
        event_id: `late-${i}`,
      })),
    });
    expect(batch.accepted).toBe(3);
    await drained();
    // an operator of the branch who has the report on screen (and never asked for it again)
    const viewer = new WsRecorder(h.server.url);
    await viewer.opened;
    viewer.send({ type: 'auth', token: op.token });
    await waitFor(() => viewer.frames.some((f) => f.type === 'ready'), 3000, 'ready');
    // the sweep (every minute on the schedule) finds it without anyone asking
    expect(h.server.services.reports.sweep()).toEqual([before.id]);
    const stale = await h.admin.report('daily', { branch_id: jkt, date: day });
    expect(stale.status).toBe(200);
    expect(stale.data).toMatchObject({ id: before.id, stale: true, total_detections: 1 });
    expect((stale.data as CountingReport).job_id).toEqual(expect.any(Number));
    await drained();
    // …and hears that it was made again, so the screen refreshes
    await waitFor(
      () => viewer.events().some((e) => e.type === 'report_ready' && e.data.report_id === before.id),
      3000,
      'report_ready of the regeneration',
    );
    viewer.close();
    const after = await report(h.admin, 'daily', { branch_id: jkt, date: day });
    expect(after).toMatchObject({
      id: before.id,
      stale: false,
      total_detections: 4,
      late_detections: 3,
      unique_person_count: 4,
    });
    expect(h.server.services.reports.sweep()).toEqual([]);
    // a request finds staleness at once too, without the sweep
    await post({ branch: jkt, device: 'cam-1', re_id: 's-2', at: `${day}T20:00:00.000+07:00` });
    await drained();
    const seen = await h.admin.report('daily', { branch_id: jkt, date: day });
    expect(seen.data).toMatchObject({ stale: true, total_detections: 4 });
    await drained();
    expect(await report(h.admin, 'daily', { branch_id: jkt, date: day })).toMatchObject({
      total_detections: 5,
      late_detections: 1,
    });
  });

  it('reports a week (Monday to Sunday) and a month, and a group and every branch with their breakdown', async () => {
    const [jkt, bdg] = h.branches;
    // 2026-09-07 is a Monday
    await post({ branch: jkt!.id, device: 'cam-1', re_id: 'm-1', at: '2026-09-07T09:00:00.000+07:00' });
    await post({ branch: jkt!.id, device: 'cam-1', re_id: 'm-1', at: '2026-09-13T23:59:00.000+07:00' });
    await post({ branch: jkt!.id, device: 'cam-1', re_id: 'm-2', at: '2026-09-14T00:01:00.000+07:00' }); // next week
    await post({ branch: bdg!.id, device: 'cam-2', re_id: 'm-1', at: '2026-09-10T12:00:00.000+08:00', count: 4 });
    await drained();
    const week = await report(h.admin, 'weekly', { branch_id: jkt!.id, date: '2026-09-10' });
    expect(week).toMatchObject({
      report_date: '2026-09-07',
      period_end: '2026-09-13',
      total_detections: 2,
      unique_person_count: 1,
    });
    expect(week.report_data.daily_breakdown).toHaveLength(7);
    expect(week.report_data.daily_breakdown[6]).toEqual({
      date: '2026-09-13',
      detections: 1,
      detected_count: 1,
      unique_persons: 1,
    });

    const month = await report(h.admin, 'monthly', { date: '2026-09-20' });
    expect(month).toMatchObject({
      report_date: '2026-09-01',
      period_end: '2026-09-30',
      branch_id: null,
      group_id: null,
    });
    expect(month.scope_name).toBe('All branches');
    expect(month.total_detections).toBe(4);
    expect(month.total_detected_count).toBe(7);
    // m-1 at both branches counts once; per branch, once at each
    expect(month.unique_person_count).toBe(2);
    expect(month.report_data.branch_breakdown.map((b) => [b.branch_id, b.detections, b.unique_persons])).toEqual([
      [jkt!.id, 3, 2],
      [bdg!.id, 1, 1],
    ]);
    expect(month.report_data.top_persons[0]).toMatchObject({
      re_id: 'm-1',
      detections: 3,
      detected_count: 6,
      branches: 2,
    });

    // over several branches a day's distinct persons are not given (only the period's and each branch's)
    expect(month.report_data.daily_breakdown.every((d) => d.unique_persons === null)).toBe(true);

    const group = await report(h.admin, 'monthly', { group_id: jkt!.group_id, date: '2026-09-01' });
    expect(group.group_id).toBe(jkt!.group_id);
    expect(group.branch_ids.length).toBeGreaterThan(0);

    // the month in the branch's own zone: 00:30 WITA on 1 June is still 31 May in UTC and in
    // Jakarta, June in Makassar (June and July: the schedule test below looks at August to October)
    await post({ branch: bdg!.id, device: 'cam-2', re_id: 'm-3', at: '2026-06-01T00:30:00.000+08:00', count: 2 });
    await post({ branch: bdg!.id, device: 'cam-2', re_id: 'm-3', at: '2026-06-30T23:30:00.000+08:00' });
    await post({ branch: bdg!.id, device: 'cam-2', re_id: 'm-4', at: '2026-07-01T00:10:00.000+08:00' }); // July
    await drained();
    const june = await report(h.admin, 'monthly', { branch_id: bdg!.id, date: '2026-06-15' });
    const from = '2026-06-01T00:00:00+08:00';
    const to = '2026-07-01T00:00:00+08:00';
    const truth = raw(bdg!.id, from, to);
    expect(truth).toEqual({ n: 2, c: 3, u: 1 });
    expect(june).toMatchObject({
      report_date: '2026-06-01',
      total_detections: truth.n,
      total_detected_count: truth.c,
      unique_person_count: truth.u,
    });
    expect(june.report_data.top_persons).toEqual([
      expect.objectContaining({
        re_id: 'm-3',
        detections: 2,
        detected_count: 3,
        branches: 1,
        first_seen: '2026-05-31T16:30:00.000Z',
        last_seen: '2026-06-30T15:30:00.000Z',
      }),
    ]);
    // one branch: its days' distinct persons are its daily rollup
    expect(june.report_data.daily_breakdown[0]).toEqual({
      date: '2026-06-01',
      detections: 1,
      detected_count: 2,
      unique_persons: 1,
    });
    expect(june.report_data.previous).toBeNull();
    // every branch's July, compared with June: June's distinct persons read from June's report
    await report(h.admin, 'monthly', { date: '2026-06-02' });
    const july = await report(h.admin, 'monthly', { date: '2026-07-02' });
    expect(july.total_detections).toBe(1);
    expect(july.report_data.previous).toEqual({
      report_date: '2026-06-01',
      total_detections: 2,
      total_detected_count: 3,
      unique_person_count: 1,
    });
  });

  it("keeps a scoped user to their branches: another branch is 404, 'everything' is theirs alone", async () => {
    const bdg = h.branches[1]!.id;
    await expect(op.report('daily', { branch_id: bdg, date: '2026-10-05' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { field: 'branch_id' },
    });
    const mine = await report(op, 'monthly', { date: '2026-09-01' });
    expect(mine.branch_ids).toEqual([h.branches[0]!.id]);
    expect(mine.total_detections).toBe(3);
    const everything = await report(h.admin, 'monthly', { date: '2026-09-01' });
    expect(everything.id).not.toBe(mine.id);
    // an export of a report covering a branch out of scope is not found
    await expect(op.report('daily', { branch_id: h.branches[0]!.id, group_id: 1 })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    const res = await fetch(`${h.server.url}/api/v1/reports/${everything.id}/export?format=csv`, {
      headers: { authorization: `Bearer ${op.token}` },
    });
    expect(res.status).toBe(404);
    await expect(h.admin.report('daily', { date: 'yesterday' })).rejects.toBeInstanceOf(PantauError);
  });

  it('schedules yesterday at 01:00 per zone and catches up what is missing', async () => {
    const s = h.server.services;
    const zones = [...s.branchZones.branchZones()];
    const queued = s.reports.scheduleDay('Asia/Makassar', '2026-08-30', zones); // a Sunday, the 30th
    // Bandung's and its group's (Jawa Barat has only Bandung) daily and weekly; all goes with WIB, later
    expect(queued).toBe(4);
    expect(s.reports.scheduleDay('Asia/Makassar', '2026-08-30', zones)).toBe(0);
    const wib = s.reports.scheduleDay('Asia/Jakarta', '2026-08-31', zones); // the month's last day
    expect(wib).toBeGreaterThanOrEqual(3 * 2); // Jakarta, its group and all: daily and monthly
    await drained();
    const rows = db()
      .prepare(
        `SELECT report_type, report_date, scope_key, status FROM counting_reports WHERE report_date >= '2026-08-01' AND report_date < '2026-09-01' ORDER BY scope_key, report_type`,
      )
      .all() as Array<{ report_type: string; report_date: string; scope_key: string; status: string }>;
    expect(rows.every((r) => r.status === 'ready')).toBe(true);
    expect(rows).toEqual(
      expect.arrayContaining([
        { report_type: 'daily', report_date: '2026-08-30', scope_key: `b:${h.branches[1]!.id}`, status: 'ready' },
        { report_type: 'weekly', report_date: '2026-08-24', scope_key: `b:${h.branches[1]!.id}`, status: 'ready' },
        { report_type: 'monthly', report_date: '2026-08-01', scope_key: 'all', status: 'ready' },
      ]),
    );
    // a restart on 8 October: the missing days of the week before that counted something
    const at = new Date('2026-10-08T03:00:00Z');
    expect(s.reports.catchUp('Asia/Makassar', at, zones)).toBeGreaterThan(0);
    expect(s.reports.catchUp('Asia/Makassar', at, zones)).toBe(0);
    await drained();
    const bdgDaily = (
      db()
        .prepare(
          `SELECT report_date FROM counting_reports WHERE scope_key = ? AND report_type = 'daily' AND report_date BETWEEN '2026-10-01' AND '2026-10-07' ORDER BY report_date`,
        )
        .all(`b:${h.branches[1]!.id}`) as Array<{ report_date: string }>
    ).map((r) => r.report_date);
    // 4 and 6 October counted w-4 (the 5th was asked for earlier); days without detections get no empty report
    expect(bdgDaily).toEqual(['2026-10-04', '2026-10-05', '2026-10-06']);
  });

  it('exports PDF, CSV and XLSX that other readers read back, audited', async () => {
    const bdg = h.branches[1]!.id;
    const r = await report(h.admin, 'daily', { branch_id: bdg, date: '2026-10-05' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-report-'));
    const get = async (format: string, lang = 'en') => {
      const res = await fetch(`${h.server.url}/api/v1/reports/${r.id}/export?format=${format}&lang=${lang}`, {
        headers: { authorization: `Bearer ${h.admin.token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="pantau-daily-2026-10-05-.+\.\w+"$/,
      );
      const file = path.join(dir, `r-${lang}.${format}`);
      fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      return { file, type: res.headers.get('content-type') };
    };

    const pdf = await get('pdf');
    expect(pdf.type).toBe('application/pdf');
    const text = execFileSync('pdftotext', ['-layout', pdf.file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Daily counting report');
    expect(text).toContain(r.scope_name);
    expect(text).toContain('2026-10-05');
    expect(text).toMatch(/Detections\s+People counted/);
    expect(text).toContain('w-1');
    expect(execFileSync('pdfinfo', [pdf.file], { encoding: 'utf8' })).toMatch(
      /Pages:\s+1\n[\s\S]*Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/,
    );
    const fonts = execFileSync('pdffonts', [pdf.file], { encoding: 'utf8' });
    expect(fonts).toMatch(/DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
    const pdfId = await get('pdf', 'id');
    const textId = execFileSync('pdftotext', [pdfId.file, '-'], { encoding: 'utf8' });
    expect(textId).toContain('Laporan penghitungan harian');
    expect(textId).toContain('Orang unik');

    const csv = await get('csv');
    expect(csv.type).toBe('text/csv; charset=utf-8');
    const bytes = fs.readFileSync(csv.file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes, { bom: true, columns: true }) as Array<Record<string, string>>;
    const total = records.find((x) => x.section === 'total')!;
    expect(Number(total.detections)).toBe(r.total_detections);
    expect(Number(total.unique_persons)).toBe(r.unique_person_count);
    expect(records.filter((x) => x.section === 'hour')).toHaveLength(24);
    expect(records.find((x) => x.section === 'person' && x.re_id === 'w-1')?.first_seen).toBe('2026-10-05 00:30:00');

    const xlsx = await get('xlsx');
    const py = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames}
ws = wb["Summary"]
out["summary"] = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
h = wb["Detections per hour"]
out["hour9"] = [c.value for c in h[11]]
p = wb["Top persons"]
out["person"] = [str(type(p["C2"].value).__name__), str(type(p["F2"].value).__name__), str(p["F2"].value)]
print(json.dumps(out, default=str))`;
    const read = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, xlsx.file], { encoding: 'utf8' })) as {
      sheets: string[];
      summary: unknown[][];
      hour9: unknown[];
      person: string[];
    };
    expect(read.sheets).toEqual(['Summary', 'Detections per hour', 'Days', 'Detections per device', 'Top persons']);
    expect(read.summary).toContainEqual(['Detections', r.total_detections]);
    expect(read.hour9).toEqual(['09:00', 2, 4]);
    expect(read.person).toEqual(['int', 'datetime', '2026-10-05 00:30:00']);

    const audits = db()
      .prepare(`SELECT action, entity_type, entity_id, after FROM audit_logs WHERE entity_type = 'counting_report'`)
      .all() as Array<{ action: string; after: string }>;
    expect(audits.length).toBe(4);
    expect(audits.every((a) => a.action === 'export')).toBe(true);
    // PANTAU_KEEP_EXPORTS=<dir> keeps the files to look at (pdftoppm -png)
    if (process.env.PANTAU_KEEP_EXPORTS) fs.cpSync(dir, process.env.PANTAU_KEEP_EXPORTS, { recursive: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
