/**
 * The queue monitor API (S3): `GET /api/v1/queues`, failed jobs with retry (one, all) and
 * delete. For admins whose scope is every branch (jobs carry any branch's data).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FailedJob, FailedJobFilter, IdParams, QueueInfo, RetryAllBody, envelope, pagedEnvelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { actorOf } from '../http/actor.js';
import { toPage } from './organisation-routes.js';

/** Register the queue monitor routes. */
export async function queueRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { access: 'user-admin' as const };
  const tags = ['queues'];
  const m = s.queueMonitor;
  r.get('/api/v1/queues', { config, schema: { tags, response: { 200: envelope(z.array(QueueInfo)) } } }, async () => ({ success: true as const, data: m.list() }));
  r.get('/api/v1/failed-jobs', { config, schema: { tags, querystring: FailedJobFilter, response: { 200: pagedEnvelope(FailedJob) } } }, async (req) => ({ success: true as const, ...toPage(m.failedPage(req.query)) }));
  r.post('/api/v1/failed-jobs/:id/retry', { config, schema: { tags, params: IdParams, response: { 200: envelope(z.object({ job_id: z.int() })) } } }, async (req) => ({
    success: true as const,
    data: { job_id: m.retry(req.params.id, actorOf(req)) },
  }));
  r.post('/api/v1/failed-jobs/retry-all', { config, schema: { tags, body: RetryAllBody, response: { 200: envelope(z.object({ retried: z.int() })) } } }, async (req) => ({
    success: true as const,
    data: { retried: m.retryAll(req.body.queue, actorOf(req)) },
  }));
  r.delete('/api/v1/failed-jobs/:id', { config, schema: { tags, params: IdParams, response: { 200: envelope(z.object({ deleted: z.literal(true) })) } } }, async (req) => {
    m.delete(req.params.id, actorOf(req));
    return { success: true as const, data: { deleted: true as const } };
  });
}
