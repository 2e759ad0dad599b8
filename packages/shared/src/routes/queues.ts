/**
 * The queue monitor API (S3): every named queue's numbers, failed jobs with retry (one, all) and
 * delete. For admins whose scope is every branch (jobs carry any branch's data).
 */
import { z } from 'zod';
import { Deleted, IdParams, PageMeta } from '../schemas/common.js';
import { FailedJob, FailedJobFilter, QueueInfo, RetryAllBody } from '../schemas/queues.js';
import { defineRoute } from './route.js';

const tags = ['queues'] as const;
const access = 'user-admin';

export const queueRoutes = {
  /** Every named queue with its numbers. */
  listQueues: defineRoute({
    summary: 'List queues',
    method: 'GET',
    path: '/api/v1/queues',
    access,
    tags,
    data: z.array(QueueInfo),
  }),
  failedJobsPage: defineRoute({
    summary: 'List failed jobs',
    method: 'GET',
    path: '/api/v1/failed-jobs',
    access,
    tags,
    query: FailedJobFilter,
    data: z.array(FailedJob),
    meta: PageMeta,
  }),
  /** Put a failed job back in its queue; answers with the new job id. */
  retryFailedJob: defineRoute({
    summary: 'Retry a failed job',
    method: 'POST',
    path: '/api/v1/failed-jobs/:id/retry',
    access,
    tags,
    params: IdParams,
    data: z.object({ job_id: z.int() }),
  }),
  /** Retry every failed job (of one queue). */
  retryAllFailedJobs: defineRoute({
    summary: 'Retry every failed job',
    method: 'POST',
    path: '/api/v1/failed-jobs/retry-all',
    access,
    tags,
    body: RetryAllBody,
    data: z.object({ retried: z.int() }),
  }),
  deleteFailedJob: defineRoute({
    summary: 'Delete a failed job',
    method: 'DELETE',
    path: '/api/v1/failed-jobs/:id',
    access,
    tags,
    params: IdParams,
    data: Deleted,
  }),
};
