/**
 * `POST /api/v1/detection/log` (S2): device-authenticated with `X-API-Key` + `X-API-Secret`;
 * 202 once the job is committed, 200 for a repeated event_id.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DetectionAccepted, DetectionLogBody, ErrorEnvelope, envelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import type { CredentialRow } from '../services/credential-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the API-key check of device routes. */
    credential: CredentialRow | null;
  }
}

/** Register the device-facing detection routes. */
export async function detectionRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.decorateRequest('credential', null);
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/detection/log',
    {
      config: { access: 'device' },
      schema: {
        tags: ['detections'],
        summary: 'Post one person detection',
        headers: DetectionHeaders,
        body: DetectionLogBody,
        response: { 202: envelope(DetectionAccepted), 200: envelope(DetectionAccepted), 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope },
      },
      bodyLimit: 64 * 1024,
      // Authenticate before the body is parsed and validated: a caller without a valid key
      // learns nothing about the schema, and costs us no parsing.
      onRequest: async (req) => {
        req.credential = s.credentials.verify(header(req.headers['x-api-key']), header(req.headers['x-api-secret']));
      },
    },
    async (req, reply) => {
      const result = await s.detections.accept(req.body, req.credential!);
      return reply.status(result.status === 'processing' ? 202 : 200).send({ success: true as const, data: result });
    },
  );
}

const DetectionHeaders = z.object({ 'x-api-key': z.string().max(128).optional(), 'x-api-secret': z.string().max(256).optional() });

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
