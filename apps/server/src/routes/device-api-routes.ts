/**
 * The device and integrator API (S2, S7, S11), key-authenticated with its permission, scope
 * and hourly limit (http/device-auth.ts): detection log and batch, heartbeat, and the reads
 * `GET /api/v1/detections` and `GET /api/v1/counting/summary`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import fastifyMultipart from '@fastify/multipart';
import { z } from 'zod';
import {
  BatchItem,
  CountingQuery,
  CountingRow,
  DetectionAccepted,
  DetectionBatchBody,
  DetectionBatchResult,
  DetectionLogBody,
  DetectionQuery,
  DetectionRecord,
  ErrorEnvelope,
  HeartbeatBody,
  HeartbeatResult,
  PantauError,
  envelope,
  pagedEnvelope,
} from '@pantau/shared';
import type { Services } from '../services/container.js';
import { deviceAuth } from '../http/device-auth.js';
import { MULTIPART_LIMITS, SNAPSHOT_FIELD, readDetectionForm, type SnapshotUpload } from '../services/snapshot-intake.js';
import { toPage } from './organisation-routes.js';

const KeyHeaders = z.object({ 'x-api-key': z.string().max(128).optional(), 'x-api-secret': z.string().max(256).optional() });
const security = [{ apiKey: [], apiSecret: [] }];

/** Register the device-facing routes. */
export async function deviceApiRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.decorateRequest('credential', null);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { access: 'device' as const };

  // JSON, or multipart with a snapshot image (S5): the multipart parser lives only in this route's context.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, { limits: MULTIPART_LIMITS, throwFileSizeLimit: true });
    const uploads = new WeakMap<object, SnapshotUpload>();
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/detection/log',
      {
        config,
        bodyLimit: 64 * 1024,
        onRequest: deviceAuth(s.credentials, 'detections:write'),
        // a multipart form becomes the JSON body shape (validated by the same schema) and a checked image
        preValidation: async (req) => {
          if (!req.isMultipart()) return;
          const form = await readDetectionForm(req.parts());
          req.body = form.body as typeof req.body;
          if (form.upload) uploads.set(req, form.upload);
        },
        schema: {
          tags: ['device API'],
          summary: 'Post one person detection (202 once its job is committed; 200 for a repeated event_id)',
          description:
            `JSON, or multipart/form-data with the same fields as text parts (\`detection_data\` as JSON text) and one image file part \`${SNAPSHOT_FIELD}\`: ` +
            'JPEG, PNG or WebP judged by content (415 otherwise), at most 10 MB and 50 megapixels (413), complete (a truncated or corrupt image: 400). ' +
            'The original is stored before the 202; an image job then stamps it and makes a 320×240 thumbnail (`snapshot_ready` event).',
          consumes: ['application/json', 'multipart/form-data'],
          security,
          headers: KeyHeaders,
          body: DetectionLogBody,
          response: { 202: envelope(DetectionAccepted), 200: envelope(DetectionAccepted), 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, 413: ErrorEnvelope, 415: ErrorEnvelope, 429: ErrorEnvelope },
        },
      },
      async (req, reply) => {
        const upload = uploads.get(req);
        const result = upload ? await s.snapshotIntake.accept(req.body, req.credential!, upload) : await s.detections.accept(req.body, req.credential!);
        return reply.status(result.status === 'processing' ? 202 : 200).send({ success: true as const, data: result });
      },
    );
  });

  r.post(
    '/api/v1/detection/batch',
    {
      config,
      bodyLimit: 4 * 1024 * 1024,
      onRequest: deviceAuth(s.credentials, 'detections:write'),
      schema: {
        tags: ['device API'],
        summary: 'Store and forward: up to 500 buffered detections, each with its event_id and original time; one result per item, in order',
        security,
        headers: KeyHeaders,
        body: DetectionBatchBody,
        response: { 200: envelope(DetectionBatchResult) },
      },
    },
    async (req) => {
      // Items are checked one by one (a bad one is rejected, the rest go through) and the
      // good ones are accepted in the same turn, so they share one group commit.
      const results = await Promise.all(
        req.body.detections.map(async (raw, i) => {
          const parsed = BatchItem.safeParse(raw);
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? String((issue as { keys?: string[] }).keys?.[0]) : 'detections');
            return { status: 'rejected' as const, error: { code: 'VALIDATION_ERROR', message: `detections.${i}.${field}: ${issue.message}`, field } };
          }
          try {
            const a = await s.detections.accept(parsed.data, req.credential!);
            return { status: a.status === 'processing' ? ('accepted' as const) : ('duplicate' as const), job_id: a.job_id };
          } catch (err) {
            if (!(err instanceof PantauError)) throw err;
            return { status: 'rejected' as const, error: { code: err.code, message: err.message, ...(err.details?.field ? { field: err.details.field } : {}) } };
          }
        }),
      );
      const count = (st: string) => results.filter((x) => x.status === st).length;
      return { success: true as const, data: { accepted: count('accepted'), duplicate: count('duplicate'), rejected: count('rejected'), results } };
    },
  );

  r.post(
    '/api/v1/devices/heartbeat',
    { config, onRequest: deviceAuth(s.credentials, 'devices:heartbeat'), schema: { tags: ['device API'], security, headers: KeyHeaders, body: HeartbeatBody, response: { 200: envelope(HeartbeatResult) } } },
    async (req) => ({ success: true as const, data: s.deviceStatus.heartbeat(req.body, req.credential!) }),
  );

  r.get(
    '/api/v1/detections',
    { config, onRequest: deviceAuth(s.credentials, 'detections:read'), schema: { tags: ['integrator API'], security, headers: KeyHeaders, querystring: DetectionQuery, response: { 200: pagedEnvelope(DetectionRecord) } } },
    async (req) => {
      const c = req.credential!;
      const q = { ...req.query };
      if (c.branch_id !== null) {
        if (q.branch_id !== undefined && q.branch_id !== c.branch_id) throw new PantauError('OUT_OF_SCOPE', 'this API credential may not read that branch', { field: 'branch_id' });
        q.branch_id = c.branch_id;
      }
      if (c.device_id !== null) {
        if (q.device_id !== undefined && q.device_id !== c.device_id) throw new PantauError('OUT_OF_SCOPE', 'this API credential may not read that device', { field: 'device_id' });
        q.device_id = c.device_id;
      }
      return { success: true as const, ...toPage(s.reads.detections(q)) };
    },
  );

  r.get(
    '/api/v1/counting/summary',
    { config, onRequest: deviceAuth(s.credentials, 'reports:read'), schema: { tags: ['integrator API'], security, headers: KeyHeaders, querystring: CountingQuery, response: { 200: envelope(z.array(CountingRow)) } } },
    async (req) => {
      const c = req.credential!;
      let branches: number[] | null = req.query.branch_id !== undefined ? [req.query.branch_id] : null;
      const own = c.branch_id ?? (c.device_id !== null ? (s.organisation.branchOfDevice(c.device_id) ?? -1) : null);
      if (own !== null) {
        if (branches !== null && branches[0] !== own) throw new PantauError('OUT_OF_SCOPE', 'this API credential may not read that branch', { field: 'branch_id' });
        branches = [own];
      }
      return { success: true as const, data: s.reads.counting({ branch_ids: branches, from: req.query.from, to: req.query.to }) };
    },
  );
}
