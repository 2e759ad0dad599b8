/**
 * HTTP and WebSocket routes of the stream gateway (DESIGN S15):
 *
 * - `GET /api/v1/streams/:id/live?quality=sub|main&codecs=h264,hevc&height=` (signed-in user) →
 *   `{ success: true, data: LiveStream }` whose `url` is `/ws/streams/<id>?quality=…&ticket=…`
 *   (with `&delivery=transcode&height=…` when the console cannot decode the camera's codec:
 *   codec negotiation, issue 15; past the transcode limit a main stream falls back to the
 *   substream, or the request fails with UNAVAILABLE, field `codecs`).
 * - `GET /ws/streams/:id?quality=&ticket=` (WebSocket) → binary MPEG-TS messages for mpegts.js
 *   (`{ type: 'mpegts', isLive: true, url: 'ws://…' }`). Refusals close the socket with a code
 *   from {@link LIVE_CLOSE_CODES} and a reason, because a browser cannot read an HTTP status of
 *   a refused upgrade.
 * - HLS sources instead get `player: 'hls'` and a URL of the HLS proxy (hls-proxy.ts).
 * - `GET /api/v1/gateway/streams` (signed-in user) → what the gateway carries now, in the user's
 *   scope: viewers, bitrate, uptime per (stream, quality), MPEG-TS (`protocol: 'rtsp'`) and HLS
 *   (`protocol: 'hls'`) alike.
 *
 * The console never sees camera credentials: they stay in `resolveSource`'s answer, which only
 * the gateway's ffmpeg gets.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import {
  IdParams,
  LiveStreamQuery,
  PantauError,
  ROUTES,
  type GatewayStream,
  type LiveStream,
  type StreamQuality,
} from '@pantau/shared';
import { implementRoute } from '../http/route.js';
import type { GatewayLogger, StreamSource } from './gateway-types.js';
import { hlsPlaylistPath, hlsProxyRoutes, isHlsSource } from './hls-proxy.js';
import { DEFAULT_TICKET_TTL_MS, createLiveTicket, verifyLiveTicket } from './live-ticket.js';
import { CLOSE_TRANSCODE_LIMIT, type Delivery, type StreamGateway } from './stream-gateway.js';
import { transcodeHeight } from './h264-encoder.js';
import { redactCredentials } from './ffmpeg-upstream.js';
import { streamProblemOf } from './stream-problem.js';
import type { AudioMode } from './ffmpeg-args.js';

/** WebSocket close codes the viewer endpoint uses. */
export const LIVE_CLOSE_CODES = {
  /** The gateway is shutting down, or the stream stopped. */
  GOING_AWAY: 1001,
  /** Unexpected server error (e.g. resolving the stream failed). */
  INTERNAL_ERROR: 1011,
  /** Missing or malformed `:id`, `quality` or `ticket`. */
  BAD_REQUEST: 4400,
  /** Ticket missing, forged, expired or for another stream/quality. */
  UNAUTHORIZED: 4401,
  /** No such stream, or no longer visible to the ticket's user. */
  NOT_FOUND: 4404,
  /** The viewer could not keep up; reconnect to get the live edge. */
  SLOW_VIEWER: 4408,
  /** A transcode was asked for and the limit of concurrent transcodes is reached. */
  TRANSCODE_LIMIT: CLOSE_TRANSCODE_LIMIT,
} as const;

/**
 * How long a still request waits for a camera's first key frame, ms. A camera nobody was watching
 * takes 1–1.5 s (connect, then its next key frame; longer on a busy machine): past this the answer
 * is 503 while its remux goes on starting, so a console does not hold one of its few connections
 * to the server for seconds per camera (a 36-tile wall filling its stills did, and starved itself).
 */
export const STILL_WAIT_MS = 1500;

