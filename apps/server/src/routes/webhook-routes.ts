/**
 * `GET|POST /webhooks/whatsapp`: the WhatsApp Cloud API webhook (see
 * services/notifications/webhook-service.ts). The JSON parser of these routes keeps the raw
 * bytes, since the signature is over them, not over re-serialised JSON. Declarations:
 * packages/shared/src/routes/webhooks.ts.
 */
import type { FastifyInstance } from 'fastify';
import { ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import type { RouteRegistrar } from '../http/route.js';

/** Largest webhook body, bytes (Meta batches at most a few KB). */
const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** Register the webhook routes in their own context (their own body parser). */
export async function webhookRoutes(app: FastifyInstance, api: RouteRegistrar, s: Services): Promise<void> {
  await app.register(async (child) => {
    // the raw body: this parser applies to this plugin's routes only (Fastify encapsulation)
    child.removeContentTypeParser('application/json');
    child.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    const w = s.notifications.webhook;
    api.implement(
      ROUTES.whatsappWebhookVerify,
      (req, reply) => reply.type('text/plain').send(w.handshake(req.query)),
      {},
      child,
    );
    api.implement(
      ROUTES.whatsappWebhook,
      (req) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const sig = req.headers['x-hub-signature-256'];
        w.verify(raw, Array.isArray(sig) ? sig[0] : sig);
        return { success: true as const, data: w.apply(raw) };
      },
      {},
      child,
    );
  });
}
