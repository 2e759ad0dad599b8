/**
 * The worker's asynchronous lane: per-queue concurrency, attempt timeouts, effects that
 * commit with completion, retries on the job type's schedule, a stop that gives in-flight
 * jobs back, a crash that leaves them to recovery — and queue settings from configuration.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../db/database.js';
import { tempDataDir, waitFor } from '../test-support/harness.js';
import { JobQueue } from './job-queue.js';
import { queueConfigFromEnv, DEFAULT_QUEUE_CONFIG, JOB_SPECS, RETRY_SCHEDULES, JOB_TYPES } from './job-specs.js';
import { Worker, type AsyncJobHandler } from './worker.js';

async function setup(timeoutMs = 5_000) {
  const db = openDatabase(tempDataDir());
  await migrate(db);
  const queue = new JobQueue(
    db.sqlite,
    {
      'test.send': { queue: 'notifications', retryDelaysMs: [20, 40], timeoutMs },
      'test.detect': { queue: 'detections', retryDelaysMs: [10] },
    },
    Date.now,
    { critical: 0, notifications: 1, detections: 2 },
  );
  db.sqlite.exec('CREATE TABLE effects (v TEXT)');
  const effect = (v: string) => () => void db.sqlite.prepare('INSERT INTO effects VALUES (?)').run(v);
  const effects = () => (db.sqlite.prepare('SELECT v FROM effects').all() as Array<{ v: string }>).map((r) => r.v).sort();
  return { db, queue, effect, effects };
}

/** A handler whose attempts wait until released, counting how many run at once. */
function gate() {
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const handler = (onDone: (p: { n: number }) => (() => void) | void): AsyncJobHandler => ({
    kind: 'async',
    async run(payload, _job, signal) {
      active++;
      peak = Math.max(peak, active);
      try {
        await new Promise<void>((resolve, reject) => {
          waiting.push(resolve);
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        });
        return onDone(payload as { n: number });
      } finally {
        active--;
      }
    },
  });
  return { handler, releaseAll: () => waiting.splice(0).forEach((r) => r()), get peak() { return peak; }, get waiting() { return waiting.length; } };
}

