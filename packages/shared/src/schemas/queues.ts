/**
 * The queue monitor (S3): depths per queue and failed jobs, with retry and delete.
 */
import { z } from 'zod';
import { Id, IsoDateTime, PageQuery } from './common.js';

export const QueueInfo = z.object({
  queue: z.string(),
  pending: z.int(),
  running: z.int(),
  failed: z.int(),
  /** Age of the oldest pending job, ms (null when none). */
  oldest_pending_age_ms: z.number().nullable(),
  /** Depth that raises the queue-size alert (default 10 000). */
  threshold: z.int(),
  over_threshold: z.boolean(),
  /** Claim order among queues (lower first), from configuration. */
  priority: z.int(),
  /** Jobs of this queue the worker runs at once, from configuration. */
  concurrency: z.int(),
});
export type QueueInfo = z.infer<typeof QueueInfo>;

export const FailedJob = z.object({
  id: Id,
  job_id: Id,
  queue: z.string(),
  type: z.string(),
  payload: z.unknown(),
  attempts: z.int(),
  error: z.string(),
  failed_at: IsoDateTime,
});
export type FailedJob = z.infer<typeof FailedJob>;

export const FailedJobFilter = PageQuery.omit({ q: true }).extend({
  queue: z.string().max(64).optional(),
  type: z.string().max(64).optional(),
});
export const RetryAllBody = z.object({ queue: z.string().max(64).optional() });
