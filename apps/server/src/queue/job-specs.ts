/**
 * Every job type with its queue, priority and retry schedule, in one table (DESIGN S3).
 * Handlers are registered by name in services/container.ts.
 */
import type { JobSpec } from './job-queue.js';

/** Named queues, highest priority first. */
export const QUEUES = ['critical', 'notifications', 'detections', 'images', 'reports', 'maintenance'] as const;

export const JOB_SPECS: Readonly<Record<string, JobSpec>> = {
  /** Apply one posted detection; retries 10/30/60 s. */
  'detection.process': { queue: 'detections', priority: QUEUES.indexOf('detections'), retryDelaysMs: [10_000, 30_000, 60_000] },
};
