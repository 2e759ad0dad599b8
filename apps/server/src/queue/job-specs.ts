/**
 * Every named queue with its priority and worker concurrency, and every job type with its
 * queue, retry schedule and timeout, in one place (DESIGN S3). Handlers are registered by
 * job type in services/container.ts.
 *
 * Queue settings come from configuration: `PANTAU_QUEUE_<NAME>_CONCURRENCY` and
 * `PANTAU_QUEUE_<NAME>_PRIORITY` (e.g. `PANTAU_QUEUE_IMAGES_CONCURRENCY=4`), over the
 * defaults below; see `queueConfigFromEnv`.
 */
import type { JobSpec } from './job-queue.js';

/** Named queues, highest default priority first. */
export const QUEUES = ['critical', 'notifications', 'detections', 'images', 'reports', 'maintenance'] as const;
export type QueueName = (typeof QUEUES)[number];

/** How one queue is worked. */
export interface QueueConfig {
  /** Lower is claimed first when several queues have due jobs. */
  priority: number;
  /**
   * Jobs of this queue running at once. For queues whose handlers are synchronous (they
   * run inside the completing transaction, e.g. detections) this is the batch lane's
   * width and is not a parallelism knob; for asynchronous handlers (HTTP calls, image
   * processing) it is how many run concurrently.
   */
  concurrency: number;
}

/** Default queue settings: notifications may wait on providers, so several run at once. */
export const DEFAULT_QUEUE_CONFIG: Readonly<Record<QueueName, QueueConfig>> = {
  critical: { priority: 0, concurrency: 2 },
  notifications: { priority: 1, concurrency: 4 },
  detections: { priority: 2, concurrency: 1 },
  images: { priority: 3, concurrency: 2 },
  reports: { priority: 4, concurrency: 1 },
  maintenance: { priority: 5, concurrency: 1 },
};

/**
 * Queue settings from the environment over the defaults.
 * @param env the environment (default `process.env`)
 * @throws Error naming the variable when a value is not a whole number (concurrency ≥ 1, priority ≥ 0)
 */
export function queueConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Record<QueueName, QueueConfig> {
  const out = {} as Record<QueueName, QueueConfig>;
  for (const name of QUEUES) {
    const read = (what: 'CONCURRENCY' | 'PRIORITY', fallback: number, min: number): number => {
      const key = `PANTAU_QUEUE_${name.toUpperCase()}_${what}`;
      const raw = env[key];
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min) throw new Error(`${key} must be a whole number ≥ ${min}, got "${raw}"`);
      return n;
    };
    out[name] = { concurrency: read('CONCURRENCY', DEFAULT_QUEUE_CONFIG[name].concurrency, 1), priority: read('PRIORITY', DEFAULT_QUEUE_CONFIG[name].priority, 0) };
  }
  return out;
}

/** Retry schedules per kind of work, ms (DESIGN S3). */
export const RETRY_SCHEDULES = {
  detections: [10_000, 30_000, 60_000],
  whatsapp: [30_000, 60_000, 120_000, 300_000, 600_000],
  images: [10_000, 30_000, 60_000],
  reports: [30_000, 60_000, 120_000],
  maintenance: [60_000, 300_000],
} as const;

/** Job type names, so producers and handlers agree. */
export const JOB_TYPES = {
  detection: 'detection.process',
  image: 'image.process',
  whatsapp: 'notification.whatsapp',
  dailyReport: 'report.daily',
  cleanup: 'maintenance.cleanup',
} as const;

/** Every job type: queue, retry schedule and timeout of one attempt. */
export const JOB_SPECS: Readonly<Record<string, JobSpec>> = {
  /** Apply one posted detection (synchronous, inside the completing transaction). */
  [JOB_TYPES.detection]: { queue: 'detections', retryDelaysMs: RETRY_SCHEDULES.detections, timeoutMs: 30_000 },
  /** Resize, stamp and thumbnail one snapshot (sharp). */
  [JOB_TYPES.image]: { queue: 'images', retryDelaysMs: RETRY_SCHEDULES.images, timeoutMs: 60_000 },
  /** Send one WhatsApp message to one number through the configured provider. */
  [JOB_TYPES.whatsapp]: { queue: 'notifications', retryDelaysMs: RETRY_SCHEDULES.whatsapp, timeoutMs: 30_000 },
  /** Build one branch's daily report. */
  [JOB_TYPES.dailyReport]: { queue: 'reports', retryDelaysMs: RETRY_SCHEDULES.reports, timeoutMs: 300_000 },
  /** Retention cleanup of files and rows. */
  [JOB_TYPES.cleanup]: { queue: 'maintenance', retryDelaysMs: RETRY_SCHEDULES.maintenance, timeoutMs: 600_000 },
};
