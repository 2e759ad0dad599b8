/**
 * `POST /api/v1/credentials` (S7, first version): an admin creates a device credential;
 * the secret is in this answer only.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CredentialCreate, CredentialCreated, envelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';

/** Register the credential routes. */
export async function credentialRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/credentials',
    { schema: { tags: ['credentials'], body: CredentialCreate, response: { 201: envelope(CredentialCreated) } }, config: { access: 'admin' } },
    async (req, reply) => reply.status(201).send({ success: true as const, data: s.credentials.create({ ...req.body, created_by: userOf(req).id }) }),
  );
}
