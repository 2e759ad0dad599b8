/**
 * The job worker: claims due jobs queue by queue and runs each handler so that a job's
 * effects and its removal commit together.
 *
 * Two kinds of handler (see `JobHandler`):
 * - synchronous handlers (detections) run inside the completing transaction. Their queues
 *   share one batch lane: up to `batchSize` jobs per commit, each in its own savepoint,
 *   queues taken by priority. Grouping the commit is what lets the pipeline pass
 *   3 000 detections/s (DESIGN §7): a commit costs far more than a job.
 * - asynchronous handlers (sending a message, processing an image) do their slow work
 *   outside any transaction, then return the database effects to commit with the job's
 *   removal. Each such queue runs up to its configured `concurrency` jobs at once, and
 *   each attempt is bounded by its job type's `timeoutMs` (the handler's AbortSignal fires).
 *
 * The job row stays `running` while its work is in flight, so a crash leaves it to
 * `JobQueue.recover()` at the next start: the attempt is re-run, and since effects commit
 * only with completion, nothing it did to the database is doubled. Work outside the
 * database (a message sent) must be made idempotent by the handler itself, e.g. by
 * committing "sending" before the call (see the notification service).
 *
 * The worker wakes when a job is enqueued and when the next delayed job falls due, and
 * yields to the event loop between batches so HTTP keeps answering under load.
 */
import type SQLite from 'better-sqlite3';
import type { Logger } from 'pino';
import type { JobRow } from '../db/schema.js';
import type { JobQueue } from './job-queue.js';

/** A synchronous handler: runs inside the completing transaction. Throw to fail the attempt. */
export type SyncJobHandler = (payload: unknown, job: JobRow) => void;

/**
 * An asynchronous handler. `run` does the slow work outside any transaction and resolves
 * with an optional function of database effects, committed together with the job's
 * removal; reject (or throw from the effects) to fail the attempt. `signal` aborts when
 * the attempt times out or the worker stops.
 */
export interface AsyncJobHandler {
  kind: 'async';
  run(payload: unknown, job: JobRow, signal: AbortSignal): Promise<void | (() => void)>;
}

export type JobHandler = SyncJobHandler | AsyncJobHandler;

/** Per-queue settings the worker needs. */
export interface WorkerQueueConfig {
  priority: number;
  concurrency: number;
}

export interface WorkerOptions {
  db: SQLite.Database;
  queue: JobQueue;
  handlers: Readonly<Record<string, JobHandler>>;
  logger: Logger;
  /** Queue settings by name; queues not listed run with concurrency 1 after the listed ones. */
  queues?: Readonly<Record<string, WorkerQueueConfig>>;
  /** Called after each batch or async job that committed something (e.g. pump the real-time outbox). */
  afterBatch?: () => void;
  /** Jobs claimed per synchronous batch, one commit each (default 64). */
  batchSize?: number;
  /** Longest sleep between checks for delayed jobs, ms (default 1 000). */
  maxIdleMs?: number;
  /** Timeout of an async attempt whose job type names none, ms (default 60 000). */
  defaultTimeoutMs?: number;
}

const isAsync = (h: JobHandler | undefined): h is AsyncJobHandler => typeof h === 'object' && h !== null && h.kind === 'async';

/** Runs jobs until stopped. */
export class Worker {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private unsubscribe: (() => void) | null = null;
  private readonly handlers = new Map<string, JobHandler>();
  /** In-flight async attempts: job id → abort controller and settle promise. */
  private readonly inFlight = new Map<number, { ctl: AbortController; done: Promise<void>; queue: string }>();
  /** Jobs completed since start. */
  processed = 0;
  /** Attempts that threw since start. */
  failures = 0;

  private readonly inTx: (fn: () => unknown) => unknown;

