/**
 * `GET|POST /webhooks/whatsapp`: the WhatsApp Cloud API webhook (see
 * services/notifications/webhook-service.ts). Outside `/api/v1`, public (`access: 'public'`):
 * the caller is Meta, authenticated by the verify token (handshake) and by the
 * `X-Hub-Signature-256` HMAC of the raw body (notifications). The JSON parser of this
 * route keeps the raw bytes, since the signature is over them, not over re-serialised JSON.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services/container.js';

/** Largest webhook body, bytes (Meta batches at most a few KB). */
const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** Register the webhook routes in their own context (their own body parser). */
export async function webhookRoutes(app: FastifyInstance, s: Services): Promise<void> {
  await app.register(async (child) => {
    // the raw body: this parser applies to this plugin's routes only (Fastify encapsulation)
    child.removeContentTypeParser('application/json');
    child.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
    const r = child.withTypeProvider<ZodTypeProvider>();
    const w = s.notifications.webhook;
    const config = { access: 'public' as const };
    r.get(
      '/webhooks/whatsapp',
      {
        config,
        schema: {
          tags: ['webhooks'],
          summary: 'Meta webhook verification handshake: echoes hub.challenge',
          querystring: z.object({ 'hub.mode': z.string().max(64).optional(), 'hub.verify_token': z.string().max(256).optional(), 'hub.challenge': z.string().max(256).optional() }),
        },
      },
      async (req, reply) => reply.type('text/plain').send(w.handshake(req.query)),
    );
    r.post('/webhooks/whatsapp', { config, schema: { tags: ['webhooks'], summary: 'Delivery statuses (X-Hub-Signature-256 checked)' } }, async (req) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const sig = req.headers['x-hub-signature-256'];
      w.verify(raw, Array.isArray(sig) ? sig[0] : sig);
      return { success: true as const, data: w.apply(raw) };
    });
  });
}
