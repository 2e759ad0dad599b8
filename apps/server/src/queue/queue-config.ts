/**
 * Every named queue with its priority and worker concurrency (DESIGN S3). Job types declare
 * their own queue, retry schedule and timeout beside their services (queue/job-definition.ts);
 * their payloads are in queue/job-payloads.ts.
 *
 * Queue settings come from configuration: `PANTAU_QUEUE_<NAME>_CONCURRENCY` and
 * `PANTAU_QUEUE_<NAME>_PRIORITY` (e.g. `PANTAU_QUEUE_IMAGES_CONCURRENCY=4`), over the
 * defaults below; see `queueConfigFromEnv`.
 */

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
    out[name] = {
      concurrency: read('CONCURRENCY', DEFAULT_QUEUE_CONFIG[name].concurrency, 1),
      priority: read('PRIORITY', DEFAULT_QUEUE_CONFIG[name].priority, 0),
    };
  }
  return out;
}
