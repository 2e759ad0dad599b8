/**
 * Snapshot files (S5): `GET /api/v1/events/:id/snapshot` hands a signed-in user whose scope
 * holds the event's branch short-lived links; `GET /files/:token` serves the file a link
 * names (public: the token is the authorisation; see services/snapshot-access.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorEnvelope, IdParams, SnapshotLinks, envelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';

/** Register the snapshot link and file routes. */
export async function fileRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/events/:id/snapshot',
    {
      config: { access: 'read' },
      schema: {
        tags: ['events'],
        summary: "Signed links (default 10 minutes) to an event's stamped image and thumbnail; 404 when none (yet) or out of scope",
        params: IdParams,
        response: { 200: envelope(SnapshotLinks), 404: ErrorEnvelope },
      },
    },
    async (req) => {
      const u = userOf(req);
      return { success: true as const, data: s.snapshotAccess.links(req.params.id, { id: u.id, branchScope: u.branchScope }, req.ip) };
    },
  );

  r.get(
    '/files/:token',
    {
      config: { access: 'public' },
      schema: {
        tags: ['events'],
        summary: 'A stored file through its signed link: 403 when the link is tampered with or expired, 404 when the file is gone',
        params: z.object({ token: z.string().min(1).max(300) }),
      },
    },
    async (req, reply) => {
      const f = await s.snapshotAccess.open(req.params.token, req.ip);
      return reply
        .header('content-type', f.mime)
        .header('content-length', f.bytes)
        .header('cache-control', `private, max-age=${f.maxAgeS}, immutable`)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', 'inline')
        .send(f.stream);
    },
  );
}
