/**
 * WhatsApp alerts API (S4): `/api/v1/alert-settings` (admins, within their scope),
 * `/api/v1/notification-provider` (admins of every branch: provider, settings, write-only
 * secrets, test message) and `/api/v1/notification-deliveries` (list per event or branch;
 * resend an uncertain or failed one).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AlertSetting,
  AlertSettingCreate,
  AlertSettingFilter,
  AlertSettingUpdate,
  Delivery,
  DeliveryFilter,
  IdParams,
  ProviderSettings,
  ProviderSettingsUpdate,
  TestMessageBody,
  envelope,
  pagedEnvelope,
} from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';
import { toPage } from './organisation-routes.js';

const ok = <T>(data: T) => ({ success: true as const, data });

/** Register the alert routes. */
export async function notificationRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const n = s.notifications.settings;
  const admin = { access: 'admin' as const };
  const fullAdmin = { access: 'user-admin' as const };
  let tags = ['alerts'];
  r.get('/api/v1/alert-settings', { config: admin, schema: { tags, querystring: AlertSettingFilter, response: { 200: envelope(z.array(AlertSetting)) } } }, async (req) => ok(n.list(userOf(req), req.query.branch_id)));
  r.get('/api/v1/alert-settings/:id', { config: admin, schema: { tags, params: IdParams, response: { 200: envelope(AlertSetting) } } }, async (req) => ok(n.get(userOf(req), req.params.id)));
  r.post('/api/v1/alert-settings', { config: admin, schema: { tags, body: AlertSettingCreate, response: { 201: envelope(AlertSetting) } } }, async (req, reply) => reply.status(201).send(ok(n.create(callerOf(req), req.body))));
  r.patch('/api/v1/alert-settings/:id', { config: admin, schema: { tags, params: IdParams, body: AlertSettingUpdate, response: { 200: envelope(AlertSetting) } } }, async (req) => ok(n.update(callerOf(req), req.params.id, req.body)));
  r.delete('/api/v1/alert-settings/:id', { config: admin, schema: { tags, params: IdParams, response: { 200: envelope(z.object({ deleted: z.literal(true) })) } } }, async (req) => {
    n.delete(callerOf(req), req.params.id);
    return ok({ deleted: true as const });
  });

  tags = ['alerts', 'provider'];
  r.get('/api/v1/notification-provider', { config: fullAdmin, schema: { tags, response: { 200: envelope(ProviderSettings) } } }, async () => ok(n.providerSettings()));
  r.put('/api/v1/notification-provider', { config: fullAdmin, schema: { tags, body: ProviderSettingsUpdate, response: { 200: envelope(ProviderSettings) } } }, async (req) => ok(n.saveProvider(callerOf(req), req.body)));
  r.post('/api/v1/notification-provider/test', { config: fullAdmin, schema: { tags, body: TestMessageBody, response: { 202: envelope(Delivery) } } }, async (req, reply) =>
    reply.status(202).send(ok(n.sendTest(callerOf(req), req.body.phone, req.body.message))),
  );

  tags = ['alerts', 'deliveries'];
  r.get('/api/v1/notification-deliveries', { config: admin, schema: { tags, querystring: DeliveryFilter, response: { 200: pagedEnvelope(Delivery) } } }, async (req) => ({ success: true as const, ...toPage(n.deliveries(userOf(req), req.query)) }));
  r.post('/api/v1/notification-deliveries/:id/resend', { config: admin, schema: { tags, params: IdParams, response: { 202: envelope(Delivery) } } }, async (req, reply) => reply.status(202).send(ok(n.resend(callerOf(req), req.params.id))));
}
