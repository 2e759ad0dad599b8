/**
 * The report thread as the server runs it: the built thread module (`npm run build` first, as for
 * cli.test.ts) reading a real data directory on its own connection. Its figures equal those
 * read on the server's connection; a cancelled read fails; an idle thread ends; a thread that
 * dies fails what it had and the next read starts a new one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { DashboardRepository } from '../repositories/dashboard-repository.js';
import { ReportRepository } from '../repositories/report-repository.js';
import { ReportFiguresHost } from './report-figures-host.js';
import { reportFigures } from './report-figures.js';
import { testEngine } from '../test-support/postgres.js';
import { periodOf } from './report-period.js';

const threadFile = pathToFileURL(path.resolve(import.meta.dirname, '../../dist/services/report-figures-thread.js'));
let h: Harness;
const hosts: ReportFiguresHost[] = [];
const host = (idleExitMs?: number) => {
  const x = new ReportFiguresHost({
    file: threadFile,
    data: { dataDir: h.dataDir },
    logger: pino({ level: 'silent' }),
    ...(idleExitMs !== undefined ? { idleExitMs } : {}),
  });
  hosts.push(x);
  return x;
};

beforeAll(async () => {
  if (!existsSync(threadFile)) throw new Error(`${threadFile.pathname} missing: run \`npm run build\` first`);
  h = await startHarness();
  let n = 0;
  for (const [branch, device] of [
    [h.branches[0]!.id, 'cam-1'],
    [h.branches[1]!.id, 'cam-2'],
  ] as const)
    for (let i = 0; i < 12; i++)
      await h.device.logDetection({
        re_id: `thr-${i % 5}`,
        branch_id: branch,
        device_id: device,
        detected_count: 1 + (i % 3),
        detection_timestamp: `2026-10-0${1 + (i % 4)}T0${i % 10}:15:00.000+07:00`,
        event_id: `thr-${++n}`,
      });
  await waitFor(
    () => (h.server.services.db.conn.prepare(`SELECT COUNT(*) AS n FROM jobs`).get() as { n: number }).n === 0,
    10_000,
    'queue drained',
  );
});
afterAll(async () => {
  for (const x of hosts) await x.stop();
  await h?.stop();
});

const inputs = (type: 'daily' | 'monthly') => {
  const { db, exec } = h.server.services;
  const branches = new DashboardRepository(db.kysely, exec).branches(null, {});
  return { branches, period: periodOf(type, '2026-10-02'), repo: new ReportRepository(db.kysely, exec) };
};

// SQLite only: on PostgreSQL the figures are read on the main connection (libpq loads in one
// thread), which reports.test.ts covers on both engines
describe.skipIf(testEngine === 'postgres')('report thread', () => {
  it("reads the same figures on its own connection as the server's", async () => {
    const x = host();
    for (const type of ['daily', 'monthly'] as const) {
      const { branches, period, repo } = inputs(type);
      const here = await reportFigures(repo, branches, period, new AbortController().signal);
      const there = await x.read({ branches, period }, new AbortController().signal);
      expect(there).toEqual(here);
      expect(there.total_detections).toBeGreaterThan(0);
    }
    expect(x.running).toBe(true);
  });

  it('fails a read whose signal aborts: already, while the thread starts, and once handed over', async () => {
    const x = host();
    const { branches, period } = inputs('monthly');
    const ac = new AbortController();
    ac.abort();
    await expect(x.read({ branches, period }, ac.signal)).rejects.toThrow(/aborted/);
    // while the thread starts
    const ac2 = new AbortController();
    const p = x.read({ branches, period }, ac2.signal);
    ac2.abort();
    await expect(p).rejects.toThrow(/aborted/);
    // handed over to a running thread: the job stops waiting at once
    await x.read({ branches, period }, new AbortController().signal);
    const ac3 = new AbortController();
    const q = x.read({ branches, period }, ac3.signal);
    // let the read post its message (microtasks only): the thread's answer is a message event, a
    // macrotask, so it cannot have arrived yet — a setImmediate here let a fast thread answer
    // first (CI: "promise resolved … instead of rejecting")
    for (let i = 0; i < 10; i++) await Promise.resolve();
    ac3.abort();
    await expect(q).rejects.toThrow(/aborted/);
    // the thread is still there for the next report
    expect((await x.read({ branches, period }, new AbortController().signal)).total_detections).toBeGreaterThan(0);
    expect(x.running).toBe(true);
  });

  it('ends when idle, and starts again for the next report', async () => {
    const x = host(200);
    const { branches, period } = inputs('daily');
    await x.read({ branches, period }, new AbortController().signal);
    expect(x.running).toBe(true);
    await waitFor(() => !x.running, 5_000, 'idle thread ended');
    const again = await x.read({ branches, period }, new AbortController().signal);
    expect(again.total_detections).toBeGreaterThan(0);
  });

  it('never fails a read for a thread that is ending idle: it goes to the next thread', async () => {
    // idle after 1 ms: every gap between these reads retires the thread while the next one starts
    const x = host(1);
    const { branches, period } = inputs('daily');
    for (let i = 0; i < 15; i++) {
      const f = await x.read({ branches, period }, new AbortController().signal);
      expect(f.total_detections).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, i % 3));
    }
    // several at once, one thread
    const all = await Promise.all(
      Array.from({ length: 5 }, () => x.read({ branches, period }, new AbortController().signal)),
    );
    expect(new Set(all.map((f) => f.total_detections)).size).toBe(1);
    await x.stop();
    expect(x.running).toBe(false);
  });

  it('fails what a dying thread had; the next read gets a new thread', async () => {
    const x = host();
    const { branches, period } = inputs('monthly');
    await x.read({ branches, period }, new AbortController().signal);
    const p = x.read({ branches, period }, new AbortController().signal);
    await x.stop();
    await expect(p).rejects.toThrow(/report thread stopped/);
    const again = await x.read({ branches, period }, new AbortController().signal);
    expect(again.total_detections).toBeGreaterThan(0);
  });
});
