/**
 * The durable queue with a controllable clock: priority order, delays, the retry schedule,
 * failed_jobs, crash recovery, and a handler's effects committing with its completion.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../db/database.js';
import { tempDataDir } from '../test-support/harness.js';
import { JobQueue } from './job-queue.js';
import { Worker } from './worker.js';

async function setup() {
  const db = openDatabase(tempDataDir());
  await migrate(db);
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const queue = new JobQueue(
    db.sqlite,
    {
      'test.flaky': { queue: 'detections', priority: 2, retryDelaysMs: [10_000, 30_000, 60_000] },
      'test.urgent': { queue: 'critical', priority: 0, retryDelaysMs: [] },
    },
    clock.now,
  );
  db.sqlite.exec('CREATE TABLE effects (v TEXT)');
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
    const failed = db.sqlite.prepare('SELECT type, attempts, error FROM failed_jobs').all();
    expect(failed).toEqual([{ type: 'test.flaky', attempts: 4, error: 'provider down' }]);
    expect(queue.stats()).toMatchObject({ pending: 0, running: 0, failed: 1 });
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
    const worker = new Worker({
      db: db.sqlite,
      queue,
      logger: pino({ level: 'silent' }),
      handlers: {
        'test.flaky': (p) => {
          db.sqlite.prepare('INSERT INTO effects VALUES (?)').run(JSON.stringify(p));
          if ((p as { fail?: boolean }).fail) throw new Error('boom');
        },
      },
    });
    queue.enqueue('test.flaky', { ok: 1 });
    queue.enqueue('test.flaky', { fail: true });
    worker.start();
    await worker.stop();
    (worker as unknown as { running: boolean }).running = true;
    worker.drainOnce();
    await worker.stop();
    expect(db.sqlite.prepare('SELECT v FROM effects').all()).toEqual([{ v: '{"ok":1}' }]);
    expect(queue.stats()).toMatchObject({ pending: 1, running: 0 });
    expect(worker.processed).toBe(1);
    expect(worker.failures).toBe(1);
  });
});
