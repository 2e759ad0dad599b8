/**
 * `/api/v1/layouts` (S9, first version): list, the default one, create (admin).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Layout, LayoutCreate, envelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';

/** Register the layout routes. */
export async function layoutRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['layouts'];
  r.get('/api/v1/layouts', { schema: { tags, response: { 200: envelope(z.array(Layout)) } }, config: { access: 'read' } }, async (req) => ({
    success: true as const,
    data: s.layouts.list(userOf(req).branchScope),
  }));
  r.get('/api/v1/layouts/default', { schema: { tags, response: { 200: envelope(Layout) } }, config: { access: 'read' } }, async (req) => ({
    success: true as const,
    data: s.layouts.getDefault(userOf(req).branchScope),
  }));
  r.post('/api/v1/layouts', { schema: { tags, body: LayoutCreate, response: { 201: envelope(Layout) } }, config: { access: 'admin' } }, async (req, reply) =>
    reply.status(201).send({ success: true as const, data: s.layouts.create(req.body, userOf(req).id) }),
  );
}
