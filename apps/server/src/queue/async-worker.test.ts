/**
 * The worker's lanes: per-queue concurrency, attempt timeouts, effects that commit with
 * completion, retries on the job type's schedule, a stop that gives in-flight jobs back, a crash
 * that leaves them to recovery, payloads decoded before any handler sees them — and queue
 * settings from configuration, and the product's jobs on the schedules of DESIGN S3.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrate, openDatabase } from '../db/database.js';
import { testDatabaseUrl } from '../test-support/postgres.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { loadConfig } from '../config.js';
import { createServices } from '../services/container.js';
import { tempDataDir, waitFor } from '../test-support/harness.js';
import { JobQueue } from '../repositories/job-queue.js';
import { queueConfigFromEnv, DEFAULT_QUEUE_CONFIG } from './queue-config.js';
import type { AsyncJobDefinition, JobDefinition } from './job-definition.js';
import { Worker } from './worker.js';

/** The test's job map: two job types with a number each. */
interface TestJobs {
  'test.send': { n: number };
  'test.detect': { n: number };
}
const payloads = { 'test.send': z.object({ n: z.number() }), 'test.detect': z.object({ n: z.number() }) };

/** The async job `test.send` on the notifications queue, retried after 20 and 40 ms. */
function sendJob(run: AsyncJobDefinition<TestJobs, 'test.send'>['run'], timeoutMs = 5_000): JobDefinition<TestJobs> {
  return { type: 'test.send', kind: 'async', queue: 'notifications', retryDelaysMs: [20, 40], timeoutMs, run };
}

/** The sync job `test.detect` on the detections queue. */
function detectJob(handle: (p: { n: number }) => void): JobDefinition<TestJobs> {
  return { type: 'test.detect', kind: 'sync', queue: 'detections', retryDelaysMs: [10], handle };
}

async function setup() {
  const db = openDatabase(tempDataDir(), testDatabaseUrl());
  await migrate(db);
  const queue = new JobQueue<TestJobs>(db.conn, {}, Date.now, { critical: 0, notifications: 1, detections: 2 });
  db.conn.exec('CREATE TABLE effects (v TEXT)');
  const effect = (v: string) => () => void db.conn.prepare('INSERT INTO effects VALUES (?)').run(v);
  const effects = () => (db.conn.prepare('SELECT v FROM effects').all() as Array<{ v: string }>).map((r) => r.v).sort();
  const worker = (
    jobs: Array<JobDefinition<TestJobs>>,
    queues?: Record<string, { priority: number; concurrency: number }>,
  ) =>
    new Worker<TestJobs>({
      exec: new SyncExecutor(db.conn),
      queue,
      payloads,
      jobs,
      logger: pino({ level: 'silent' }),
      ...(queues ? { queues } : {}),
    });
  return { db, queue, effect, effects, worker };
}

/** A handler whose attempts wait until released, counting how many run at once. */
function gate() {
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const run =
    (onDone: (p: { n: number }) => (() => void) | void): AsyncJobDefinition<TestJobs, 'test.send'>['run'] =>
    async (payload, _job, signal) => {
      active++;
      peak = Math.max(peak, active);
      try {
        await new Promise<void>((resolve, reject) => {
          waiting.push(resolve);
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        });
        return onDone(payload);
      } finally {
        active--;
      }
    };
  return {
    run,
    releaseAll: () => waiting.splice(0).forEach((r) => r()),
    get peak() {
      return peak;
    },
    get waiting() {
      return waiting.length;
    },
  };
}