  constructor(private readonly opts: WorkerOptions) {
    // one reusable wrapper (nested calls become savepoints)
    this.inTx = opts.db.transaction((fn: () => unknown) => fn());
    for (const [type, h] of Object.entries(opts.handlers)) this.handlers.set(type, h);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Register (or replace) the handler of a job type. Services wire their handlers here.
   * @throws Error when the job type's queue mixes sync and async handlers
   */
  register(type: string, handler: JobHandler): void {
    const queue = this.opts.queue.specOf(type)?.queue;
    if (queue) {
      for (const [other, h] of this.handlers) {
        if (other !== type && this.opts.queue.specOf(other)?.queue === queue && isAsync(h) !== isAsync(handler)) {
          throw new Error(`queue ${queue} would mix synchronous (${isAsync(h) ? type : other}) and asynchronous handlers`);
        }
      }
    }
    this.handlers.set(type, handler);
  }

  /** Async attempts running now, per queue. */
  activeByQueue(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of this.inFlight.values()) out[f.queue] = (out[f.queue] ?? 0) + 1;
    return out;
  }

  /** Start: recover crashed jobs, then drain. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const recovered = this.opts.queue.recover();
    if (recovered > 0) this.opts.logger.warn({ recovered }, 'recovered jobs left running by a previous process');
    this.unsubscribe = this.opts.queue.onEnqueue(() => this.wake());
    this.wake();
  }

  /**
   * Stop: no new claims; in-flight async attempts are aborted and their jobs given back
   * (`pending`, the attempt not counted). Resolves when they have settled; call before
   * closing the database.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const pending = [...this.inFlight.values()];
    for (const f of pending) f.ctl.abort(new Error('worker stopping'));
    await Promise.all(pending.map((f) => f.done));
  }

  /** Ask for a drain soon (coalesced). */
  wake(): void {
    if (!this.running || this.scheduled) return;
    this.scheduled = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    setImmediate(() => {
      this.scheduled = false;
      this.tick();
    });
  }

  /** The queues in claim order, split by lane. */
  private lanes(): { syncQueues: string[]; asyncQueues: Array<{ name: string; concurrency: number }> } {
    const config = this.opts.queues ?? {};
    const names = new Set<string>(Object.keys(config));
    const asyncNames = new Set<string>();
    for (const [type, h] of this.handlers) {
      const q = this.opts.queue.specOf(type)?.queue;
      if (!q) continue;
      names.add(q);
      if (isAsync(h)) asyncNames.add(q);
    }
    const ordered = [...names].sort((a, b) => (config[a]?.priority ?? 1e9) - (config[b]?.priority ?? 1e9) || a.localeCompare(b));
    return {
      syncQueues: ordered.filter((q) => !asyncNames.has(q)),
      asyncQueues: ordered.filter((q) => asyncNames.has(q)).map((name) => ({ name, concurrency: Math.max(1, config[name]?.concurrency ?? 1) })),
    };
  }

  private tick(): void {
    if (!this.running) return;
    const { syncQueues, asyncQueues } = this.lanes();
    let claimed = 0;
    for (const q of asyncQueues) claimed += this.startAsync(q.name, q.concurrency);
    claimed += this.drainSync(syncQueues);
    if (claimed > 0) this.wake();
    else this.sleep();
  }

  /**
   * Run one synchronous batch over all sync queues. Exposed for tests: `drainOnce()` runs a
   * batch and schedules the next one.
   *
   * The batch is one durable commit: claim, then for each job a nested transaction
   * (SAVEPOINT) holding its effects and its completion, or its failure record when the
   * handler throws. A crash before the commit leaves every job of the batch pending, with
   * no effect.
   */
  drainOnce(): number {
    if (!this.running) return 0;
    const n = this.drainSync(this.lanes().syncQueues);
    if (n > 0) this.wake();
    else this.sleep();
    return n;
  }