describe('Worker, asynchronous handlers', () => {
  it('runs at most `concurrency` jobs of a queue at once and commits each one’s effects with its completion', async () => {
    const { db, queue, effect, effects } = await setup();
    const g = gate();
    const worker = new Worker({ db: db.sqlite, queue, logger: pino({ level: 'silent' }), queues: { notifications: { priority: 1, concurrency: 3 } }, handlers: { 'test.send': g.handler((p) => effect(`sent ${p.n}`)) } });
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
    const { db, queue, effects } = await setup(50);
    let attempts = 0;
    const worker = new Worker({
      db: db.sqlite,
      queue,
      logger: pino({ level: 'silent' }),
      queues: { notifications: { priority: 1, concurrency: 2 } },
      // ignores its signal on purpose: the worker must not wait for it
      handlers: { 'test.send': { kind: 'async', run: () => (attempts++, new Promise(() => undefined)) } },
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
    const { db, queue, effects } = await setup();
    const worker = new Worker({
      db: db.sqlite,
      queue,
      logger: pino({ level: 'silent' }),
      handlers: {
        'test.send': {
          kind: 'async',
          run: async (p) => () => {
            db.sqlite.prepare('INSERT INTO effects VALUES (?)').run('half');
            if ((p as { n: number }).n === 1) throw new Error('provider said no');
          },
        },
      },
    });
    queue.enqueue('test.send', { n: 1 });
    worker.start();
    await waitFor(() => queue.stats().failed === 1, 3000, 'spent');
    await worker.stop();
    expect(queue.failedPage({ page: 1, per_page: 1 }).rows[0]!.error).toBe('provider said no');
    expect(effects()).toEqual([]);
  });

  it('gives in-flight jobs back when stopped (attempt not counted) and re-runs them at the next start', async () => {
    const { db, queue, effect, effects } = await setup();
    const g = gate();
    const logger = pino({ level: 'silent' });
    const first = new Worker({ db: db.sqlite, queue, logger, queues: { notifications: { priority: 1, concurrency: 2 } }, handlers: { 'test.send': g.handler((p) => effect(`a${p.n}`)) } });
    queue.enqueue('test.send', { n: 1 });
    queue.enqueue('test.send', { n: 2 });
    first.start();
    await waitFor(() => g.waiting === 2, 2000, 'both running');
    await first.stop();
    expect(queue.stats()).toMatchObject({ pending: 2, running: 0, failed: 0 });
    expect((db.sqlite.prepare('SELECT attempts FROM jobs').all() as Array<{ attempts: number }>).map((r) => r.attempts)).toEqual([0, 0]);
    const second = new Worker({ db: db.sqlite, queue, logger, handlers: { 'test.send': { kind: 'async', run: async (p) => effect(`b${(p as { n: number }).n}`) } } });
    second.start();
    await waitFor(() => queue.stats().pending + queue.stats().running === 0, 2000, 'done');
    await second.stop();
    expect(effects()).toEqual(['b1', 'b2']);
  });

  it('after a crash mid-attempt (job left running), recovery re-runs it exactly once', async () => {
    const { db, queue, effect, effects } = await setup();
    queue.enqueue('test.send', { n: 7 });
    queue.claimFrom(['notifications'], 1); // the crashed process had claimed it
    const worker = new Worker({ db: db.sqlite, queue, logger: pino({ level: 'silent' }), handlers: { 'test.send': { kind: 'async', run: async () => effect('once') } } });
    worker.start();
    await waitFor(() => effects().length === 1, 2000, 're-run');
    await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    expect(effects()).toEqual(['once']);
  });

  it('keeps synchronous queues batching beside asynchronous ones, and refuses a queue that mixes both', async () => {
    const { db, queue, effect, effects } = await setup();
    const worker = new Worker({
      db: db.sqlite,
      queue,
      logger: pino({ level: 'silent' }),
      handlers: { 'test.detect': (p) => effect(`d${(p as { n: number }).n}`)(), 'test.send': { kind: 'async', run: async (p) => effect(`s${(p as { n: number }).n}`) } },
    });
    expect(() => worker.register('test.send', () => undefined)).not.toThrow(); // replacing the only handler of its queue
    worker.register('test.send', { kind: 'async', run: async (p) => effect(`s${(p as { n: number }).n}`) });
    const mixed = new JobQueue(db.sqlite, { a: { queue: 'q', retryDelaysMs: [] }, b: { queue: 'q', retryDelaysMs: [] } });
    const w2 = new Worker({ db: db.sqlite, queue: mixed, logger: pino({ level: 'silent' }), handlers: { a: () => undefined } });
    expect(() => w2.register('b', { kind: 'async', run: async () => undefined })).toThrow(/mix synchronous/);
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

describe('queue configuration', () => {
  it('reads concurrency and priority per queue from the environment over the defaults', () => {
    const c = queueConfigFromEnv({ PANTAU_QUEUE_IMAGES_CONCURRENCY: '6', PANTAU_QUEUE_REPORTS_PRIORITY: '0' });
    expect(c.images).toEqual({ priority: DEFAULT_QUEUE_CONFIG.images.priority, concurrency: 6 });
    expect(c.reports).toEqual({ priority: 0, concurrency: DEFAULT_QUEUE_CONFIG.reports.concurrency });
    expect(c.critical).toEqual(DEFAULT_QUEUE_CONFIG.critical);
    expect(() => queueConfigFromEnv({ PANTAU_QUEUE_IMAGES_CONCURRENCY: '0' })).toThrow(/PANTAU_QUEUE_IMAGES_CONCURRENCY must be a whole number ≥ 1, got "0"/);
    expect(() => queueConfigFromEnv({ PANTAU_QUEUE_CRITICAL_PRIORITY: 'high' })).toThrow(/PANTAU_QUEUE_CRITICAL_PRIORITY/);
  });

  it('gives each job type the retry schedule of DESIGN S3', () => {
    expect(JOB_SPECS[JOB_TYPES.detection]!.retryDelaysMs).toEqual([10_000, 30_000, 60_000]);
    expect(JOB_SPECS[JOB_TYPES.whatsapp]!.retryDelaysMs).toEqual([30_000, 60_000, 120_000, 300_000, 600_000]);
    expect(JOB_SPECS[JOB_TYPES.image]!.retryDelaysMs).toEqual(RETRY_SCHEDULES.images);
    expect(JOB_SPECS[JOB_TYPES.dailyReport]!.retryDelaysMs).toEqual([30_000, 60_000, 120_000]);
  });

  it('claims by queue priority from configuration, not by declaration order', async () => {
    const db = openDatabase(tempDataDir());
    await migrate(db);
    const queue = new JobQueue(db.sqlite, { low: { queue: 'maintenance', retryDelaysMs: [] }, high: { queue: 'reports', retryDelaysMs: [] } }, Date.now, { reports: 0, maintenance: 9 });
    const a = queue.enqueue('low', {});
    const b = queue.enqueue('high', {});
    expect(queue.claim(10).map((j) => j.id)).toEqual([b, a]);
  });
});