describe('Worker, asynchronous handlers', () => {
  it('runs at most `concurrency` jobs of a queue at once and commits each one’s effects with its completion', async () => {
    const { queue, effect, effects, worker: make } = await setup();
    const g = gate();
    const worker = make([sendJob(g.run((p) => effect(`sent ${p.n}`)))], {
      notifications: { priority: 1, concurrency: 3 },
    });
    for (let n = 0; n < 8; n++) queue.enqueue('test.send', { n });
    worker.start();
    await waitFor(() => g.waiting === 3, 2000, 'three in flight');
    expect(queue.stats().by_queue.notifications).toMatchObject({ running: 3, pending: 5 });
    expect(effects()).toEqual([]);
    while (queue.stats().pending + queue.stats().running > 0) {
      g.releaseAll();
      await new Promise((r) => setTimeout(r, 5));
    }
    await worker.stop();
    expect(g.peak).toBe(3);
    expect(effects()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((n) => `sent ${n}`).sort());
    expect(worker.processed).toBe(8);
  });

  it('fails an attempt that outlives its timeout, retries it on the schedule, and moves it to failed_jobs when spent', async () => {
    const { queue, effects, worker: make } = await setup();
    let attempts = 0;
    // ignores its signal on purpose: the worker must not wait for it
    const worker = make([sendJob(() => (attempts++, new Promise(() => undefined)), 50)], {
      notifications: { priority: 1, concurrency: 2 },
    });
    queue.enqueue('test.send', { n: 1 });
    worker.start();
    await waitFor(() => queue.stats().failed === 1, 3000, 'failed after 3 attempts');
    await worker.stop();
    expect(attempts).toBe(3);
    const failed = queue.failedPage({ page: 1, per_page: 10 }).rows;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ type: 'test.send', attempts: 3, error: 'timed out after 50 ms' });
    expect(effects()).toEqual([]);
  });

  it('records the error of a rejected attempt and commits nothing of a failed effects function', async () => {
    const { db, queue, effects, worker: make } = await setup();
    const worker = make([
      sendJob(async (p) => () => {
        db.conn.prepare('INSERT INTO effects VALUES (?)').run('half');
        if (p.n === 1) throw new Error('provider said no');
      }),
    ]);
    queue.enqueue('test.send', { n: 1 });
    worker.start();
    await waitFor(() => queue.stats().failed === 1, 3000, 'spent');
    await worker.stop();
    expect(queue.failedPage({ page: 1, per_page: 1 }).rows[0]!.error).toBe('provider said no');
    expect(effects()).toEqual([]);
  });

  it('gives in-flight jobs back when stopped (attempt not counted) and re-runs them at the next start', async () => {
    const { db, queue, effect, effects, worker: make } = await setup();
    const g = gate();
    const first = make([sendJob(g.run((p) => effect(`a${p.n}`)))], { notifications: { priority: 1, concurrency: 2 } });
    queue.enqueue('test.send', { n: 1 });
    queue.enqueue('test.send', { n: 2 });
    first.start();
    await waitFor(() => g.waiting === 2, 2000, 'both running');
    await first.stop();
    expect(queue.stats()).toMatchObject({ pending: 2, running: 0, failed: 0 });
    expect(
      (db.conn.prepare('SELECT attempts FROM jobs').all() as Array<{ attempts: number }>).map((r) => r.attempts),
    ).toEqual([0, 0]);
    const second = make([sendJob(async (p) => effect(`b${p.n}`))]);
    second.start();
    await waitFor(() => queue.stats().pending + queue.stats().running === 0, 2000, 'done');
    await second.stop();
    expect(effects()).toEqual(['b1', 'b2']);
  });

  it('after a crash mid-attempt (job left running), recovery re-runs it exactly once', async () => {
    const { queue, effect, effects, worker: make } = await setup();
    const worker = make([sendJob(async () => effect('once'))]);
    queue.enqueue('test.send', { n: 7 });
    queue.claimFrom(['notifications'], 1); // the crashed process had claimed it
    worker.start();
    await waitFor(() => effects().length === 1, 2000, 're-run');
    await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    expect(effects()).toEqual(['once']);
  });

  it('keeps synchronous queues batching beside asynchronous ones, and refuses a queue that mixes both', async () => {
    const { queue, effect, effects, worker: make } = await setup();
    const worker = make([detectJob((p) => effect(`d${p.n}`)()), sendJob(async (p) => effect(`s${p.n}`))]);
    // replacing a handler by one of its kind is fine; a synchronous job on the asynchronous queue is not
    expect(() => worker.register(sendJob(async (p) => effect(`s${p.n}`)))).not.toThrow();
    expect(() => worker.register({ ...detectJob(() => undefined), queue: 'notifications' })).toThrow(/mix synchronous/);
    for (let n = 0; n < 3; n++) {
      queue.enqueue('test.detect', { n });
      queue.enqueue('test.send', { n });
    }
    worker.start();
    await waitFor(() => effects().length === 6, 2000, 'all six');
    await worker.stop();
    expect(effects()).toEqual(['d0', 'd1', 'd2', 's0', 's1', 's2']);
  });
});

