/**
 * `GET|POST /webhooks/whatsapp`: the WhatsApp Cloud API webhook. Outside `/api/v1` and public:
 * the caller is Meta, authenticated by the verify token (handshake) and by the
 * `X-Hub-Signature-256` HMAC of the raw body (statuses). Neither answer is described (a text echo;
 * an acknowledgement Meta does not read), so the client has no methods for them.
 */
import { z } from 'zod';
import { defineRoute } from './route.js';

const tags = ['webhooks'] as const;

export const webhookRoutes = {
  whatsappWebhookVerify: defineRoute({
    errors: [403],
    produces: ['text/plain'],
    method: 'GET',
    path: '/webhooks/whatsapp',
    access: 'public',
    tags,
    summary: 'Meta webhook verification handshake: echoes hub.challenge',
    query: z.object({
      'hub.mode': z.string().max(64).optional(),
      'hub.verify_token': z.string().max(256).optional(),
      'hub.challenge': z.string().max(256).optional(),
    }),
  }),
  whatsappWebhook: defineRoute({
    errors: [400, 401, 413, 415],
    produces: ['application/json'],
    method: 'POST',
    path: '/webhooks/whatsapp',
    access: 'public',
    tags,
    summary: 'Delivery statuses (X-Hub-Signature-256 checked)',
  }),
};
