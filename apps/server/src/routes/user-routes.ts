/**
 * `/api/v1/users` and `/api/v1/audit` (S12): managed by admins whose scope is every branch.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditEntry, AuditFilter, IdParams, PasswordReset, User, UserCreate, UserFilter, UserUpdate, envelope, pagedEnvelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { actorOf } from '../http/actor.js';
import { toPage } from './organisation-routes.js';

/** Register the user and audit routes. */
export async function userRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { access: 'user-admin' as const };
  const tags = ['users'];
  r.get('/api/v1/users', { config, schema: { tags, querystring: UserFilter, response: { 200: pagedEnvelope(User) } } }, async (req) => ({ success: true as const, ...toPage(s.users.page(req.query)) }));
  r.get('/api/v1/users/:id', { config, schema: { tags, params: IdParams, response: { 200: envelope(User) } } }, async (req) => ({ success: true as const, data: s.users.get(req.params.id) }));
  r.post('/api/v1/users', { config, schema: { tags, body: UserCreate, response: { 201: envelope(User) } } }, async (req, reply) =>
    reply.status(201).send({ success: true as const, data: await s.users.create(req.body, actorOf(req)) }),
  );
  r.patch('/api/v1/users/:id', { config, schema: { tags, params: IdParams, body: UserUpdate, response: { 200: envelope(User) } } }, async (req) => ({
    success: true as const,
    data: s.users.update(req.params.id, req.body, actorOf(req)),
  }));
  r.post('/api/v1/users/:id/password', { config, schema: { tags, params: IdParams, body: PasswordReset, response: { 200: envelope(z.object({ ok: z.literal(true) })) } } }, async (req) => {
    await s.users.resetPassword(req.params.id, req.body.password, actorOf(req));
    return { success: true as const, data: { ok: true as const } };
  });
  r.post('/api/v1/users/:id/sessions/revoke', { config, schema: { tags, params: IdParams, response: { 200: envelope(z.object({ revoked: z.int() })) } } }, async (req) => ({
    success: true as const,
    data: { revoked: s.users.revokeSessions(req.params.id, actorOf(req)) },
  }));
  r.get('/api/v1/audit', { config, schema: { tags: ['audit'], querystring: AuditFilter, response: { 200: pagedEnvelope(AuditEntry) } } }, async (req) => ({ success: true as const, ...toPage(s.auditLog.page(req.query)) }));
}
