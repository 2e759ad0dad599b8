/**
 * The job worker: claims due jobs queue by queue and runs each handler so that a job's
 * effects and its removal commit together.
 *
 * Jobs are declared beside their services (queue/job-definition.ts) and registered here; each
 * claimed job's payload is decoded with its type's schema (queue/job-payloads.ts) before its
 * handler sees it, and a payload that does not decode fails the job at once (to failed_jobs:
 * retrying cannot mend it).
 *
 * Two kinds of handler (see `JobDefinition`):
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
 * yields to the event loop between batches so HTTP keeps answering under load. Its commits
 * wake the real-time hub through the executor's commit hook (db/sync-executor.ts).
 */
import type { Logger } from 'pino';
import type { JobRow } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { JobQueue } from '../repositories/job-queue.js';
import type { AsyncJobDefinition, JobDefinition } from './job-definition.js';
import type { JobMap, PayloadSchemas } from './job-payloads.js';

/** Per-queue settings the worker needs. */
export interface WorkerQueueConfig {
  priority: number;
  concurrency: number;
}

export interface WorkerOptions<M = JobMap> {
  /** Runs each batch and each job's completion in one transaction (nested calls become savepoints). */
  exec: SyncExecutor;
  queue: JobQueue<M>;
  /** The payload schema of every job type: a claimed job's payload is decoded with its type's. */
  payloads: PayloadSchemas<M>;
  /** Jobs to register at once (more with `register`). */
  jobs?: ReadonlyArray<JobDefinition<M>>;
  logger: Logger;
  /** Queue settings by name; queues not listed run with concurrency 1 after the listed ones. */
  queues?: Readonly<Record<string, WorkerQueueConfig>>;
  /** Most jobs per synchronous batch, one commit each (default 64). */
  batchSize?: number;
  /**
   * Time a synchronous batch may take before it commits what it has, ms (default 5): the batch
   * holds the write lock, which the HTTP thread waits for.
   */
  batchBudgetMs?: number;
  /** Longest sleep between checks for delayed jobs, ms (default 1 000). */
  maxIdleMs?: number;
  /**
   * Put back, at start, every job of this worker's queues left running (default true: the one
   * server process of a SQLite database). False in scale mode, where other live processes hold
   * running jobs and services/cluster-membership.ts puts back only a dead process's.
   */
  recoverAtStart?: boolean;
}

const isAsync = <M>(d: JobDefinition<M> | undefined): d is AsyncJobDefinition<M, keyof M & string> =>
  d?.kind === 'async';

/** A payload that does not decode: retrying cannot help, so the job fails at once. */
class UndecodablePayload extends Error {}

/** Runs jobs until stopped; `M` is the job map (type → payload). */
export class Worker<M = JobMap> {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private unsubscribe: (() => void) | null = null;
  private readonly handlers = new Map<string, JobDefinition<M>>();
  /**
   * Queues that may have due jobs: marked when a job is enqueued, given back or promoted, and on
   * every timer wake; cleared when a claim comes back short. An idle pass claims nothing.
   */
  private readonly maybeWork = new Set<string>();
  /** In-flight async attempts: job id → abort controller and settle promise. */
  private readonly inFlight = new Map<number, { ctl: AbortController; done: Promise<void>; queue: string }>();
  /** Jobs completed since start. */
  processed = 0;
  /** Attempts that threw since start. */
  failures = 0;

