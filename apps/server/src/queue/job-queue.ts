/**
 * The durable job queue, in the same SQLite database as the data it changes.
 *
 * Why our own and not a library: the product's promise ("a 202 means the detection is
 * never lost and never counted twice", DESIGN §5) needs the job row committed in the same
 * transaction as the idempotency key, and a job's effects committed in the same transaction
 * that removes it. Redis- or PostgreSQL-only queues (BullMQ, pg-boss) cannot share a
 * transaction with the embedded SQLite default, so this small queue is part of the core.
 *
 * States: a row in `jobs` is `pending` (waiting for `run_at`) or `running` (claimed by a
 * worker). Completing deletes the row inside the effects' transaction. A failure either
 * puts it back to `pending` with `run_at` = now + the next retry delay, or, once the
 * retry schedule is exhausted, moves it to `failed_jobs`. After a crash, `recover()` puts
 * every `running` job back to `pending`: since effects and completion commit together, a job
 * that was running when the process died left no effect behind and is safely re-run.
 *
 * All calls are synchronous (better-sqlite3) so they can run inside the caller's transaction.
 */
import type SQLite from 'better-sqlite3';
import type { JobRow } from '../db/schema.js';

/** A row of failed_jobs. */
export interface FailedJobRow {
  id: number;
  job_id: number;
  queue: string;
  type: string;
  payload: string;
  attempts: number;
  error: string;
  failed_at: string;
}

/** What the registry knows about a job type. */
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

/** The durable queue over one SQLite database. */
export class JobQueue {
  private readonly insert: SQLite.Statement;
  private readonly claimStmt: SQLite.Statement;
  private readonly claimQueueStmt: SQLite.Statement;
  private readonly releaseStmt: SQLite.Statement;
  private readonly deleteStmt: SQLite.Statement;
  private readonly retryStmt: SQLite.Statement;
  private readonly failInsert: SQLite.Statement;
  private listeners = new Set<() => void>();

