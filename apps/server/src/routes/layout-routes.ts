/**
 * `/api/v1/layouts` (S9): list, the default, one, create, change, replace the tiles, delete,
 * make default. Every signed-in user may read what they see and keep private layouts of their
 * own; the service decides the rest (shared layouts: admins; see layout-service.ts). Making a
 * layout the default is for admins.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, Layout, LayoutCreate, LayoutUpdate, PositionsReplace, envelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';

const ok = <T>(data: T) => ({ success: true as const, data });

/** Register the layout routes. */
export async function layoutRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const l = s.layouts;
  const tags = ['layouts'];
  const read = { access: 'read' as const };
  const admin = { access: 'admin' as const };
  const one = { 200: envelope(Layout) };

  r.get('/api/v1/layouts', { config: read, schema: { tags, response: { 200: envelope(z.array(Layout)) } } }, async (req) => ok(l.list(userOf(req))));
  r.get('/api/v1/layouts/default', { config: read, schema: { tags, response: one } }, async (req) => ok(l.getDefault(userOf(req))));
  r.get('/api/v1/layouts/:id', { config: read, schema: { tags, params: IdParams, response: one } }, async (req) => ok(l.get(userOf(req), req.params.id)));
  r.post('/api/v1/layouts', { config: read, schema: { tags, body: LayoutCreate, response: { 201: envelope(Layout) } } }, async (req, reply) =>
    reply.status(201).send(ok(l.create(callerOf(req), req.body))),
  );
  r.patch('/api/v1/layouts/:id', { config: read, schema: { tags, params: IdParams, body: LayoutUpdate, response: one } }, async (req) => ok(l.update(callerOf(req), req.params.id, req.body)));
  r.put('/api/v1/layouts/:id/positions', { config: read, schema: { tags, params: IdParams, body: PositionsReplace, response: one } }, async (req) =>
    ok(l.replacePositions(callerOf(req), req.params.id, req.body.positions)),
  );
  r.delete('/api/v1/layouts/:id', { config: read, schema: { tags, params: IdParams, response: { 200: envelope(z.object({ deleted: z.literal(true) })) } } }, async (req) => {
    l.delete(callerOf(req), req.params.id);
    return ok({ deleted: true as const });
  });
  r.post('/api/v1/layouts/:id/default', { config: admin, schema: { tags, params: IdParams, response: one } }, async (req) => ok(l.setDefault(callerOf(req), req.params.id)));
}
