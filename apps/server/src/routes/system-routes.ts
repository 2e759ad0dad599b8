/**
 * `GET /health` (S13, first version), the real-time socket `/ws` (S10) and the console's
 * static files at `/console/`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PantauError, ROUTES, consolePolicy, withStyleNonce, type Health } from '@pantau/shared';
import { isEncrypted } from '../http/http-server.js';
import type { Services } from '../services/container.js';
import type { RouteRegistrar } from '../http/route.js';
import { SocketGuard } from '../realtime/socket-guard.js';
import { SERVER_VERSION } from '../version.js';

export { SERVER_VERSION };

/** What the gateway reports for /health (MPEG-TS and HLS streams); the gateway plugs in here. */
export interface GatewayStatsSource {
  stats(): { streams: number; viewers: number; perStream: Health['gateway']['per_stream'] };
}

/** What the HTTP server reports for /health (http/http-server.ts). */
export interface HttpStatsSource {
  stats(): Health['http'];
}

/** Register /health (declared in packages/shared/src/routes/system.ts), /ws and /console. */
export async function systemRoutes(
  app: FastifyInstance,
  api: RouteRegistrar,
  s: Services,
  gateway: GatewayStatsSource | null,
  http: HttpStatsSource,
): Promise<void> {
  const started = Date.now();
  // every WebSocket (this feed and the gateway's live video): per-address cap, frame rate
  const sockets = new SocketGuard(s.config.websocketLimits, s.logger, s.config.trustedProxies);
  sockets.install(app);
  api.implement(ROUTES.health, () => {
    let dbOk = true;
    try {
      dbOk = s.db.ping();
    } catch {
      dbOk = false;
    }
    const q = dbOk ? s.queue.stats() : { pending: 0, running: 0, failed: 0, oldest_pending_age_ms: null };
    const g = gateway?.stats() ?? { streams: 0, viewers: 0, perStream: [] };
    const body: Health = {
      // a process of the api or gateway role runs no job worker, and is not degraded for it
      status:
        dbOk &&
        (s.worker.isRunning || s.config.role === 'api' || s.config.role === 'gateway') &&
        (s.detectionThread?.running ?? true)
          ? 'ok'
          : 'degraded',
      version: SERVER_VERSION,
      uptime_s: Math.round((Date.now() - started) / 1000),
      database: { ok: dbOk, driver: s.db.engine },
      cluster: {
        process_id: s.cluster.id,
        role: s.config.role,
        leader: s.cluster.isLeader,
        processes: dbOk
          ? s.cluster.members().map((p) => ({
              id: p.id,
              role: p.role,
              host: p.host,
              url: p.url,
              version: p.version,
              started_at: p.started_at,
              heartbeat_at: new Date(p.heartbeat_at).toISOString(),
            }))
          : [],
      },
      queue: {
        pending: q.pending,
        running: q.running,
        failed: q.failed,
        oldest_pending_age_ms: q.oldest_pending_age_ms,
      },
      worker: {
        running: s.worker.isRunning && (s.detectionThread?.running ?? true),
        processed: s.worker.processed + (s.detectionThread?.processed ?? 0),
        detection_thread: s.detectionThread !== null,
        report_thread: s.reportThread === null ? 'none' : s.reportThread.running ? 'running' : 'idle',
      },
      websocket: { clients: s.hub.clientCount, last_event_id: s.hub.lastEventId, ...sockets.stats() },
      http: http.stats(),
      gateway: {
        streams: g.streams,
        viewers: g.viewers,
        bitrate_bps: g.perStream.reduce((sum, p) => sum + p.bitrate_bps, 0),
        per_stream: g.perStream.map((p) => ({
          stream_id: p.stream_id,
          quality: p.quality,
          protocol: p.protocol,
          state: p.state,
          viewers: p.viewers,
          bitrate_bps: p.bitrate_bps,
          uptime_ms: p.uptime_ms,
          restarts: p.restarts,
        })),
      },
    };
    // the same numbers, in the failure envelope: a load balancer takes the process out
    if (!dbOk) throw new PantauError('UNAVAILABLE', 'database unavailable', { health: body });
    return body;
  });

  app.get('/ws', { websocket: true }, (socket) => s.hub.attach(socket));

  const dir = s.config.consoleDir;
  if (dir && fs.existsSync(dir)) {
    // index.html is answered here, with a fresh style nonce in the page and in its CSP header
    // (packages/shared/src/csp.ts); the rest are static files
    const indexHtml = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    const page = (request: FastifyRequest, reply: FastifyReply) => {
      const nonce = crypto.randomBytes(16).toString('base64');
      const host = request.headers.host ?? '';
      // the console's own server, and its WebSocket origin ('self' names http(s) only in older Chromium)
      const own = /^[A-Za-z0-9.:[\]-]{1,260}$/.test(host)
        ? [`${isEncrypted(request.raw.socket) || request.protocol === 'https' ? 'wss' : 'ws'}://${host}`]
        : [];
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header(
          'content-security-policy',
          consolePolicy({ styleNonce: nonce, connectOrigins: own, frameAncestors: true }),
        )
        .send(withStyleNonce(indexHtml, nonce));
    };
    app.get('/console/', page);
    app.get('/console/index.html', page);
    await app.register(fastifyStatic, { root: dir, prefix: '/console/', decorateReply: false, index: false });
    app.get('/console', (_req, reply) => reply.redirect('/console/'));
    app.get('/', (_req, reply) => reply.redirect('/console/'));
  } else {
    app.get('/console', (_req, reply) =>
      reply
        .status(404)
        .send({ success: false, error: { code: 'NOT_FOUND', message: 'console not built: run `npm run build`' } }),
    );
  }
}