  constructor(private readonly opts: WorkerOptions<M>) {
    for (const def of opts.jobs ?? []) this.register(def);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Register (or replace) a job: its handler runs here, and the queue learns its settings.
   * Services declare their jobs (`defineJob`); the container registers them.
   * @throws Error when the job's queue would mix sync and async handlers
   */
  register(def: JobDefinition<M>): void {
    for (const [other, h] of this.handlers) {
      if (other !== def.type && h.queue === def.queue && isAsync(h) !== isAsync(def)) {
        throw new Error(
          `queue ${def.queue} would mix synchronous (${isAsync(h) ? def.type : other}) and asynchronous handlers`,
        );
      }
    }
    this.handlers.set(def.type, def);
    this.laneCache = null;
    this.opts.queue.define(def.type, def);
  }

  /**
   * A claimed job's payload, decoded with its type's schema.
   * @throws UndecodablePayload naming the job type and the first field off the schema
   */
  private decode(job: JobRow): M[keyof M] {
    let raw: unknown;
    try {
      raw = JSON.parse(job.payload);
    } catch {
      throw new UndecodablePayload(`payload of ${job.type} job ${job.id} is not JSON`);
    }
    const schema = (this.opts.payloads as Record<string, PayloadSchemas<M>[keyof M] | undefined>)[job.type];
    if (!schema) throw new UndecodablePayload(`no payload schema for job type ${job.type}`);
    const r = schema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new UndecodablePayload(
        `payload of ${job.type} job ${job.id} does not match its schema: ${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return r.data;
  }

  /** Async attempts running now, per queue. */
  activeByQueue(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of this.inFlight.values()) out[f.queue] = (out[f.queue] ?? 0) + 1;
    return out;
  }

  /** The queues of the registered jobs. */
  queueNames(): string[] {
    return [...new Set([...this.handlers.values()].map((h) => h.queue))];
  }

  /** Start: recover crashed jobs, then drain. */
  start(): void {
    if (this.running) return;
    this.running = true;
    // only this worker's queues: another worker (the detection thread) may be running its own
    if (this.opts.recoverAtStart !== false) {
      const recovered = this.opts.queue.recover(this.queueNames());
      if (recovered > 0) this.opts.logger.warn({ recovered }, 'recovered jobs left running by a previous process');
    }
    this.unsubscribe = this.opts.queue.onEnqueue((queue) => this.notify(queue));
    this.markAll();
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

  /** A queue has new due jobs (enqueued here, or by another thread that told us): claim there soon. */
  notify(queue: string): void {
    this.maybeWork.add(queue);
    this.wake();
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

  /**
   * The queues this worker runs (those with a registered handler: another worker, e.g. the
   * detection thread, may run the rest), in claim order, split by lane; computed on `register`.
   */
  private lanes(): { syncQueues: string[]; asyncQueues: Array<{ name: string; concurrency: number }> } {
    return (this.laneCache ??= this.computeLanes());
  }

  private laneCache: { syncQueues: string[]; asyncQueues: Array<{ name: string; concurrency: number }> } | null = null;

  private computeLanes(): { syncQueues: string[]; asyncQueues: Array<{ name: string; concurrency: number }> } {
    const config = this.opts.queues ?? {};
    const names = new Set<string>();
    const asyncNames = new Set<string>();
    for (const h of this.handlers.values()) {
      names.add(h.queue);
      if (isAsync(h)) asyncNames.add(h.queue);
    }
    const ordered = [...names].sort(
      (a, b) => (config[a]?.priority ?? 1e9) - (config[b]?.priority ?? 1e9) || a.localeCompare(b),
    );
    return {
      syncQueues: ordered.filter((q) => !asyncNames.has(q)),
      asyncQueues: ordered
        .filter((q) => asyncNames.has(q))
        .map((name) => ({ name, concurrency: Math.max(1, config[name]?.concurrency ?? 1) })),
    };
  }

  /** Every queue with a handler may have work (start, timer wakes). */
  private markAll(): void {
    for (const h of this.handlers.values()) this.maybeWork.add(h.queue);
  }

  /** Promote due delayed jobs (a read when none is due), marking their queues. */
  private promote(): void {
    const due = this.opts.queue.nextDueInMs();
    if (due === null || due > 0) return;
    for (const q of this.opts.exec.tx(() => this.opts.queue.promoteDue())) this.maybeWork.add(q);
  }

  private tick(): void {
    if (!this.running) return;
    this.promote();
    const { syncQueues, asyncQueues } = this.lanes();
    let claimed = 0;
    for (const q of asyncQueues) if (this.maybeWork.has(q.name)) claimed += this.startAsync(q.name, q.concurrency);
    claimed += this.drainSync(syncQueues.filter((q) => this.maybeWork.has(q)));
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
    this.promote();
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
    const limit = this.opts.batchSize ?? 64;
    const budgetMs = this.opts.batchBudgetMs ?? 5;
    const chunk = Math.min(16, limit);
    let short = false;
    const jobs = this.opts.exec.tx(() => {
      // taken in chunks, so a batch stops at its time budget without taking what it cannot run
      const started = performance.now();
      const all: JobRow[] = [];
      while (all.length < limit) {
        // taken, not claimed: they complete or fail in this transaction (JobQueue.takeFrom)
        const taken = queue.takeFrom(queues, Math.min(chunk, limit - all.length));
        all.push(...taken);
        this.runSyncJobs(taken, failed, () => processed++);
        if (taken.length < chunk) {
          short = true;
          break;
        }
        if (performance.now() - started > budgetMs) break;
      }
      return all;
    });
    // a short take emptied these queues: until something is enqueued, claiming there is waste
    if (short) for (const q of queues) this.maybeWork.delete(q);
    this.processed += processed;
    this.failures += failed.length;
    for (const f of failed)
      logger.warn(
        { job_id: f.job.id, type: f.job.type, attempt: f.job.attempts, outcome: f.outcome, err: f.message },
        'job attempt failed',
      );
    return jobs.length;
  }

  /** Run taken synchronous jobs, each in its own savepoint (inside the batch's transaction). */
  private runSyncJobs(
    taken: readonly JobRow[],
    failed: Array<{ job: JobRow; message: string; outcome: string }>,
    done: () => void,
  ): void {
    const { queue } = this.opts;
    for (const job of taken) {
      const def = this.handlers.get(job.type);
      try {
        if (!def || isAsync(def)) throw new Error(`no synchronous handler for job type ${job.type}`);
        const payload = this.decode(job);
        this.opts.exec.tx(() => {
          def.handle(payload as never, job);
          queue.complete(job.id);
        });
        done();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        failed.push({ job, message, outcome: queue.fail(job, message, err instanceof UndecodablePayload).outcome });
      }
    }
  }

  /** Fill a queue's free async slots; returns how many jobs were claimed. */
  private startAsync(queueName: string, concurrency: number): number {
    let active = 0;
    for (const f of this.inFlight.values()) if (f.queue === queueName) active++;
    const free = concurrency - active;
    if (free <= 0) return 0;
    const jobs = this.opts.exec.tx(() => this.opts.queue.claimFrom([queueName], free));
    if (jobs.length < free) this.maybeWork.delete(queueName);
    for (const job of jobs) this.runAsync(job);
    return jobs.length;
  }

  private runAsync(job: JobRow): void {
    const { queue, logger } = this.opts;
    const ctl = new AbortController();
    const def = this.handlers.get(job.type);
    const timeoutMs = isAsync(def) ? def.timeoutMs : 60_000;
    const timer = setTimeout(() => ctl.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const attempt = async (): Promise<void | (() => void)> => {
      if (!def) throw new Error(`no handler for job type ${job.type}`);
      const payload = this.decode(job);
      if (!isAsync(def)) return () => def.handle(payload as never, job);
      // the abort wins the race even when a handler ignores its signal
      const aborted = new Promise<never>((_, reject) => {
        if (ctl.signal.aborted) reject(ctl.signal.reason as Error);
        ctl.signal.addEventListener('abort', () => reject(ctl.signal.reason as Error), { once: true });
      });
      aborted.catch(() => undefined);
      return Promise.race([def.run(payload as never, job, ctl.signal), aborted]);
    };
    const done = attempt()
      .then((effects) => {
        if (!this.running && ctl.signal.aborted) return queue.release(job.id, job.queue);
        this.opts.exec.tx(() => {
          effects?.();
          queue.complete(job.id);
        });
        this.processed++;
      })
      .catch((err: unknown) => {
        if (!this.running && ctl.signal.aborted) return queue.release(job.id, job.queue);
        const message = err instanceof Error ? err.message : String(err);
        this.failures++;
        const outcome = this.opts.exec.tx(() => queue.fail(job, message, err instanceof UndecodablePayload).outcome);
        logger.warn(
          { job_id: job.id, type: job.type, attempt: job.attempts, outcome, err: message },
          'job attempt failed',
        );
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
    // the next delayed job, or a periodic look at every queue (a safety net for work nobody announced)
    const due = this.opts.queue.nextDueInMs();
    const wait = Math.min(due ?? Infinity, this.opts.maxIdleMs ?? 1000);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.markAll();
        this.wake();
      },
      Math.max(5, wait),
    );
    this.timer.unref();
  }
}