/** A source as the gateway sees it, plus what the last probe found it sends (issue 15). */
export interface ResolvedSource extends StreamSource {
  /** Video codec (ffprobe's name), null until probed. */
  codec: string | null;
  /** Height, px, null until probed. */
  height: number | null;
  /** Whether the stream has a substream of its own (the main stream's fallback). */
  hasSub: boolean;
  /** Audio codec (ffprobe's name), null when it sends none or was never probed. */
  audioCodec?: string | null;
}

/** What {@link gatewayRoutes} needs; the app supplies it. */
export interface GatewayDeps {
  gateway: StreamGateway;
  /** HMAC key for live tickets, at least 16 bytes (from config). */
  ticketSecret: Buffer;
  /** How long a ticket lets the player connect, ms. Default 60 000. */
  ticketTtlMs?: number;
  /** Returns the signed-in user or throws a PantauError('UNAUTHENTICATED'). */
  authenticate(request: FastifyRequest): Promise<{ id: number }>;
  /** The source URL WITH credentials for a stream and quality, or null if no such stream / not visible to the user. */
  resolveSource(streamId: number, quality: StreamQuality, userId?: number): Promise<ResolvedSource | null>;
  /** Probe a stream now (what it sends), when it was never probed; resolves when recorded. Optional. */
  probe?(streamId: number): Promise<unknown>;
  /** How long the live route waits for such a probe, ms. Default 4000. */
  probeWaitMs?: number;
}

/** Query of the viewer WebSocket. */
const ViewerQuery = z.object({
  quality: LiveStreamQuery.shape.quality,
  height: LiveStreamQuery.shape.height,
  audio: LiveStreamQuery.shape.audio,
  delivery: z.enum(['copy', 'transcode']).default('copy'),
  ticket: z.string().min(1).max(512),
});

/** What the console can decode, from `codecs` (absent: H.264 only, what every MSE browser plays). */
const decodable = (codecs: string | undefined): Set<string> => new Set(codecs ? codecs.split(',') : ['h264']);

const OPEN = 1;

/** Close a socket with a code and a reason (trimmed to the 123 bytes a close frame allows). */
function refuse(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === OPEN) socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
}

/**
 * Fastify plugin with the gateway's two routes. Register it after `@fastify/websocket` and
 * after the zod validator/serializer compilers (fastify-type-provider-zod) are set:
 * `await app.register(gatewayRoutes, deps)`.
 * HTTP errors are thrown as PantauError (UNAUTHENTICATED 401, NOT_FOUND 404 with field `id`)
 * for the app's error handler; bad `id`/`quality` fail the route schema (400).
 * `app.close()` also closes the gateway (every viewer gets 1001, every ffmpeg is stopped).
 */