  private drainSync(queues: string[]): number {
    if (queues.length === 0) return 0;
    const { queue, logger } = this.opts;
    const failed: Array<{ job: JobRow; message: string; outcome: string }> = [];
    let processed = 0;
    const jobs = this.inTx(() => {
      const claimed = queue.claimFrom(queues, this.opts.batchSize ?? 64);
      for (const job of claimed) {
        const handler = this.handlers.get(job.type);
        try {
          if (!handler || isAsync(handler)) throw new Error(`no synchronous handler for job type ${job.type}`);
          const payload: unknown = JSON.parse(job.payload);
          this.inTx(() => {
            handler(payload, job);
            queue.complete(job.id);
          });
          processed++;
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          failed.push({ job, message, outcome: queue.fail(job, message).outcome });
        }
      }
      return claimed;
    }) as JobRow[];
    this.processed += processed;
    this.failures += failed.length;
    for (const f of failed) logger.warn({ job_id: f.job.id, type: f.job.type, attempt: f.job.attempts, outcome: f.outcome, err: f.message }, 'job attempt failed');
    if (jobs.length > 0) this.opts.afterBatch?.();
    return jobs.length;
  }

  /** Fill a queue's free async slots; returns how many jobs were claimed. */
  private startAsync(queueName: string, concurrency: number): number {
    let active = 0;
    for (const f of this.inFlight.values()) if (f.queue === queueName) active++;
    const free = concurrency - active;
    if (free <= 0) return 0;
    const jobs = this.inTx(() => this.opts.queue.claimFrom([queueName], free)) as JobRow[];
    for (const job of jobs) this.runAsync(job);
    return jobs.length;
  }

  private runAsync(job: JobRow): void {
    const { queue, logger } = this.opts;
    const ctl = new AbortController();
    const timeoutMs = queue.specOf(job.type)?.timeoutMs ?? this.opts.defaultTimeoutMs ?? 60_000;
    const timer = setTimeout(() => ctl.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const attempt = async (): Promise<void | (() => void)> => {
      const handler = this.handlers.get(job.type);
      if (!handler) throw new Error(`no handler for job type ${job.type}`);
      const payload: unknown = JSON.parse(job.payload);
      if (!isAsync(handler)) return () => handler(payload, job);
      // the abort wins the race even when a handler ignores its signal
      const aborted = new Promise<never>((_, reject) => {
        if (ctl.signal.aborted) reject(ctl.signal.reason as Error);
        ctl.signal.addEventListener('abort', () => reject(ctl.signal.reason as Error), { once: true });
      });
      aborted.catch(() => undefined);
      return Promise.race([handler.run(payload, job, ctl.signal), aborted]);
    };
    const done = attempt()
      .then((effects) => {
        if (!this.running && ctl.signal.aborted) return queue.release(job.id);
        this.inTx(() => {
          effects?.();
          queue.complete(job.id);
        });
        this.processed++;
        this.opts.afterBatch?.();
      })
      .catch((err: unknown) => {
        if (!this.running && ctl.signal.aborted) return queue.release(job.id);
        const message = err instanceof Error ? err.message : String(err);
        this.failures++;
        const outcome = this.inTx(() => queue.fail(job, message).outcome) as string;
        logger.warn({ job_id: job.id, type: job.type, attempt: job.attempts, outcome, err: message }, 'job attempt failed');
        this.opts.afterBatch?.();
      })
      .catch((err: unknown) => logger.error({ err, job_id: job.id }, 'job bookkeeping failed'))
      .finally(() => {
        clearTimeout(timer);
        this.inFlight.delete(job.id);
        this.wake();
      });
    this.inFlight.set(job.id, { ctl, done, queue: job.queue });
  }

  private sleep(): void {
    if (!this.running) return;
    // a full async queue is woken by its own completions, not by the clock
    const { asyncQueues } = this.lanes();
    const active = this.activeByQueue();
    const busy = asyncQueues.filter((q) => (active[q.name] ?? 0) >= q.concurrency).map((q) => q.name);
    const due = this.opts.queue.nextDueInMs(busy);
    const wait = Math.min(due ?? Infinity, this.opts.maxIdleMs ?? 1000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, Math.max(5, wait));
    this.timer.unref();
  }
}
