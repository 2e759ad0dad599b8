/**
 * A job's declaration: its type (a key of the job map, queue/job-payloads.ts), the named queue
 * it runs on, its retry schedule and attempt timeout, and its handler. Each service declares
 * its jobs beside its own code with {@link defineJob}; the container registers them with the
 * worker (`worker.register(service.job)`), which also tells the queue their settings.
 *
 * Two kinds of handler:
 * - `sync`: `handle` runs inside the completing transaction (the detection job): its writes and
 *   the job's removal commit together, batched with other jobs of the same kind.
 * - `async`: `run` does slow work outside any transaction (an HTTP call, image processing) and
 *   resolves with an optional function of database effects, committed together with the job's
 *   removal; `signal` aborts when the attempt times out or the worker stops.
 * Either kind fails its attempt by throwing; the job then retries on its schedule and, once it
 * is spent, moves to failed_jobs.
 */
import type { JobRow } from '../db/schema.js';
import type { QueueName } from './queue-config.js';
import type { JobMap, JobType } from './job-payloads.js';

/** Where and how often a job type runs. */
export interface JobSettings {
  /** The named queue (queue-config.ts). */
  queue: string;
  /** Lower runs first; default: the queue's priority. */
  priority?: number;
  /** Delay before each retry, ms; attempts = retries + 1 (DESIGN S3 gives the schedules). */
  retryDelaysMs: readonly number[];
}

/** A job whose handler runs inside the completing transaction. */
export interface SyncJobDefinition<M, K extends keyof M & string> extends JobSettings {
  type: K;
  kind: 'sync';
  /** Apply the job's effects; throw to fail the attempt (its writes roll back). */
  handle(payload: M[K], job: JobRow): void;
}

/** A job whose slow work runs outside any transaction. */
export interface AsyncJobDefinition<M, K extends keyof M & string> extends JobSettings {
  type: K;
  kind: 'async';
  /** Longest one attempt may take, ms; the signal then aborts and the attempt fails. */
  timeoutMs: number;
  /** Do the work; resolve with the database effects to commit with the job's removal. */
  run(payload: M[K], job: JobRow, signal: AbortSignal): Promise<void | (() => void)>;
}

/** A job of any type of the map `M` (default: the product's job map). */
export type JobDefinition<M = JobMap, K extends keyof M & string = keyof M & string> = {
  [T in K]: SyncJobDefinition<M, T> | AsyncJobDefinition<M, T>;
}[K];

/**
 * Declare one of the product's jobs (the type checks its payload, the queue name its queue).
 * @returns the same declaration, typed by its kind
 */
export function defineJob<K extends JobType>(
  def: SyncJobDefinition<JobMap, K> & { queue: QueueName },
): SyncJobDefinition<JobMap, K>;
export function defineJob<K extends JobType>(
  def: AsyncJobDefinition<JobMap, K> & { queue: QueueName },
): AsyncJobDefinition<JobMap, K>;
export function defineJob(def: JobDefinition & { queue: QueueName }): JobDefinition {
  return def;
}
