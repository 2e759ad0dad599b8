/**
 * The device and integrator API (S2, S7, S11): detection log (JSON or multipart with a snapshot)
 * and batch, heartbeat, detections and counting summary. The key check of each route's
 * permission runs before the body is parsed (http/route.ts, http/device-auth.ts); the services
 * apply the credential's scope. Declarations: packages/shared/src/routes/device-api.ts.
 */
import type { FastifyInstance } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { MULTIPART_LIMITS, readDetectionForm, type SnapshotUpload } from '../services/snapshot-intake.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the device-facing routes. */
export async function deviceApiRoutes(app: FastifyInstance, api: RouteRegistrar, s: Services): Promise<void> {
  app.decorateRequest('credential', null);

  // JSON, or multipart with a snapshot image (S5): the multipart parser lives only in this route's context.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, { limits: MULTIPART_LIMITS, throwFileSizeLimit: true });
    const uploads = new WeakMap<object, SnapshotUpload>();
    api.implement(
      ROUTES.logDetection,
      async (req, reply) => {
        const upload = uploads.get(req);
        const result = upload
          ? await s.snapshotIntake.accept(req.body, req.credential!, upload)
          : await s.detections.accept(req.body, req.credential!);
        void reply.status(result.status === 'processing' ? 202 : 200);
        return result;
      },
      {
        bodyLimit: 64 * 1024,
        // a multipart form becomes the JSON body shape (validated by the same schema) and a checked image
        preValidation: async (req) => {
          if (!req.isMultipart()) return;
          const form = await readDetectionForm(req.parts());
          req.body = form.body;
          if (form.upload) uploads.set(req, form.upload);
        },
      },
      scope,
    );
  });

  api.implement(ROUTES.logDetectionBatch, (req) => s.detections.acceptBatch(req.body.detections, req.credential!), {
    bodyLimit: 4 * 1024 * 1024,
  });
  api.implement(ROUTES.heartbeat, (req) => s.deviceStatus.heartbeat(req.body, req.credential!));
  api.implement(ROUTES.detections, (req) => s.reads.detections(req.credential!, req.query));
  api.implement(ROUTES.countingSummary, (req) => s.reads.counting(req.credential!, req.query));
}
