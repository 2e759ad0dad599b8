/**
 * Dashboard and person reads over a seeded fleet (issue 12): 10 million detections at 100
 * branches in three time zones (WIB, WITA, WIT), 1 000 cameras, 200 000 persons, 30 days. The
 * organisation is made through the API; the detections are written with the product's own write
 * path (DetectionRepository.apply from the built server: person, detection, event and rollups,
 * exactly as the detection job writes them), 20 000 per transaction, with the server stopped.
 * Alarms older than a day are marked acknowledged (a staffed control room), today's stay open.
 *
 * Then the server serves, and each read is called 20 times (after 3 warm-ups): p50 and p95 of
 * the whole HTTP round trip, beside the anchor measured the same way in the same run (GET
 * /health: the same server, no SQL of note). Targets: dashboard ≤ 50 ms, persons list first
 * page ≤ 50 ms, person detail with branch summary and journey ≤ 50 ms.
 *
 * Counting reports (issue 13): after the startup catch-up has drained the reports queue, each
 * report is asked for once (a new one each time: it is generated, not read from the cache) and
 * timed from the request to the 200 that has it (the 202, the job, its generation and the poll
 * every 10 ms; `generation_ms` is the same less the ask): daily for one branch (5 days), daily
 * for every branch (3 days), monthly for one province and for everything; then the monthly
 * all-branch report as XLSX, timed, with the server's RSS sampled every 20 ms while it streams.
 * Targets: one branch's day ≤ 200 ms, every branch's day ≤ 1 s, a province's month ≤ 1 s, the
 * XLSX ≤ 2 s and ≤ 200 MB. While the HTTP series run, GET /health is timed every 20 ms
 * (`health_during_generation`: what any other request meets while reports are being made).
 * Each run starts without counting reports (deleted from the kept directory first).
 *
 * Usage: node bench/analytics.mjs [--detections 10000000] [--persons 200000] [--days 30]
 *   [--keep DIR] (reuse/keep a seeded data directory) [--out NAME] — writes results/NAME
 *   (default analytics-<date>.json)
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApiClient } from '@pantau/shared';
import { percentile, startServer } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('detections', 10_000_000));
const PERSONS = Number(arg('persons', 200_000));
const DAYS = Number(arg('days', 30));
const KEEP = arg('keep');
const BRANCHES = 100;
const CAMERAS_PER_BRANCH = 10;
const ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'];
const dist = path.resolve(import.meta.dirname, '../apps/server/dist');
const { openDatabase, migrate } = await import(path.join(dist, 'db/database.js'));
const { DetectionRepository } = await import(path.join(dist, 'repositories/detection-repository.js'));

/** A deterministic generator (mulberry32), so runs seed the same fleet. */
function rng(seed) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seedFleet() {
  const reuse = KEEP !== undefined && fs.existsSync(path.join(KEEP, 'pantau.sqlite'));
  const srv = await startServer(reuse ? { dataDir: KEEP } : {});
  const admin = new ApiClient({ baseUrl: srv.url });
  await admin.login({ email: 'bench@pantau.local', password: 'bench-password' });
  if ((await admin.listBranches()).length >= BRANCHES) return { srv, seeded: true };
  const groups = [];
  for (const [i, zone] of ZONES.entries())
    groups.push(
      await admin.createGroup({ province_code: `Z${i}`, province_name: zone, group_name: `Province ${i + 1}` }),
    );
  for (let b = 0; b < BRANCHES; b++) {
    const zi = b % ZONES.length;
    const branch = await admin.createBranch({
      group_id: groups[zi].id,
      branch_code: `BR-${String(b + 1).padStart(3, '0')}`,
      branch_name: `Branch ${b + 1}`,
      city: ZONES[zi].split('/')[1],
      timezone: ZONES[zi],
    });
    for (let c = 0; c < CAMERAS_PER_BRANCH; c++)
      await admin.createDevice({
        device_id: `cam-${b + 1}-${c + 1}`,
        device_name: `Camera ${c + 1}`,
        device_type: 'camera',
        branch_id: branch.id,
      });
  }
  return { srv, seeded: false };
}

