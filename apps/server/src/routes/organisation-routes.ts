/**
 * `/api/v1/groups|branches|devices|streams` (S1): paged lists with search and filters, read,
 * create, update, delete; and `/api/v1/camera-tree`. Reads are for every signed-in user
 * within their scope; changes for admins (see http/access.ts and organisation-service.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Branch,
  BranchCreate,
  BranchFilter,
  BranchUpdate,
  Device,
  DeviceCreate,
  DeviceFilter,
  DeviceUpdate,
  Group,
  GroupCreate,
  GroupFilter,
  GroupUpdate,
  IdParams,
  Stream,
  StreamCreate,
  StreamFilter,
  StreamUpdate,
  envelope,
  pagedEnvelope,
} from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';

const ok = <T>(data: T) => ({ success: true as const, data });
const Deleted = envelope(z.object({ deleted: z.literal(true) }));
const deleted = ok({ deleted: true as const });

/** Register the organisation routes. */
export async function organisationRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const o = s.organisation;
  const read = { access: 'read' as const };
  const admin = { access: 'admin' as const };
  const fullAdmin = { access: 'user-admin' as const };

  // groups: structure of the organisation, changed by admins whose scope is every branch
  let tags = ['groups'];
  r.get('/api/v1/groups', { config: read, schema: { tags, querystring: GroupFilter, response: { 200: pagedEnvelope(Group) } } }, async (req) => ({ success: true as const, ...toPage(o.pageGroups(userOf(req), req.query)) }));
  r.get('/api/v1/groups/:id', { config: read, schema: { tags, params: IdParams, response: { 200: envelope(Group) } } }, async (req) => ok(o.getGroup(userOf(req), req.params.id)));
  r.post('/api/v1/groups', { config: fullAdmin, schema: { tags, body: GroupCreate, response: { 201: envelope(Group) } } }, async (req, reply) => reply.status(201).send(ok(o.createGroup(callerOf(req), req.body))));
  r.patch('/api/v1/groups/:id', { config: fullAdmin, schema: { tags, params: IdParams, body: GroupUpdate, response: { 200: envelope(Group) } } }, async (req) => ok(o.updateGroup(callerOf(req), req.params.id, req.body)));
  r.delete('/api/v1/groups/:id', { config: fullAdmin, schema: { tags, params: IdParams, response: { 200: Deleted } } }, async (req) => (o.deleteGroup(callerOf(req), req.params.id), deleted));

  tags = ['branches'];
  r.get('/api/v1/branches', { config: read, schema: { tags, querystring: BranchFilter, response: { 200: pagedEnvelope(Branch) } } }, async (req) => ({ success: true as const, ...toPage(o.pageBranches(userOf(req), req.query)) }));
  r.get('/api/v1/branches/:id', { config: read, schema: { tags, params: IdParams, response: { 200: envelope(Branch) } } }, async (req) => ok(o.getBranch(userOf(req), req.params.id)));
  r.post('/api/v1/branches', { config: fullAdmin, schema: { tags, body: BranchCreate, response: { 201: envelope(Branch) } } }, async (req, reply) => reply.status(201).send(ok(o.createBranch(callerOf(req), req.body))));
  r.patch('/api/v1/branches/:id', { config: admin, schema: { tags, params: IdParams, body: BranchUpdate, response: { 200: envelope(Branch) } } }, async (req) => ok(o.updateBranch(callerOf(req), req.params.id, req.body)));
  r.delete('/api/v1/branches/:id', { config: fullAdmin, schema: { tags, params: IdParams, response: { 200: Deleted } } }, async (req) => (o.deleteBranch(callerOf(req), req.params.id), deleted));

  tags = ['devices'];
  r.get('/api/v1/devices', { config: read, schema: { tags, querystring: DeviceFilter, response: { 200: pagedEnvelope(Device) } } }, async (req) => ({ success: true as const, ...toPage(o.pageDevices(userOf(req), req.query)) }));
  r.get('/api/v1/devices/:id', { config: read, schema: { tags, params: IdParams, response: { 200: envelope(Device) } } }, async (req) => ok(o.getDevice(userOf(req), req.params.id)));
  r.post('/api/v1/devices', { config: admin, schema: { tags, body: DeviceCreate, response: { 201: envelope(Device) } } }, async (req, reply) => reply.status(201).send(ok(o.createDevice(callerOf(req), req.body))));
  r.patch('/api/v1/devices/:id', { config: admin, schema: { tags, params: IdParams, body: DeviceUpdate, response: { 200: envelope(Device) } } }, async (req) => ok(o.updateDevice(callerOf(req), req.params.id, req.body)));
  r.delete('/api/v1/devices/:id', { config: admin, schema: { tags, params: IdParams, response: { 200: Deleted } } }, async (req) => (o.deleteDevice(callerOf(req), req.params.id), deleted));

  tags = ['streams'];
  r.get('/api/v1/streams', { config: read, schema: { tags, querystring: StreamFilter, response: { 200: pagedEnvelope(Stream) } } }, async (req) => ({ success: true as const, ...toPage(o.pageStreams(userOf(req), req.query)) }));
  r.get('/api/v1/streams/:id', { config: read, schema: { tags, params: IdParams, response: { 200: envelope(Stream) } } }, async (req) => ok(o.getStream(userOf(req), req.params.id)));
  r.post('/api/v1/streams', { config: admin, schema: { tags, body: StreamCreate, response: { 201: envelope(Stream) } } }, async (req, reply) => reply.status(201).send(ok(o.createStream(callerOf(req), req.body))));
  r.patch('/api/v1/streams/:id', { config: admin, schema: { tags, params: IdParams, body: StreamUpdate, response: { 200: envelope(Stream) } } }, async (req) => ok(o.updateStream(callerOf(req), req.params.id, req.body)));
  r.delete('/api/v1/streams/:id', { config: admin, schema: { tags, params: IdParams, response: { 200: Deleted } } }, async (req) => (o.deleteStream(callerOf(req), req.params.id), deleted));

  r.get('/api/v1/camera-tree', { config: read, schema: { tags: ['streams'], summary: 'Group › branch › NVR › camera in the caller’s scope' } }, async (req) => ok(o.cameraTree(userOf(req))));
}

/** `{ items, meta }` → the paged envelope's `{ data, meta }`. */
export function toPage<T>(p: { items: T[]; meta: { page: number; per_page: number; total: number } }): { data: T[]; meta: { page: number; per_page: number; total: number } } {
  return { data: p.items, meta: p.meta };
}