export async function gatewayRoutes(app: FastifyInstance, deps: GatewayDeps): Promise<void> {
  const ttlMs = deps.ticketTtlMs ?? DEFAULT_TICKET_TTL_MS;
  // Viewers and ffmpeg processes must not outlive the server.
  app.addHook('onClose', async () => deps.gateway.close());
  // Authenticate before validating, so strangers get 401 and learn nothing about inputs.
  const users = new WeakMap<FastifyRequest, { id: number }>();

  const authenticate = async (request: FastifyRequest) => {
    users.set(request, await deps.authenticate(request));
  };
  const userOfRequest = (request: FastifyRequest) => {
    const user = users.get(request);
    if (!user) throw new PantauError('UNAUTHENTICATED', 'sign in first');
    return user;
  };

  /** The source of (stream, quality) for the user, probed first if it never was (bounded wait). */
  const sourceOf = async (id: number, quality: StreamQuality, userId: number): Promise<ResolvedSource | null> => {
    const source = await deps.resolveSource(id, quality, userId);
    if (!source || source.codec !== null || !deps.probe || isHlsSource(source)) return source;
    const wait = deps.probeWaitMs ?? 4000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      deps.probe(id).catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, wait))),
    ]);
    clearTimeout(timer);
    return deps.resolveSource(id, quality, userId);
  };

  implementRoute(
    app,
    ROUTES.liveStream,
    async (request): Promise<LiveStream> => {
      const user = userOfRequest(request);
      const { id } = request.params;
      const { codecs, height } = request.query;
      let quality = request.query.quality;
      let source = await sourceOf(id, quality, user.id);
      if (!source) throw new PantauError('NOT_FOUND', `stream ${id} not found`, { field: 'id' });
      const hls = isHlsSource(source);
      const canDecode = decodable(codecs);
      const needsTranscode = (s: ResolvedSource) => !isHlsSource(s) && s.codec !== null && !canDecode.has(s.codec);
      let delivery: Delivery = 'copy';
      let fallback: LiveStream['fallback'] = null;
      if (needsTranscode(source)) {
        if (deps.gateway.canTranscode(id, quality)) delivery = 'transcode';
        else {
          // the grid's substream rather than nothing, if it can be shown without a new transcode
          const sub = quality === 'main' && source.hasSub ? await sourceOf(id, 'sub', user.id) : null;
          const subFits = sub && (!needsTranscode(sub) || deps.gateway.canTranscode(id, 'sub'));
          if (!sub || !subFits)
            throw new PantauError(
              'UNAVAILABLE',
              `this console cannot decode ${source.codec} and the server's limit of ${deps.gateway.maxTranscodes} concurrent transcodes is reached`,
              { field: 'codecs', reason: 'transcode_limit', codec: source.codec },
            );
          quality = 'sub';
          source = sub;
          fallback = 'transcode_limit';
          delivery = needsTranscode(sub) ? 'transcode' : 'copy';
        }
      }
      const { ticket, expiresAt } = createLiveTicket(deps.ticketSecret, {
        streamId: id,
        quality,
        userId: user.id,
        ttlMs,
      });
      // audio only where there is some (the probe says), and not for HLS (hls.js plays what the camera muxed)
      const audioCodec = source.audioCodec ?? null;
      const audio = request.query.audio === '1' && audioCodec !== null && !hls;
      const extra =
        (delivery === 'transcode' ? `&delivery=transcode${height ? `&height=${height}` : ''}` : '') +
        (audio ? '&audio=1' : '');
      return {
        stream_id: id,
        quality,
        player: hls ? ('hls' as const) : ('mpegts' as const),
        codec: source.codec,
        delivery,
        fallback,
        audio_codec: audioCodec,
        audio,
        url: hls
          ? hlsPlaylistPath(id, quality, ticket, source)
          : `/ws/streams/${id}?quality=${quality}${extra}&ticket=${encodeURIComponent(ticket)}`,
        expires_at: new Date(expiresAt).toISOString(),
      };
    },
    { onRequest: authenticate },
  );

  implementRoute(
    app,
    ROUTES.streamStill,
    async (request, reply) => {
      const user = userOfRequest(request);
      const { id } = request.params;
      const { quality, height } = request.query;
      const source = await deps.resolveSource(id, quality, user.id);
      if (!source) throw new PantauError('NOT_FOUND', `stream ${id} not found`, { field: 'id' });
      if (isHlsSource(source))
        throw new PantauError('UNAVAILABLE', 'stills come from RTSP and MPEG-TS streams; this one is HLS', {
          field: 'id',
        });
      let still: { jpeg: Buffer; at: number };
      try {
        still = await deps.gateway.still({
          streamId: id,
          quality,
          height: height ?? null,
          waitMs: STILL_WAIT_MS,
          source: {
            url: source.url,
            protocol: source.protocol,
            ...(source.transport && { transport: source.transport }),
          },
        });
      } catch (err) {
        const message = redactCredentials(err instanceof Error ? err.message : String(err));
        const problem = streamProblemOf(message);
        throw new PantauError('UNAVAILABLE', `no still from the camera: ${message}`, {
          field: 'id',
          ...(problem && { problem }),
        });
      }
      return reply
        .header('content-type', 'image/jpeg')
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('x-still-at', new Date(still.at).toISOString())
        .send(still.jpeg);
    },
    { onRequest: authenticate },
  );

  implementRoute(
    app,
    ROUTES.gatewayStreams,
    async (request) => {
      const user = userOfRequest(request);
      const visible: GatewayStream[] = [];
      for (const s of deps.gateway.stats().perStream) {
        if (!(await deps.resolveSource(s.stream_id, s.quality, user.id))) continue;
        visible.push({
          stream_id: s.stream_id,
          quality: s.quality,
          protocol: s.protocol,
          state: s.state,
          viewers: s.viewers,
          bitrate_bps: s.bitrate_bps,
          bytes_in: s.bytes_in,
          uptime_ms: s.uptime_ms,
          restarts: s.restarts,
          last_error: s.last_error,
          problem: s.problem,
          delivery: s.delivery,
          audio: s.audio,
          codec: s.codec,
          encoder: s.encoder,
          output_height: s.output_height,
          cpu_percent: s.cpu_percent,
        });
      }
      return visible;
    },
    { onRequest: authenticate },
  );

  await hlsProxyRoutes(app, { ...deps, stats: deps.gateway.hls });

  app.get('/ws/streams/:id', { websocket: true, schema: { hide: true } }, (socket, request) => {
    attachViewer(socket, request, deps, request.log).catch((err: unknown) => {
      request.log.error({ err }, 'gateway: cannot attach viewer');
      refuse(socket, LIVE_CLOSE_CODES.INTERNAL_ERROR, 'internal error');
    });
  });
}