  constructor(
    private readonly db: SQLite.Database,
    private readonly specs: Readonly<Record<string, JobSpec>>,
    private readonly now: () => number = Date.now,
    /** Priority of each named queue (lower first), for job types without their own. */
    private readonly queuePriority: Readonly<Record<string, number>> = {},
  ) {
    this.insert = db.prepare(
      `INSERT INTO jobs (queue, type, payload, priority, status, max_attempts, run_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
    );
    this.claimStmt = db.prepare(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_at = ?
       WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND run_at <= ? ORDER BY priority, id LIMIT ?)
       RETURNING *`,
    );
    this.claimQueueStmt = db.prepare(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_at = ?
       WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND queue = ? AND run_at <= ? ORDER BY priority, id LIMIT ?)
       RETURNING *`,
    );
    this.releaseStmt = db.prepare(`UPDATE jobs SET status = 'pending', attempts = MAX(0, attempts - 1), locked_at = NULL WHERE id = ? AND status = 'running'`);
    this.deleteStmt = db.prepare(`DELETE FROM jobs WHERE id = ?`);
    this.retryStmt = db.prepare(`UPDATE jobs SET status = 'pending', run_at = ?, locked_at = NULL, last_error = ? WHERE id = ?`);
    this.failInsert = db.prepare(
      `INSERT INTO failed_jobs (job_id, queue, type, payload, attempts, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Add a job. Call inside the transaction that makes it necessary.
   * @param type a registered job type
   * @param payload JSON-serialisable
   * @param delayMs run no earlier than now + delayMs
   * @returns the job id
   * @throws Error for an unregistered type
   */
  enqueue(type: string, payload: unknown, delayMs = 0): number {
    const spec = this.specs[type];
    if (!spec) throw new Error(`unknown job type ${type}`);
    const r = this.insert.run(spec.queue, type, JSON.stringify(payload), this.priorityOf(spec), spec.retryDelaysMs.length + 1, this.now() + delayMs);
    queueMicrotask(() => this.listeners.forEach((l) => l()));
    return Number(r.lastInsertRowid);
  }

  /** Be told (asynchronously) whenever a job is enqueued. Returns an unsubscribe function. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Claim up to `limit` due jobs, highest priority first, marking them running. */
  claim(limit: number): JobRow[] {
    const now = this.now();
    // RETURNING does not keep the subquery's order
    return (this.claimStmt.all(now, now, limit) as JobRow[]).sort((a, b) => a.priority - b.priority || a.id - b.id);
  }

  /**
   * Claim up to `limit` due jobs of the named queues, taking the queues in the order given
   * (callers pass them by priority) and each queue's jobs by priority, then age.
   */
  claimFrom(queues: readonly string[], limit: number): JobRow[] {
    const now = this.now();
    const out: JobRow[] = [];
    for (const q of queues) {
      if (out.length >= limit) break;
      const rows = (this.claimQueueStmt.all(now, q, now, limit - out.length) as JobRow[]).sort((a, b) => a.priority - b.priority || a.id - b.id);
      out.push(...rows);
    }
    return out;
  }

  /** The spec of a job type, or undefined. */
  specOf(type: string): JobSpec | undefined {
    return this.specs[type];
  }

  /**
   * Give a running job back without counting the attempt (the worker is stopping and the
   * attempt was interrupted, not failed). A job that was completed or failed meanwhile is
   * left alone.
   */
  release(jobId: number): void {
    this.releaseStmt.run(jobId);
    queueMicrotask(() => this.listeners.forEach((l) => l()));
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
   * its retry schedule is spent.
   * @returns `'retry'` with the delay in ms, or `'failed'`
   */
  fail(job: JobRow, error: string): { outcome: 'retry'; delayMs: number } | { outcome: 'failed' } {
    const spec = this.specs[job.type];
    const delays = spec?.retryDelaysMs ?? [];
    const delay = delays[job.attempts - 1];
    if (delay !== undefined && job.attempts < job.max_attempts) {
      this.retryStmt.run(this.now() + delay, error.slice(0, 2000), job.id);
      return { outcome: 'retry', delayMs: delay };
    }
    this.db.transaction(() => {
      this.failInsert.run(job.id, job.queue, job.type, job.payload, job.attempts, error.slice(0, 4000), new Date(this.now()).toISOString());
      this.deleteStmt.run(job.id);
    })();
    return { outcome: 'failed' };
  }

  /**
   * Put back every job left `running` by a crashed process. Call once at start, before
   * workers run. @returns how many were recovered
   */
  recover(): number {
    return this.db.prepare(`UPDATE jobs SET status = 'pending', locked_at = NULL WHERE status = 'running'`).run().changes;
  }

  /**
   * Ms until the earliest pending job is due (0 if one is due now), or null if none.
   * @param exceptQueues queues to leave out (e.g. ones whose workers are all busy)
   */
  nextDueInMs(exceptQueues: readonly string[] = []): number | null {
    const not = exceptQueues.length ? ` AND queue NOT IN (${exceptQueues.map(() => '?').join(', ')})` : '';
    const r = this.db.prepare(`SELECT MIN(run_at) AS t FROM jobs WHERE status = 'pending'${not}`).get(...exceptQueues) as { t: number | null };
    return r.t === null ? null : Math.max(0, r.t - this.now());
  }

  /** A page of failed jobs, newest first. */
  failedPage(q: { page: number; per_page: number; queue?: string | undefined; type?: string | undefined }): { rows: FailedJobRow[]; total: number } {
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
    const rows = this.db.prepare(`SELECT * FROM failed_jobs ${w} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, q.per_page, (q.page - 1) * q.per_page) as FailedJobRow[];
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
      const spec = this.specs[f.type];
      const r = this.insert.run(f.queue, f.type, f.payload, spec ? this.priorityOf(spec) : 0, (spec?.retryDelaysMs.length ?? 0) + 1, this.now());
      this.db.prepare(`DELETE FROM failed_jobs WHERE id = ?`).run(failedId);
      queueMicrotask(() => this.listeners.forEach((l) => l()));
      return Number(r.lastInsertRowid);
    })();
  }

  /** Retry every failed job (of one queue). @returns how many */
  retryAllFailed(queue?: string): number {
    const ids = (queue === undefined ? this.db.prepare(`SELECT id FROM failed_jobs`).all() : this.db.prepare(`SELECT id FROM failed_jobs WHERE queue = ?`).all(queue)) as Array<{ id: number }>;
    return this.db.transaction(() => ids.filter((r) => this.retryFailed(r.id) !== null).length)();
  }

  /** Forget a failed job. @returns whether it existed */
  deleteFailed(failedId: number): boolean {
    return this.db.prepare(`DELETE FROM failed_jobs WHERE id = ?`).run(failedId).changes > 0;
  }

  /** Failed jobs per queue. */
  failedByQueue(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.db.prepare(`SELECT queue, COUNT(*) AS n FROM failed_jobs GROUP BY queue`).all() as Array<{ queue: string; n: number }>) out[r.queue] = r.n;
    return out;
  }

  /** Depths per queue and the age of the oldest pending job. */
  stats(): QueueStats {
    const rows = this.db.prepare(`SELECT queue, status, COUNT(*) AS n, MIN(created_at) AS oldest FROM jobs GROUP BY queue, status`).all() as Array<{
      queue: string;
      status: 'pending' | 'running';
      n: number;
      oldest: string;
    }>;
    const failed = (this.db.prepare(`SELECT COUNT(*) AS n FROM failed_jobs`).get() as { n: number }).n;
    const byQueue: QueueStats['by_queue'] = {};
    let pending = 0;
    let running = 0;
    let oldest: number | null = null;
    for (const r of rows) {
      const q = (byQueue[r.queue] ??= { pending: 0, running: 0, oldest_pending_age_ms: null });
      q[r.status] += r.n;
      if (r.status === 'pending') {
        pending += r.n;
        const t = Date.parse(r.oldest);
        oldest = oldest === null ? t : Math.min(oldest, t);
        q.oldest_pending_age_ms = Math.max(0, this.now() - t);
      } else running += r.n;
    }
    return { pending, running, failed, oldest_pending_age_ms: oldest === null ? null : Math.max(0, this.now() - oldest), by_queue: byQueue };
  }
}
