/**
 * Operator reads: `GET /api/v1/persons/:re_id` (S8) and `GET /api/v1/events` (D4).
 * Out-of-scope persons answer 404, like unknown ones.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EventListQuery, EventLog, PantauError, Person, ReId, envelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';

/** Register the read routes. */
export async function readRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/persons/:re_id',
    { schema: { tags: ['persons'], params: z.object({ re_id: ReId }), response: { 200: envelope(Person) } }, config: { access: 'read' } },
    async (req) => {
      const p = s.reads.person(req.params.re_id, userOf(req).branchScope);
      if (!p) throw new PantauError('NOT_FOUND', `person ${req.params.re_id} not found`, { field: 're_id' });
      return { success: true as const, data: p };
    },
  );
  r.get('/api/v1/events', { schema: { tags: ['events'], querystring: EventListQuery, response: { 200: envelope(z.array(EventLog)) } }, config: { access: 'read' } }, async (req) => ({
    success: true as const,
    data: s.reads.events({ ...req.query, scope: userOf(req).branchScope }),
  }));
}
