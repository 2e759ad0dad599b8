/**
 * The durable job queue, in the same database as the data it changes (SQLite, or PostgreSQL).
 *
 * Why our own and not a library: the product's promise ("a 202 means the detection is
 * never lost and never counted twice", DESIGN §5) needs the job row committed in the same
 * transaction as the idempotency key, and a job's effects committed in the same transaction
 * that removes it. Redis- or PostgreSQL-only queues (BullMQ, pg-boss) cannot share a
 * transaction with the embedded SQLite default, so this small queue is part of the core.
 *
 * On PostgreSQL (scale mode) it stays the same queue, claimed with `FOR UPDATE SKIP LOCKED` by
 * any process, rather than graphile-worker: graphile-worker's `add_job` would commit with the
 * caller's transaction, but its workers run on their own asynchronous pool and commit a job's
 * completion apart from its effects, and it would be a second queue beside the SQLite one with
 * other retries, priorities and monitoring. One queue keeps one set of rules on both engines:
 * the 202 still commits the job with its idempotency key, and a job's effects still commit with
 * its removal. A running job records its process (`locked_by`, migration 020); a dead process's
 * jobs are put back by the others (services/cluster-membership.ts).
 *
 * States: a row in `jobs` is `pending` (due), `delayed` (waiting for `run_at`: a delayed
 * enqueue or a retry's back-off; `promoteDue` makes it pending once due) or `running` (claimed
 * by a worker for an asynchronous job). Synchronous jobs are taken (`takeFrom`), not claimed:
 * they complete or fail inside the batch's one write transaction, so they never show as
 * running and need no write to claim them. Completing deletes the row inside the effects' transaction. A failure either
 * puts it back as `delayed` with `run_at` = now + the next retry delay, or, once the
 * retry schedule is exhausted, moves it to `failed_jobs`. After a crash, `recover()` puts
 * every `running` job back to `pending`: since effects and completion commit together, a job
 * that was running when the process died left no effect behind and is safely re-run.
 *
 * Cost does not grow with the backlog (migration 009): a claim walks `jobs_pending_idx`
 * (queue, priority, id) for exactly the rows it takes, promotion walks `jobs_delayed_idx` by
 * `run_at`, and the numbers come from `job_counts`, kept by triggers.
 *
 * All calls are synchronous (better-sqlite3) so they can run inside the caller's transaction.
 * It lives with the repositories because it is SQL over the `jobs` and `failed_jobs` tables; the
 * job map (queue/job-payloads.ts), the job declarations (queue/job-definition.ts, beside each
 * service) and the worker that runs them (queue/worker.ts) stay in queue/. Job types are known
 * by their declarations' settings (`define`, called by `Worker.register`).
 * Raw prepared statements, not Kysely: enqueue, claim and complete run for every detection, on
 * the path that must pass thousands per second (DESIGN §7).
 */
import type { SqlConnection, SqlStatement } from '../db/connection.js';
import { greatest, returningId } from '../db/sql-fragments.js';
import type { Selectable } from 'kysely';
import type { FailedJobsTable, JobRow } from '../db/schema.js';
import type { JobMap } from '../queue/job-payloads.js';

/** A row of failed_jobs. */
export type FailedJobRow = Selectable<FailedJobsTable>;

/** What the queue knows about a job type (a job declaration's settings). */
export interface JobSpec {
  queue: string;
  /** Lower runs first; default: the queue's priority (see `JobQueue`'s `queuePriority`). */
  priority?: number;
  /** Delay before each retry, ms; attempts = retries + 1. Source: DESIGN S3. */
  retryDelaysMs: readonly number[];
  /** Longest one attempt of an asynchronous handler may take, ms (default 60 000). */
  timeoutMs?: number;
}

export interface QueueStats {
  pending: number;
  running: number;
  failed: number;
  oldest_pending_age_ms: number | null;
  by_queue: Record<string, { pending: number; running: number; oldest_pending_age_ms: number | null }>;
}

/**
 * The durable queue over one SQLite database, typed by a job map `M` (type → payload; default:
 * the product's, queue/job-payloads.ts), so `enqueue` checks each payload against its type.
 */
