/**
 * `/api/v1/groups|branches|devices|streams`: create (admin) and list (any signed-in user,
 * limited to their scope). Full CRUD comes with the organisation issue.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Branch, BranchCreate, Device, DeviceCreate, Group, GroupCreate, Stream, StreamCreate, envelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { requireUser, userOf } from '../http/auth-guard.js';

const ok = <T>(data: T) => ({ success: true as const, data });

/** Register the organisation routes. */
export async function organisationRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const anyUser = requireUser(s.auth);
  const admin = requireUser(s.auth, ['admin']);
  const tags = ['organisation'];

  r.get('/api/v1/groups', { schema: { tags, response: { 200: envelope(z.array(Group)) } }, preHandler: anyUser }, async () => ok(s.organisation.listGroups()));
  r.post('/api/v1/groups', { schema: { tags, body: GroupCreate, response: { 201: envelope(Group) } }, preHandler: admin }, async (req, reply) =>
    reply.status(201).send(ok(s.organisation.createGroup(req.body))),
  );

  r.get(
    '/api/v1/branches',
    { schema: { tags, querystring: z.object({ group_id: z.coerce.number().int().positive().optional() }), response: { 200: envelope(z.array(Branch)) } }, preHandler: anyUser },
    async (req) => ok(s.organisation.listBranches(userOf(req), req.query.group_id)),
  );
  r.post('/api/v1/branches', { schema: { tags, body: BranchCreate, response: { 201: envelope(Branch) } }, preHandler: admin }, async (req, reply) =>
    reply.status(201).send(ok(s.organisation.createBranch(req.body))),
  );

  const byBranch = z.object({ branch_id: z.coerce.number().int().positive().optional() });
  r.get('/api/v1/devices', { schema: { tags, querystring: byBranch, response: { 200: envelope(z.array(Device)) } }, preHandler: anyUser }, async (req) =>
    ok(s.organisation.listDevices(userOf(req), req.query.branch_id)),
  );
  r.post('/api/v1/devices', { schema: { tags, body: DeviceCreate, response: { 201: envelope(Device) } }, preHandler: admin }, async (req, reply) =>
    reply.status(201).send(ok(s.organisation.createDevice(req.body))),
  );

  r.get('/api/v1/streams', { schema: { tags, querystring: byBranch, response: { 200: envelope(z.array(Stream)) } }, preHandler: anyUser }, async (req) =>
    ok(s.organisation.listStreams(userOf(req), req.query.branch_id)),
  );
  r.post('/api/v1/streams', { schema: { tags, body: StreamCreate, response: { 201: envelope(Stream) } }, preHandler: admin }, async (req, reply) =>
    reply.status(201).send(ok(s.organisation.createStream(req.body))),
  );
}