/** Check the viewer's ticket, find the stream's source and hand the socket to the gateway. */
async function attachViewer(
  socket: WebSocket,
  request: FastifyRequest,
  deps: GatewayDeps,
  log: GatewayLogger,
): Promise<void> {
  const params = IdParams.safeParse(request.params);
  const query = ViewerQuery.safeParse(request.query);
  if (!params.success || !query.success) {
    const issue = (params.error ?? query.error)?.issues[0];
    const field = issue?.path.join('.') || 'query';
    if (field === 'ticket') return refuse(socket, LIVE_CLOSE_CODES.UNAUTHORIZED, 'ticket required');
    return refuse(socket, LIVE_CLOSE_CODES.BAD_REQUEST, `invalid ${field}`);
  }
  const streamId = params.data.id;
  const { quality, ticket, delivery, height } = query.data;
  const verdict = verifyLiveTicket(deps.ticketSecret, ticket, Date.now(), { streamId, quality });
  if (!verdict.ok) {
    log.info({ streamId, quality, reason: verdict.error }, 'gateway: ticket refused');
    return refuse(socket, LIVE_CLOSE_CODES.UNAUTHORIZED, verdict.message);
  }
  const source = await deps.resolveSource(streamId, quality, verdict.claims.userId);
  if (socket.readyState !== OPEN) return; // the viewer left while we looked
  if (!source) return refuse(socket, LIVE_CLOSE_CODES.NOT_FOUND, `stream ${streamId} not found`);
  const streamSource: StreamSource = {
    url: source.url,
    protocol: source.protocol,
    ...(source.transport && { transport: source.transport }),
  };
  // AAC plays as it is; G.711 and the rest become AAC (browsers' MSE takes no G.711)
  const audioMode: AudioMode | null =
    query.data.audio === '1' && source.audioCodec ? (source.audioCodec === 'aac' ? 'copy' : 'aac') : null;
  if (delivery === 'copy')
    return void deps.gateway.attach({ streamId, quality, source: streamSource, socket, audio: audioMode });
  const encoder = await deps.gateway.encoder();
  if (socket.readyState !== OPEN) return;
  deps.gateway.attach({
    streamId,
    quality,
    source: streamSource,
    socket,
    delivery,
    audio: audioMode,
    transcode: { encoder, height: transcodeHeight(height, source.height) },
  });
}