export class JobQueue<M = JobMap> {
  /**
   * The process that claims (server_processes.id, migration 020), stored on each running job so
   * the other processes of a cluster can tell a dead holder's jobs (services/cluster-membership.ts).
   */
  owner: string | null = null;
  private readonly insert: SqlStatement;
  private readonly claimStmt: SqlStatement;
  private readonly claimQueueStmt: SqlStatement;
  private readonly takeQueueStmt: SqlStatement;
  private readonly releaseStmt: SqlStatement;
  private readonly deleteStmt: SqlStatement;
  private readonly retryStmt: SqlStatement;
  private readonly failInsert: SqlStatement;
  private readonly promoteStmt: SqlStatement;
  private readonly countsStmt: SqlStatement;
  private readonly depthStmt: SqlStatement;
  private readonly oldestStmt: SqlStatement;
  private readonly nextDueStmt: SqlStatement;
  private listeners = new Set<(queue: string) => void>();
  private readonly notified = new Set<string>();
  private readonly specs = new Map<string, JobSpec>();

  constructor(
    private readonly db: SqlConnection,
    /** Settings of job types known up front (tests); the rest are told with `define`. */
    specs: Readonly<Partial<Record<keyof M & string, JobSpec>>> = {} as Partial<Record<keyof M & string, JobSpec>>,
    private readonly now: () => number = Date.now,
    /** Priority of each named queue (lower first), for job types without their own. */
    private readonly queuePriority: Readonly<Record<string, number>> = {},
  ) {
    for (const [type, spec] of Object.entries(specs) as Array<[string, JobSpec]>) this.specs.set(type, spec);
    // PostgreSQL (scale mode): several processes claim from one table, so every claim locks the
    // rows it takes and skips rows another transaction holds (FOR UPDATE SKIP LOCKED); SQLite has
    // one writer at a time and names the index its claims walk
    const pg = db.engine === 'postgres';
    this.insert = db.prepare(
      `INSERT INTO jobs (queue, type, payload, priority, status, max_attempts, run_at) VALUES (?, ?, ?, ?, ?, ?, ?)${returningId(db.engine)}`,
    );
    this.claimStmt = db.prepare(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_at = ?, locked_by = ?
       WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' ORDER BY priority, id LIMIT ?${pg ? ' FOR UPDATE SKIP LOCKED' : ''})
       RETURNING *`,
    );
    this.claimQueueStmt = db.prepare(
      pg
        ? `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_at = ?, locked_by = ?
           WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND queue = ? ORDER BY priority, id LIMIT ? FOR UPDATE SKIP LOCKED)
           RETURNING *`
        : `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_at = ?, locked_by = ?
           WHERE id IN (SELECT id FROM jobs INDEXED BY jobs_pending_idx
                        WHERE status = 'pending' AND queue = ? ORDER BY priority, id LIMIT ?)
           RETURNING *`,
    );
    // a synchronous batch takes its jobs without a write: on PostgreSQL the row locks keep other
    // processes off them until the batch's transaction commits (or rolls back, and they are due again)
    this.takeQueueStmt = db.prepare(
      pg
        ? `SELECT * FROM jobs WHERE status = 'pending' AND queue = ? ORDER BY priority, id LIMIT ? FOR UPDATE SKIP LOCKED`
        : `SELECT * FROM jobs INDEXED BY jobs_pending_idx WHERE status = 'pending' AND queue = ? ORDER BY priority, id LIMIT ?`,
    );
    this.releaseStmt = db.prepare(
      `UPDATE jobs SET status = 'pending', attempts = ${greatest(db.engine, '0', 'attempts - 1')}, locked_at = NULL WHERE id = ? AND status = 'running'`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM jobs WHERE id = ?`);
    this.retryStmt = db.prepare(
      `UPDATE jobs SET status = 'delayed', run_at = ?, attempts = ?, locked_at = NULL, last_error = ? WHERE id = ?`,
    );
    this.failInsert = db.prepare(
      `INSERT INTO failed_jobs (job_id, queue, type, payload, attempts, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.promoteStmt = db.prepare(
      pg
        ? `UPDATE jobs SET status = 'pending' WHERE id IN (
             SELECT id FROM jobs WHERE status = 'delayed' AND run_at <= ? ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED)
           RETURNING queue`
        : `UPDATE jobs SET status = 'pending' WHERE id IN (
             SELECT id FROM jobs INDEXED BY jobs_delayed_idx WHERE status = 'delayed' AND run_at <= ? ORDER BY run_at LIMIT ?)
           RETURNING queue`,
    );
    // PostgreSQL keeps no job_counts (migration 009: its rows would serialise the processes); the
    // backlog of a healthy queue is short, and the pending index answers the counts
    this.countsStmt = db.prepare(
      pg
        ? `SELECT queue, status, COUNT(*) AS n FROM jobs GROUP BY queue, status`
        : `SELECT queue, status, n FROM job_counts WHERE n > 0`,
    );
    this.depthStmt = db.prepare(
      pg
        ? `SELECT COUNT(*) AS n FROM jobs WHERE queue = ?`
        : `SELECT COALESCE(SUM(n), 0) AS n FROM job_counts WHERE queue = ?`,
    );
    this.oldestStmt = db.prepare(
      `SELECT created_at FROM jobs${pg ? '' : ' INDEXED BY jobs_pending_idx'} WHERE status = 'pending' AND queue = ? ORDER BY priority, id LIMIT 1`,
    );
    this.nextDueStmt = db.prepare(`SELECT MIN(run_at) AS t FROM jobs WHERE status = 'delayed'`);
  }

  /**
   * Tell the queue a job type's settings (its queue, priority, retry schedule); a later call
   * replaces them.
   */
  define(type: keyof M & string, spec: JobSpec): void {
    this.specs.set(type, spec);
  }

  /**
   * Add a job. Call inside the transaction that makes it necessary.
   * @param type a defined job type
   * @param payload its payload (JSON-serialisable), typed by the job map
   * @param delayMs run no earlier than now + delayMs
   * @returns the job id
   * @throws Error for a type not defined
   */
  enqueue<K extends keyof M & string>(type: K, payload: M[K], delayMs = 0): number {
    const spec = this.specs.get(type);
    if (!spec) throw new Error(`unknown job type ${type}`);
    const r = this.insert.run(
      spec.queue,
      type,
      JSON.stringify(payload),
      this.priorityOf(spec),
      delayMs > 0 ? 'delayed' : 'pending',
      spec.retryDelaysMs.length + 1,
      this.now() + delayMs,
    );
    this.notify(spec.queue);
    return Number(r.lastInsertRowid);
  }

  /** Tell the listeners (once per microtask per queue) that a queue may have due work. */
  private notify(queue: string): void {
    if (this.notified.has(queue)) return;
    this.notified.add(queue);
    if (this.notified.size === 1) {
      queueMicrotask(() => {
        const queues = [...this.notified];
        this.notified.clear();
        for (const q of queues) for (const l of this.listeners) l(q);
      });
    }
  }

  /** Promote due delayed jobs when there are any (a read otherwise). Call inside a transaction. */
  private promoteIfDue(): void {
    const due = this.nextDueInMs();
    if (due !== null && due <= 0) this.promoteDue();
  }

  /**
   * Make due `delayed` jobs `pending` (at most `limit` a call, oldest `run_at` first). Claims do
   * it first; the worker calls it to learn which queues got work. An index probe when none is due.
   * @returns the queues that got due jobs
   */
  promoteDue(limit = 10_000): Set<string> {
    const rows = this.promoteStmt.all(this.now(), limit) as Array<{ queue: string }>;
    return new Set(rows.map((r) => r.queue));
  }

  /**
   * Be told (asynchronously, once per microtask per queue) when a job is enqueued or given back
   * to a queue. Returns an unsubscribe function.
   */
  onEnqueue(listener: (queue: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Claim up to `limit` due jobs, highest priority first, marking them running. */
  claim(limit: number): JobRow[] {
    this.promoteIfDue();
    const now = this.now();
    // RETURNING does not keep the subquery's order
    return (this.claimStmt.all(now, this.owner, limit) as JobRow[]).sort(
      (a, b) => a.priority - b.priority || a.id - b.id,
    );
  }

  /**
   * Claim up to `limit` due jobs of the named queues, taking the queues in the order given
   * (callers pass them by priority) and each queue's jobs by priority, then age.
   */
  claimFrom(queues: readonly string[], limit: number): JobRow[] {
    this.promoteIfDue();
    const now = this.now();
    const out: JobRow[] = [];
    for (const q of queues) {
      if (out.length >= limit) break;
      const rows = (this.claimQueueStmt.all(now, this.owner, q, limit - out.length) as JobRow[]).sort(
        (a, b) => a.priority - b.priority || a.id - b.id,
      );
      out.push(...rows);
    }
    return out;
  }

  /**
   * Take up to `limit` due jobs of the named queues for a synchronous batch, in claim order, as
   * this attempt (`attempts` one more than stored) without marking them running: the caller
   * completes or fails each inside the same write transaction, so no other claim can see them
   * meanwhile and a crash rolls the whole batch back to due. One index walk and no write per
   * job (a claim's UPDATE also moves the row between indexes and `job_counts` rows).
   */
  takeFrom(queues: readonly string[], limit: number): JobRow[] {
    this.promoteIfDue();
    const out: JobRow[] = [];
    for (const q of queues) {
      if (out.length >= limit) break;
      for (const row of this.takeQueueStmt.all(q, limit - out.length) as JobRow[])
        out.push({ ...row, attempts: row.attempts + 1 });
    }
    return out;
  }

  /** Jobs in a queue (due, delayed and running), from `job_counts`: one row read at any backlog. */
  depth(queue: string): number {
    return (this.depthStmt.get(queue) as { n: number }).n;
  }

  /** Every defined job type's settings, as plain data (to hand to another thread). */
  specsSnapshot(): Record<string, JobSpec> {
    const out: Record<string, JobSpec> = {};
    for (const [type, s] of this.specs) {
      out[type] = {
        queue: s.queue,
        retryDelaysMs: [...s.retryDelaysMs],
        ...(s.priority !== undefined ? { priority: s.priority } : {}),
        ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
      };
    }
    return out;
  }

  /** The spec of a job type, or undefined. */
  specOf(type: string): JobSpec | undefined {
    return this.specs.get(type);
  }

  /**
   * Give a running job back without counting the attempt (the worker is stopping and the
   * attempt was interrupted, not failed). A job that was completed or failed meanwhile is
   * left alone.
   */
  release(jobId: number, queue?: string): void {
    this.releaseStmt.run(jobId);
    if (queue !== undefined) this.notify(queue);
  }

  private priorityOf(spec: JobSpec): number {
    return spec.priority ?? this.queuePriority[spec.queue] ?? 0;
  }

  /** Remove a finished job. Call inside the transaction that commits its effects. */
  complete(jobId: number): void {
    this.deleteStmt.run(jobId);
  }

  /**
   * Record a failed attempt: schedule the next retry, or move the job to failed_jobs when
   * its retry schedule is spent (or at once when `final`: a retry cannot help, e.g. a payload
   * that does not decode).
   * @returns `'retry'` with the delay in ms, or `'failed'`
   */
  fail(job: JobRow, error: string, final = false): { outcome: 'retry'; delayMs: number } | { outcome: 'failed' } {
    const spec = this.specs.get(job.type);
    const delays = spec?.retryDelaysMs ?? [];
    const delay = delays[job.attempts - 1];
    if (!final && delay !== undefined && job.attempts < job.max_attempts) {
      this.retryStmt.run(this.now() + delay, job.attempts, error.slice(0, 2000), job.id);
      return { outcome: 'retry', delayMs: delay };
    }
    this.db.transaction(() => {
      this.failInsert.run(
        job.id,
        job.queue,
        job.type,
        job.payload,
        job.attempts,
        error.slice(0, 4000),
        new Date(this.now()).toISOString(),
      );
      this.deleteStmt.run(job.id);
    });
    return { outcome: 'failed' };
  }

  /**
   * Put back every job left `running` by a crashed process (of the given queues: each worker
   * recovers its own, as the detection thread's may already run). Call once at start, before
   * that worker runs. @returns how many were recovered
   */
  recover(queues?: readonly string[]): number {
    if (!queues)
      return this.db.prepare(`UPDATE jobs SET status = 'pending', locked_at = NULL WHERE status = 'running'`).run()
        .changes;
    if (queues.length === 0) return 0;
    return this.db
      .prepare(
        `UPDATE jobs SET status = 'pending', locked_at = NULL WHERE status = 'running' AND queue IN (${queues.map(() => '?').join(', ')})`,
      )
      .run(...queues).changes;
  }

  /**
   * Put back the running jobs of the given queues whose holder is not among the live processes
   * (scale mode: server_processes with a heartbeat at or after `liveSince`, epoch ms), or that
   * no process holds. Safe to call from every process at any time: a live holder's jobs stay.
   * @returns how many were put back
   */
  recoverAbandoned(queues: readonly string[], liveSince: number): number {
    if (queues.length === 0) return 0;
    return this.db
      .prepare(
        `UPDATE jobs SET status = 'pending', locked_at = NULL, locked_by = NULL
         WHERE status = 'running' AND queue IN (${queues.map(() => '?').join(', ')})
           AND (locked_by IS NULL OR locked_by NOT IN (SELECT id FROM server_processes WHERE heartbeat_at >= ?))`,
      )
      .run(...queues, liveSince).changes;
  }

  /**
   * Ms until the earliest `delayed` job falls due (0 if one is due now), or null if none waits.
   * Due (`pending`) jobs are the claim's business, not the clock's.
   */
  nextDueInMs(): number | null {
    const r = this.nextDueStmt.get() as { t: number | null };
    return r.t === null ? null : Math.max(0, r.t - this.now());
  }

  /** A page of failed jobs, newest first. */
  failedPage(q: { page: number; per_page: number; queue?: string | undefined; type?: string | undefined }): {
    rows: FailedJobRow[];
    total: number;
  } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.queue) {
      where.push('queue = ?');
      args.push(q.queue);
    }
    if (q.type) {
      where.push('type = ?');
      args.push(q.type);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM failed_jobs ${w}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM failed_jobs ${w} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...args, q.per_page, (q.page - 1) * q.per_page) as FailedJobRow[];
    return { rows, total };
  }

  /**
   * Put a failed job back in its queue with a fresh retry schedule.
   * @returns the new job id, or null when there is no such failed job
   */
  retryFailed(failedId: number): number | null {
    return this.db.transaction(() => {
      const f = this.db.prepare(`SELECT * FROM failed_jobs WHERE id = ?`).get(failedId) as FailedJobRow | undefined;
      if (!f) return null;
      const spec = this.specs.get(f.type);
      const r = this.insert.run(
        f.queue,
        f.type,
        f.payload,
        spec ? this.priorityOf(spec) : 0,
        'pending',
        (spec?.retryDelaysMs.length ?? 0) + 1,
        this.now(),
      );
      this.db.prepare(`DELETE FROM failed_jobs WHERE id = ?`).run(failedId);
      this.notify(f.queue);
      return Number(r.lastInsertRowid);
    });
  }

  /** Retry every failed job (of one queue). @returns how many */
  retryAllFailed(queue?: string): number {
    const ids = (
      queue === undefined
        ? this.db.prepare(`SELECT id FROM failed_jobs`).all()
        : this.db.prepare(`SELECT id FROM failed_jobs WHERE queue = ?`).all(queue)
    ) as Array<{ id: number }>;
    return this.db.transaction(() => ids.filter((r) => this.retryFailed(r.id) !== null).length);
  }

  /** Forget a failed job. @returns whether it existed */
  deleteFailed(failedId: number): boolean {
    return this.db.prepare(`DELETE FROM failed_jobs WHERE id = ?`).run(failedId).changes > 0;
  }

  /** Failed jobs per queue. */
  failedByQueue(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.db.prepare(`SELECT queue, COUNT(*) AS n FROM failed_jobs GROUP BY queue`).all() as Array<{
      queue: string;
      n: number;
    }>)
      out[r.queue] = r.n;
    return out;
  }

  /**
   * Depths per queue (`pending` counts due and delayed jobs: every job waiting) and the age of
   * the oldest due job, from `job_counts` and one index probe per queue: the same cost at any
   * backlog.
   */
  stats(): QueueStats {
    const rows = this.countsStmt.all() as Array<{
      queue: string;
      status: 'pending' | 'delayed' | 'running';
      n: number;
    }>;
    const failed = (this.db.prepare(`SELECT COUNT(*) AS n FROM failed_jobs`).get() as { n: number }).n;
    const byQueue: QueueStats['by_queue'] = {};
    let pending = 0;
    let running = 0;
    let oldest: number | null = null;
    const now = this.now();
    for (const r of rows) {
      const q = (byQueue[r.queue] ??= { pending: 0, running: 0, oldest_pending_age_ms: null });
      if (r.status === 'running') {
        q.running += r.n;
        running += r.n;
        continue;
      }
      q.pending += r.n;
      pending += r.n;
      if (r.status !== 'pending') continue;
      const first = this.oldestStmt.get(r.queue) as { created_at: string } | undefined;
      if (!first) continue;
      const t = Date.parse(first.created_at);
      oldest = oldest === null ? t : Math.min(oldest, t);
      q.oldest_pending_age_ms = Math.max(0, now - t);
    }
    return {
      pending,
      running,
      failed,
      oldest_pending_age_ms: oldest === null ? null : Math.max(0, now - oldest),
      by_queue: byQueue,
    };
  }
}
