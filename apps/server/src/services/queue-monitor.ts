/**
 * The queue monitor (S3): depth, running and failed counts and the oldest pending job per
 * named queue; failed jobs with retry (one or all) and delete; `queue_stats` broadcast when
 * the numbers change; and the queue-size alert — a warning in the log when a queue passes
 * its threshold (default 10 000), once per crossing, and `over_threshold` in the numbers.
 */
import type { Logger } from 'pino';
import { PantauError, type FailedJob, type PageMeta, type QueueInfo } from '@pantau/shared';
import type { JobQueue } from '../repositories/job-queue.js';
import { QUEUES, type QueueConfig } from '../queue/queue-config.js';
import type { DomainEvents } from '../domain/domain-events.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { Actor } from '../domain/caller.js';

/** Queue depths, failed jobs and the alert. */
export class QueueMonitor {
  private last = '';
  private alerted = new Set<string>();

  constructor(
    private readonly queue: JobQueue,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    private readonly audit: AuditRepository,
    private readonly logger: Logger,
    readonly threshold: number,
    /** Priority and concurrency per named queue, shown with the numbers. */
    private readonly config: Readonly<Record<string, QueueConfig>> = {},
  ) {}

  /** Every named queue (and any other with jobs), with its numbers. */
  list(): QueueInfo[] {
    const s = this.queue.stats();
    const failed = this.queue.failedByQueue();
    const names = [...new Set<string>([...QUEUES, ...Object.keys(s.by_queue), ...Object.keys(failed)])];
    return names.map((queue) => {
      const q = s.by_queue[queue] ?? { pending: 0, running: 0, oldest_pending_age_ms: null };
      return {
        queue,
        pending: q.pending,
        running: q.running,
        failed: failed[queue] ?? 0,
        oldest_pending_age_ms: q.oldest_pending_age_ms,
        threshold: this.threshold,
        over_threshold: q.pending > this.threshold,
        priority: this.config[queue]?.priority ?? QUEUES.length,
        concurrency: this.config[queue]?.concurrency ?? 1,
      };
    });
  }

  failedPage(q: { page: number; per_page: number; queue?: string | undefined; type?: string | undefined }): {
    items: FailedJob[];
    meta: PageMeta;
  } {
    const r = this.queue.failedPage(q);
    return {
      items: r.rows.map((f) => ({ ...f, payload: safeJson(f.payload) })),
      meta: { page: q.page, per_page: q.per_page, total: r.total },
    };
  }

  /** @returns the new job id. @throws PantauError NOT_FOUND */
  retry(id: number, actor: Actor): number {
    const jobId = this.exec.tx(() => {
      const j = this.queue.retryFailed(id);
      if (j === null) throw new PantauError('NOT_FOUND', `failed job ${id} not found`, { field: 'id' });
      this.audit.record(actor, 'retry', 'failed_job', id, null, { job_id: j });
      return j;
    });
    this.tick();
    return jobId;
  }

  /** @returns how many were retried */
  retryAll(queue: string | undefined, actor: Actor): number {
    const n = this.exec.tx(() => {
      const count = this.queue.retryAllFailed(queue);
      this.audit.record(actor, 'retry_all', 'failed_job', queue ?? null, null, { retried: count });
      return count;
    });
    this.tick();
    return n;
  }

  /** @throws PantauError NOT_FOUND */
  delete(id: number, actor: Actor): void {
    this.exec.tx(() => {
      if (!this.queue.deleteFailed(id))
        throw new PantauError('NOT_FOUND', `failed job ${id} not found`, { field: 'id' });
      this.audit.record(actor, 'delete', 'failed_job', id, null, null);
    });
    this.tick();
  }

  /** Broadcast `queue_stats` if the numbers changed, and raise or clear the alert. */
  tick(): void {
    const queues = this.list().map((q) => ({
      queue: q.queue,
      pending: q.pending,
      running: q.running,
      failed: q.failed,
      over_threshold: q.over_threshold,
    }));
    for (const q of queues) {
      if (q.over_threshold && !this.alerted.has(q.queue)) {
        this.alerted.add(q.queue);
        this.logger.warn(
          { queue: q.queue, pending: q.pending, threshold: this.threshold },
          'queue-size alert: queue passed its threshold',
        );
      } else if (!q.over_threshold && this.alerted.delete(q.queue)) {
        this.logger.info({ queue: q.queue, pending: q.pending }, 'queue back under its threshold');
      }
    }
    const json = JSON.stringify(queues);
    if (json === this.last) return;
    this.last = json;
    this.exec.tx(() => this.events.emit('queues.changed', { queues }));
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
