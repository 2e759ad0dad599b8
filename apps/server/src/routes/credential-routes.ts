/**
 * `/api/v1/credentials` (S7): admins whose scope is every branch create (the secret is in that answer only; optionally
 * `inactive`), list, edit (PATCH `status` suspends or resumes; 409 on a revoked one), revoke (final), rotate (the new
 * secret in that answer only) and delete API credentials.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Credential, CredentialCreate, CredentialCreated, CredentialFilter, CredentialRotate, CredentialUpdate, IdParams, envelope, pagedEnvelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { actorOf } from '../http/actor.js';
import { toPage } from './organisation-routes.js';

/** Register the credential routes. */
export async function credentialRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Credentials may be global or name any branch: managed by admins whose scope is every branch.
  const config = { access: 'user-admin' as const };
  const tags = ['credentials'];
  const c = s.credentials;
  r.get('/api/v1/credentials', { config, schema: { tags, querystring: CredentialFilter, response: { 200: pagedEnvelope(Credential) } } }, async (req) => ({ success: true as const, ...toPage(c.page(req.query)) }));
  r.get('/api/v1/credentials/:id', { config, schema: { tags, params: IdParams, response: { 200: envelope(Credential) } } }, async (req) => ({ success: true as const, data: c.get(req.params.id) }));
  r.post('/api/v1/credentials', { config, schema: { tags, body: CredentialCreate, response: { 201: envelope(CredentialCreated) } } }, async (req, reply) =>
    reply.status(201).send({ success: true as const, data: c.create(req.body, actorOf(req), userOf(req).id) }),
  );
  r.patch('/api/v1/credentials/:id', { config, schema: { tags, params: IdParams, body: CredentialUpdate, response: { 200: envelope(Credential) } } }, async (req) => ({
    success: true as const,
    data: c.update(req.params.id, req.body, actorOf(req)),
  }));
  r.post('/api/v1/credentials/:id/revoke', { config, schema: { tags, params: IdParams, response: { 200: envelope(Credential) } } }, async (req) => ({ success: true as const, data: c.revoke(req.params.id, actorOf(req)) }));
  r.post('/api/v1/credentials/:id/rotate', { config, schema: { tags, params: IdParams, body: CredentialRotate, response: { 200: envelope(CredentialCreated) } } }, async (req) => ({
    success: true as const,
    data: c.rotate(req.params.id, req.body.grace_seconds, actorOf(req)),
  }));
  r.delete('/api/v1/credentials/:id', { config, schema: { tags, params: IdParams, response: { 200: envelope(z.object({ deleted: z.literal(true) })) } } }, async (req) => {
    c.delete(req.params.id, actorOf(req));
    return { success: true as const, data: { deleted: true as const } };
  });
}
