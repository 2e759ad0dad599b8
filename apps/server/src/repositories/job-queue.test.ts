/**
 * The durable queue with a controllable clock: priority order, delays, the retry schedule,
 * failed_jobs, crash recovery, and a handler's effects committing with its completion.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrate, openDatabase } from '../db/database.js';
import { testDatabaseUrl } from '../test-support/postgres.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { tempDataDir } from '../test-support/harness.js';
import { JobQueue } from './job-queue.js';
import { Worker } from '../queue/worker.js';

/** The test's job map. */
interface TestJobs {
  'test.flaky': { n?: number; ok?: number; fail?: boolean };
  'test.urgent': { n: number };
}

async function setup() {
  const db = openDatabase(tempDataDir(), testDatabaseUrl());
  await migrate(db);
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const queue = new JobQueue<TestJobs>(
    db.conn,
    {
      'test.flaky': { queue: 'detections', priority: 2, retryDelaysMs: [10_000, 30_000, 60_000] },
      'test.urgent': { queue: 'critical', priority: 0, retryDelaysMs: [] },
    },
    clock.now,
  );
  db.conn.exec('CREATE TABLE effects (v TEXT)');
  return { db, queue, clock };
}

describe('JobQueue', () => {
  it('claims by priority, then age, and honours delays', async () => {
    const { queue, clock } = await setup();
    const a = queue.enqueue('test.flaky', { n: 1 });
    const b = queue.enqueue('test.urgent', { n: 2 });
    const c = queue.enqueue('test.urgent', { n: 3 }, 5_000);
    expect(queue.claim(10).map((j) => j.id)).toEqual([b, a]);
    expect(queue.claim(10)).toEqual([]);
    expect(queue.nextDueInMs()).toBe(5_000);
    clock.advance(5_000);
    expect(queue.claim(10).map((j) => j.id)).toEqual([c]);
  });

  it('retries on the 10/30/60 s schedule, then moves the job to failed_jobs', async () => {
    const { queue, clock, db } = await setup();
    queue.enqueue('test.flaky', { n: 1 });
    const delays: number[] = [];
    for (;;) {
      const [job] = queue.claim(1);
      expect(job).toBeDefined();
      const r = queue.fail(job!, 'provider down');
      if (r.outcome === 'failed') break;
      delays.push(r.delayMs);
      expect(queue.claim(1)).toEqual([]);
      clock.advance(r.delayMs);
    }
    expect(delays).toEqual([10_000, 30_000, 60_000]);
    const failed = db.conn.prepare('SELECT type, attempts, error FROM failed_jobs').all();
    expect(failed).toEqual([{ type: 'test.flaky', attempts: 4, error: 'provider down' }]);
    expect(queue.stats()).toMatchObject({ pending: 0, running: 0, failed: 1 });
  });

  it('takes jobs for a synchronous batch without marking them: attempts counted on failure, all due again when the batch rolls back', async () => {
    const { queue, clock, db } = await setup();
    queue.enqueue('test.flaky', { n: 1 });
    queue.enqueue('test.flaky', { n: 2 });
    const exec = new SyncExecutor(db.conn);
    // a batch that dies (a crash, a thrown error) leaves both due, no attempt counted
    expect(() =>
      exec.tx(() => {
        expect(queue.takeFrom(['detections'], 10).map((j) => j.attempts)).toEqual([1, 1]);
        throw new Error('crash');
      }),
    ).toThrow('crash');
    expect(queue.stats()).toMatchObject({ pending: 2, running: 0 });
    // one completes, one fails: its attempt is stored with its retry
    exec.tx(() => {
      const [a, b] = queue.takeFrom(['detections'], 10);
      queue.complete(a!.id);
      expect(queue.fail(b!, 'nope')).toEqual({ outcome: 'retry', delayMs: 10_000 });
      // taken jobs are not taken twice within the batch
      expect(queue.takeFrom(['detections'], 10)).toEqual([]);
    });
    clock.advance(10_000);
    const [again] = exec.tx(() => queue.takeFrom(['detections'], 10));
    expect(again).toMatchObject({ attempts: 2, last_error: 'nope' });
    expect(db.conn.prepare(`SELECT attempts, status FROM jobs`).all()).toEqual([{ attempts: 1, status: 'pending' }]);
  });

  it('puts jobs left running by a crash back to pending', async () => {
    const { queue } = await setup();
    queue.enqueue('test.flaky', {});
    queue.claim(1);
    expect(queue.stats()).toMatchObject({ pending: 0, running: 1 });
    expect(queue.recover()).toBe(1);
    expect(queue.claim(1)).toHaveLength(1);
  });

  it("commits a handler's effects together with the job's completion, and none when it throws", async () => {
    const { queue, db } = await setup();
    const worker = new Worker<TestJobs>({
      exec: new SyncExecutor(db.conn),
      queue,
      payloads: {
        'test.flaky': z.object({ n: z.number().optional(), ok: z.number().optional(), fail: z.boolean().optional() }),
        'test.urgent': z.object({ n: z.number() }),
      },
      logger: pino({ level: 'silent' }),
      jobs: [
        {
          type: 'test.flaky',
          kind: 'sync',
          queue: 'detections',
          priority: 2,
          retryDelaysMs: [10_000, 30_000, 60_000],
          handle: (p) => {
            db.conn.prepare('INSERT INTO effects VALUES (?)').run(JSON.stringify(p));
            if (p.fail) throw new Error('boom');
          },
        },
      ],
    });
    queue.enqueue('test.flaky', { ok: 1 });
    queue.enqueue('test.flaky', { fail: true });
    worker.start();
    await worker.stop();
    (worker as unknown as { running: boolean }).running = true;
    worker.drainOnce();
    await worker.stop();
    expect(db.conn.prepare('SELECT v FROM effects').all()).toEqual([{ v: '{"ok":1}' }]);
    expect(queue.stats()).toMatchObject({ pending: 1, running: 0 });
    expect(worker.processed).toBe(1);
    expect(worker.failures).toBe(1);
  });

  it('claims by walking the pending index, sorting nothing, whatever the backlog', async () => {
    const { db } = await setup();
    if (db.engine === 'postgres') {
      // the claim as PostgreSQL runs it (no INDEXED BY there); with sequential scans priced out,
      // as they are on a big backlog, the plan walks the partial index in order: no Sort node
      const plan = (q: string) =>
        db.conn.transaction(() => {
          db.conn.exec('SET LOCAL enable_seqscan = off');
          return (db.conn.prepare(`EXPLAIN ${q}`).all() as Array<{ 'QUERY PLAN': string }>)
            .map((r) => r['QUERY PLAN'])
            .join(' | ');
        });
      const claim = plan(
        `SELECT id FROM jobs WHERE status = 'pending' AND queue = 'detections' ORDER BY priority, id LIMIT 64 FOR UPDATE SKIP LOCKED`,
      );
      expect(claim).toMatch(/Index (Only )?Scan using jobs_pending_idx/);
      expect(claim).not.toMatch(/Sort/);
      const promote = plan(
        `SELECT id FROM jobs WHERE status = 'delayed' AND run_at <= 5 ORDER BY run_at LIMIT 10 FOR UPDATE SKIP LOCKED`,
      );
      expect(promote).toMatch(/Index (Only )?Scan using jobs_delayed_idx/);
      expect(promote).not.toMatch(/Sort/);
      return;
    }
    const plan = (q: string) =>
      (db.conn.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    const claim = plan(
      `SELECT id FROM jobs INDEXED BY jobs_pending_idx WHERE status = 'pending' AND queue = 'detections' ORDER BY priority, id LIMIT 64`,
    );
    expect(claim).toMatch(/USING (COVERING )?INDEX jobs_pending_idx \(queue=\?\)/);
    expect(claim).not.toMatch(/TEMP B-TREE/);
    const promote = plan(
      `SELECT id FROM jobs INDEXED BY jobs_delayed_idx WHERE status = 'delayed' AND run_at <= 5 ORDER BY run_at LIMIT 10`,
    );
    expect(promote).toMatch(/jobs_delayed_idx \(run_at<\?\)/);
    expect(promote).not.toMatch(/TEMP B-TREE/);
  });

  it('keeps delayed jobs out of the claim until due, and counts every job once in the numbers', async () => {
    const { queue, clock, db } = await setup();
    for (let i = 0; i < 5; i++) queue.enqueue('test.flaky', { n: i });
    queue.enqueue('test.urgent', { n: 9 }, 60_000);
    const status = () =>
      db.conn.prepare(`SELECT status, COUNT(*) AS n FROM jobs GROUP BY status ORDER BY status`).all();
    expect(status()).toEqual([
      { status: 'delayed', n: 1 },
      { status: 'pending', n: 5 },
    ]);
    const [first, second] = queue.claimFrom(['detections', 'critical'], 2);
    queue.complete(first!.id);
    queue.fail(second!, 'later'); // back as delayed
    expect(queue.stats()).toMatchObject({
      pending: 5,
      running: 0,
      by_queue: {
        detections: { pending: 4, running: 0 },
        critical: { pending: 1, running: 0, oldest_pending_age_ms: null },
      },
    });
    expect(queue.claimFrom(['critical'], 10)).toEqual([]);
    clock.advance(60_000);
    expect(queue.claimFrom(['critical'], 10).map((j) => j.type)).toEqual(['test.urgent']);
    // the counts the triggers keep are the counts of the table (SQLite: PostgreSQL counts the
    // table itself, migration 009, as the stats above show)
    if (db.engine === 'postgres') return;
    const counted = db.conn.prepare(`SELECT queue, status, n FROM job_counts WHERE n > 0 ORDER BY queue, status`).all();
    const actual = db.conn
      .prepare(`SELECT queue, status, COUNT(*) AS n FROM jobs GROUP BY queue, status ORDER BY queue, status`)
      .all();
    expect(counted).toEqual(actual);
  });
});