describe('Worker, payloads', () => {
  it('fails a job whose payload does not match its schema at once, naming the field, without calling its handler', async () => {
    const { db, queue, effect, effects, worker: make } = await setup();
    const calls: number[] = [];
    const worker = make([
      detectJob((p) => (calls.push(p.n), effect(`d${p.n}`)())),
      sendJob(async (p) => (calls.push(p.n), effect(`s${p.n}`))),
    ]);
    queue.enqueue('test.detect', { n: 1 });
    // rows as an older version or a hand might have left them
    db.conn
      .prepare(
        "INSERT INTO jobs (queue, type, payload, priority, status, max_attempts, run_at) VALUES ('detections', 'test.detect', ?, 2, 'pending', 2, 0)",
      )
      .run('{"n":"two"}');
    db.conn
      .prepare(
        "INSERT INTO jobs (queue, type, payload, priority, status, max_attempts, run_at) VALUES ('notifications', 'test.send', ?, 1, 'pending', 3, 0)",
      )
      .run('not json');
    worker.start();
    await waitFor(() => queue.stats().failed === 2 && effects().length === 1, 3000, 'one done, two failed');
    await worker.stop();
    expect(calls).toEqual([1]);
    const failed = queue
      .failedPage({ page: 1, per_page: 10 })
      .rows.map((r) => ({ type: r.type, attempts: r.attempts, error: r.error }));
    expect(failed).toEqual(
      expect.arrayContaining([
        {
          type: 'test.detect',
          attempts: 1,
          error: expect.stringMatching(/^payload of test\.detect job \d+ does not match its schema: n: /),
        },
        { type: 'test.send', attempts: 1, error: expect.stringMatching(/^payload of test\.send job \d+ is not JSON$/) },
      ]),
    );
  });
});

describe('queue configuration', () => {
  it('reads concurrency and priority per queue from the environment over the defaults', () => {
    const c = queueConfigFromEnv({ PANTAU_QUEUE_IMAGES_CONCURRENCY: '6', PANTAU_QUEUE_REPORTS_PRIORITY: '0' });
    expect(c.images).toEqual({ priority: DEFAULT_QUEUE_CONFIG.images.priority, concurrency: 6 });
    expect(c.reports).toEqual({ priority: 0, concurrency: DEFAULT_QUEUE_CONFIG.reports.concurrency });
    expect(c.critical).toEqual(DEFAULT_QUEUE_CONFIG.critical);
    expect(() => queueConfigFromEnv({ PANTAU_QUEUE_IMAGES_CONCURRENCY: '0' })).toThrow(
      /PANTAU_QUEUE_IMAGES_CONCURRENCY must be a whole number ≥ 1, got "0"/,
    );
    expect(() => queueConfigFromEnv({ PANTAU_QUEUE_CRITICAL_PRIORITY: 'high' })).toThrow(
      /PANTAU_QUEUE_CRITICAL_PRIORITY/,
    );
  });

  it('registers every job of the map with its queue and the retry schedule of DESIGN S3', async () => {
    const s = await createServices(
      loadConfig({ dataDir: tempDataDir(), logLevel: 'silent' }),
      pino({ level: 'silent' }),
    );
    try {
      expect(s.queue.specOf('detection.process')).toMatchObject({
        queue: 'detections',
        retryDelaysMs: [10_000, 30_000, 60_000],
      });
      expect(s.queue.specOf('notification.whatsapp')).toMatchObject({
        queue: 'notifications',
        retryDelaysMs: [30_000, 60_000, 120_000, 300_000, 600_000],
      });
      expect(s.queue.specOf('image.process')).toMatchObject({
        queue: 'images',
        retryDelaysMs: [10_000, 30_000, 60_000],
      });
      expect(s.queue.specOf('maintenance.cleanup')).toMatchObject({ queue: 'maintenance' });
    } finally {
      await s.close();
    }
  });

  it('claims by queue priority from configuration, not by declaration order', async () => {
    const db = openDatabase(tempDataDir(), testDatabaseUrl());
    await migrate(db);
    const queue = new JobQueue<{ low: object; high: object }>(
      db.conn,
      { low: { queue: 'maintenance', retryDelaysMs: [] }, high: { queue: 'reports', retryDelaysMs: [] } },
      Date.now,
      { reports: 0, maintenance: 9 },
    );
    const a = queue.enqueue('low', {});
    const b = queue.enqueue('high', {});
    expect(queue.claim(10).map((j) => j.id)).toEqual([b, a]);
  });
});