/** Write N detections through DetectionRepository.apply (the server is stopped). */
function load(dataDir) {
  const db = openDatabase(dataDir);
  const branches = db.conn.prepare(`SELECT id, timezone FROM company_branches ORDER BY id`).all();
  const repo = new DetectionRepository(db.conn);
  const rand = rng(42);
  const now = Date.now();
  const start = now - DAYS * 86_400_000;
  // each person has a home branch (80 % of their detections) and roams the others
  const home = Array.from({ length: PERSONS }, () => Math.floor(rand() * branches.length));
  const received = new Date(now).toISOString();
  const started = performance.now();
  const CHUNK = 20_000;
  for (let done = 0; done < N;) {
    const n = Math.min(CHUNK, N - done);
    db.conn.transaction(() => {
      for (let k = 0; k < n; k++) {
        const i = done + k;
        // time order, as devices send them, with some jitter
        const at = Math.min(now - 1000, Math.floor(start + ((i + rand()) / N) * (now - start)));
        const p = Math.floor(rand() * PERSONS);
        const b = rand() < 0.8 ? home[p] : Math.floor(rand() * branches.length);
        const branch = branches[b];
        repo.apply(
          {
            re_id: `person-${p}`,
            branch_id: branch.id,
            device_id: `cam-${b + 1}-${1 + Math.floor(rand() * CAMERAS_PER_BRANCH)}`,
            detected_count: 1 + Math.floor(rand() * 3),
            detection_timestamp: new Date(at).toISOString(),
            detection_data: null,
            event_id: null,
            received_at: received,
          },
          new Date(at + 500).toISOString(),
          branch.timezone,
        );
      }
    })();
    done += n;
    if (done % 1_000_000 === 0 || done === N)
      process.stderr.write(
        `seeded ${done.toLocaleString()} detections in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
      );
  }
  // a staffed control room: everything before today is acknowledged
  db.conn
    .prepare(`UPDATE event_logs SET alarm_state = 'acknowledged', acknowledged_at = created_at WHERE created_at < ?`)
    .run(new Date(now - 86_400_000).toISOString());
  db.conn.pragma('wal_checkpoint(TRUNCATE)');
  const seedS = (performance.now() - started) / 1000;
  db.conn.close();
  return seedS;
}

async function timed(fn, n = 20) {
  for (let i = 0; i < 3; i++) await fn();
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50_ms: Number(percentile(ms, 50).toFixed(1)), p95_ms: Number(percentile(ms, 95).toFixed(1)) };
}

const first = await seedFleet();
let seedS = null;
const dataDir = first.srv.dataDir;
await first.srv.stop();
if (!first.seeded) seedS = load(dataDir);
{
  // every run starts with no counting report: the catch-up and each report below are made anew
  const db = openDatabase(dataDir);
  db.conn.exec(`DELETE FROM notification_deliveries WHERE report_id IS NOT NULL;
    DELETE FROM counting_reports; DELETE FROM jobs WHERE queue = 'reports';`);
  db.conn.close();
}
const bytes = fs.statSync(path.join(dataDir, 'pantau.sqlite')).size;
const srv = await startServer({ dataDir });
const api = new ApiClient({ baseUrl: srv.url });
await api.login({ email: 'bench@pantau.local', password: 'bench-password' });
const groups = (await api.groupsPage({ per_page: 10 })).items;
const branch = (await api.listBranches())[0];
const person = (await api.listPersons({ per_page: 1 })).items[0].re_id;
const anchor = await timed(() => fetch(`${srv.url}/health`).then((r) => r.json()));
const results = {
  dashboard_all: await timed(() => api.dashboard()),
  dashboard_group: await timed(() => api.dashboard({ group_id: groups[0].id })),
  dashboard_branch: await timed(() => api.dashboard({ branch_id: branch.id })),
  persons_first_page: await timed(() => api.listPersons({ per_page: 25 })),
  persons_branch_first_page: await timed(() => api.listPersons({ per_page: 25, branch_id: branch.id })),
  person_detail: await timed(() => api.person(person)),
  person_journey: await timed(() => api.personJourney(person)),
  // what the detail screen asks for at once
  person_detail_summary_journey: await timed(() =>
    Promise.all([api.person(person), api.personJourney(person), api.personDetections(person, { per_page: 20 })]),
  ),
};
// ── counting reports ──
const rss = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${srv.child.pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};
const drainReports = async () => {
  for (;;) {
    const q = (await api.listQueues()).find((x) => x.queue === 'reports');
    if (!q || q.pending + q.running === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
};
const caughtUpAt = performance.now();
await drainReports();
const catchUpS = (performance.now() - caughtUpAt) / 1000;
/** Time one report from the ask to the 200 with it. */
const generate = async (type, q) => {
  const t = performance.now();
  let r = await api.report(type, q);
  while (r.status === 202) {
    await new Promise((res) => setTimeout(res, 10));
    r = await api.report(type, q);
  }
  return { ms: performance.now() - t, report: r.data };
};
const series = async (runs) => {
  const ms = [];
  let last = null;
  for (const [type, q] of runs) {
    const g = await generate(type, q);
    ms.push(g.ms);
    last = g.report;
  }
  ms.sort((a, b) => a - b);
  return {
    runs: ms.length,
    p50_ms: Number(percentile(ms, 50).toFixed(0)),
    max_ms: Number(ms.at(-1).toFixed(0)),
    detections: last.total_detections,
  };
};
const today = new Date();
const dayAgo = (n) => new Date(today.getTime() - n * 86_400_000).toISOString().slice(0, 10);
const branches = await api.listBranches();
const monthOf = dayAgo(Math.min(15, DAYS - 1)).slice(0, 7);
// the HTTP thread while reports are made: GET /health every 20 ms beside the series below
const health = [];
let sampling = true;
const sampler0 = (async () => {
  while (sampling) {
    const t = performance.now();
    await fetch(`${srv.url}/health`).then((r) => r.arrayBuffer());
    health.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
})();
const reports = {
  catch_up_seconds: Number(catchUpS.toFixed(1)),
  daily_one_branch: await series(
    [8, 9, 10, 11, 12].map((d, i) => ['daily', { branch_id: branches[i + 1].id, date: dayAgo(d) }]),
  ),
  daily_all_branches: await series([8, 9, 10].map((d) => ['daily', { date: dayAgo(d) }])),
  // weeks before the last complete one: not made by the catch-up, so generated here
  weekly_all_branches: await series([14, 21].map((d) => ['weekly', { date: dayAgo(d) }])),
  monthly_province: await series([['monthly', { group_id: groups[0].id, date: `${monthOf}-01` }]]),
  monthly_all: await series([['monthly', { date: `${monthOf}-01` }]]),
};
sampling = false;
await sampler0;
health.sort((a, b) => a - b);
reports.health_during_generation = {
  samples: health.length,
  p50_ms: Number(percentile(health, 50).toFixed(1)),
  p99_ms: Number(percentile(health, 99).toFixed(1)),
  max_ms: Number(health.at(-1).toFixed(1)),
};
const all = await api.report('monthly', { date: `${monthOf}-01` });
const before = rss();
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
const tx = performance.now();
const file = await api.download(`/api/v1/reports/${all.data.id}/export`, { format: 'xlsx' });
const xlsxMs = performance.now() - tx;
clearInterval(sampler);
reports.xlsx_monthly_all = {
  ms: Number(xlsxMs.toFixed(0)),
  bytes: file.bytes.byteLength,
  server_rss_before_mib: Math.round(before / 2 ** 20),
  server_rss_peak_mib: Math.round(peak / 2 ** 20),
};
const detections = (await api.dashboard()).daily_persons.length;
await srv.stop();

// Generation itself, in process over the same file (the server stopped): the monthly reports
// above were made by the startup catch-up (last month is caught up), so their HTTP figures are
// cache reads; here each report is generated from nothing by the product's ReportService
// (figures read, effects committed), timed alone.
const { SyncExecutor } = await import(path.join(dist, 'db/sync-executor.js'));
const { ReportRepository } = await import(path.join(dist, 'repositories/report-repository.js'));
const { ReportService } = await import(path.join(dist, 'services/report-service.js'));
const { DashboardRepository } = await import(path.join(dist, 'repositories/dashboard-repository.js'));
const { periodOf } = await import(path.join(dist, 'services/report-period.js'));
const gdb = openDatabase(dataDir);
const gexec = new SyncExecutor(gdb.conn);
const grepo = new ReportRepository(gdb.kysely, gexec);
const gbranches = new DashboardRepository(gdb.kysely, gexec);
const service = new ReportService(
  grepo,
  (scope, filter) => gbranches.branches(scope, filter),
  gexec,
  { enqueue: () => 1 },
  { emit: () => undefined },
  { record: () => undefined },
  'Asia/Jakarta',
);
const allBranches = gbranches.branches(null, {});
const timeGeneration = async (type, day, scope) => {
  const p = periodOf(type, day);
  const ids = scope.map((b) => b.id);
  const id = gexec.tx(() =>
    grepo.create({
      report_type: type,
      report_date: p.start,
      scope_key: `bench:${performance.now()}`,
      period_end: p.end,
      branch_id: null,
      group_id: null,
      branch_ids: ids,
      timezone: 'Asia/Jakarta',
      requested_by: [],
      requested_at: new Date().toISOString(),
    }),
  );
  const t = performance.now();
  const effects = await service.generate(id, new AbortController().signal);
  gexec.tx(() => effects?.());
  const ms = performance.now() - t;
  return { ms: Number(ms.toFixed(0)), detections: grepo.byId(id).total_detections };
};
const province = allBranches.filter((b) => b.group_id === allBranches[0].group_id);
reports.generation = {
  daily_one_branch: await timeGeneration('daily', dayAgo(9), [allBranches[3]]),
  daily_all_branches: await timeGeneration('daily', dayAgo(9), allBranches),
  weekly_province: await timeGeneration('weekly', dayAgo(9), province),
  monthly_province: await timeGeneration('monthly', `${monthOf}-01`, province),
  monthly_all: await timeGeneration('monthly', `${monthOf}-01`, allBranches),
};
gdb.conn.close();

const out = {
  date: new Date().toISOString(),
  machine: `${(await import('node:os')).cpus().length} cores, Node ${process.version}`,
  seeded: {
    detections: N,
    persons: PERSONS,
    branches: BRANCHES,
    cameras: BRANCHES * CAMERAS_PER_BRANCH,
    days: DAYS,
    zones: ZONES,
  },
  seed_seconds: seedS === null ? null : Number(seedS.toFixed(0)),
  database_bytes: bytes,
  database_mib: Math.round(bytes / 2 ** 20),
  anchor_health: anchor,
  reads: Object.fromEntries(
    Object.entries(results).map(([k, v]) => [
      k,
      { ...v, p50_over_anchor: Number((v.p50_ms / anchor.p50_ms).toFixed(1)) },
    ]),
  ),
  series_days: detections,
  reports,
};
console.log(JSON.stringify(out, null, 2));
fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
fs.writeFileSync(
  path.join(import.meta.dirname, 'results', arg('out', `analytics-${out.date.slice(0, 10)}.json`)),
  `${JSON.stringify(out, null, 2)}\n`,
);
if (KEEP && dataDir !== KEEP) {
  // a first run with --keep: the seeded directory moves to where the next run looks for it
  fs.rmSync(KEEP, { recursive: true, force: true });
  fs.renameSync(dataDir, KEEP);
} else if (!KEEP) fs.rmSync(dataDir, { recursive: true, force: true });
