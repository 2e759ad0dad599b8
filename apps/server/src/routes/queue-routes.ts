/**
 * The queue monitor API (S3): each route delegates to the queue monitor. Declarations:
 * packages/shared/src/routes/queues.ts.
 */
import { DELETED, ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { actorOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the queue monitor routes. */
export function queueRoutes(api: RouteRegistrar, s: Services): void {
  const m = s.queueMonitor;
  api.implement(ROUTES.listQueues, () => m.list());
  api.implement(ROUTES.failedJobsPage, (req) => m.failedPage(req.query));
  api.implement(ROUTES.retryFailedJob, (req) => ({ job_id: m.retry(req.params.id, actorOf(req)) }));
  api.implement(ROUTES.retryAllFailedJobs, (req) => ({ retried: m.retryAll(req.body.queue, actorOf(req)) }));
  api.implement(ROUTES.deleteFailedJob, (req) => (m.delete(req.params.id, actorOf(req)), DELETED));
}
