/**
 * HLS sources (cameras or NVRs that publish `…/index.m3u8` over http/https) reach the console
 * through the server, not directly: the camera URL may carry credentials (S15: the console never
 * sees them) and camera web servers rarely send CORS headers. hls.js then plays
 * `/hls/streams/<id>/<quality>/<playlist name>?ticket=…`; every playlist, segment or part it
 * asks for under that prefix is fetched from the same place relative to the source's playlist,
 * with the source's credentials added by the server (HTTP Basic from the URL's user info).
 * The ticket travels in the query (it is longer than a path parameter may be), so every URI in
 * a proxied playlist gets `ticket=…` appended; the proxy removes it before asking the source.
 *
 * Tickets: the same signed live ticket as the WebSocket (60 s to start playing). HLS fetches
 * the playlist again every segment, for as long as it plays, with the URL it started with, so a
 * ticket that has been used stays good while it keeps being used: a gap longer than
 * {@link HLS_TICKET_IDLE_MS} ends it (the player then asks `/live` for a new URL, as on any
 * error). The user's scope is checked again on every playlist request.
 *
 * Only paths at or below the source playlist's folder on the source's origin are fetched (no
 * open proxy); absolute URIs in a playlist that point there are rewritten to relative ones so
 * they go through the proxy too, any others are left as they are.
 *
 * Figures: every request that passes the checks, every byte read from the source and every
 * failed fetch are reported to {@link HlsStats} (the gateway's `hls`), which turns them into
 * viewers, bitrate, uptime and state for `GET /api/v1/gateway/streams` and `/health`.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { StreamQuality } from '@pantau/shared';
import { redactCredentials } from './ffmpeg-upstream.js';
import type { StreamSource } from './gateway-types.js';
import type { HlsStats } from './hls-stats.js';
import { verifyLiveTicket } from './live-ticket.js';

/** A used ticket stays valid while requests keep coming at most this far apart, ms. */
export const HLS_TICKET_IDLE_MS = 30_000;
/** Give up on the source after this long without an answer, ms. */
export const HLS_UPSTREAM_TIMEOUT_MS = 10_000;
/** Largest playlist read (and rewritten), bytes. */
const MAX_PLAYLIST_BYTES = 1024 * 1024;

/** True when a stream is played with hls.js: protocol `hls`, or an http(s) URL ending in `.m3u8`. */
export function isHlsSource(source: StreamSource): boolean {
  let url: URL;
  try {
    url = new URL(source.url);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return source.protocol === 'hls' || url.pathname.toLowerCase().endsWith('.m3u8');
}

/** The console's URL for a stream's playlist (server-relative path with the ticket). */
export function hlsPlaylistPath(
  streamId: number,
  quality: StreamQuality,
  ticket: string,
  source: StreamSource,
): string {
  const name = new URL(source.url).pathname.split('/').pop() || 'index.m3u8';
  return `/hls/streams/${streamId}/${quality}/${name}?ticket=${encodeURIComponent(ticket)}`;
}

/** The source URL without user info, and its folder (ending in `/`). */
function sourceBase(source: StreamSource): { playlist: URL; dir: URL } {
  const playlist = new URL(source.url);
  playlist.username = '';
  playlist.password = '';
  return { playlist, dir: new URL('./', playlist) };
}

/**
 * Where a request for `rest` (the path after the ticket, decoded) and `query` goes upstream.
 * The playlist's own name maps to the source URL exactly (query included).
 * @returns the URL, or null when it would leave the source's folder or origin
 */
export function upstreamUrl(source: StreamSource, rest: string, query: string): URL | null {
  const { playlist, dir } = sourceBase(source);
  if (rest === playlist.pathname.split('/').pop() && query === '') return playlist;
  let target: URL;
  try {
    target = new URL(rest.split('/').map(encodeURIComponent).join('/') + (query ? `?${query}` : ''), dir);
  } catch {
    return null;
  }
  if (target.origin !== dir.origin || !target.pathname.startsWith(dir.pathname)) return null;
  return target;
}

/**
 * Rewrites the URIs of a playlist (segment lines and `URI="…"` attributes) so hls.js fetches
 * them through the proxy: absolute ones into the source's folder become relative, and every
 * relative one gets `ticket=<ticket>` added to its query. Absolute URIs elsewhere are left.
 */
export function rewritePlaylist(text: string, source: StreamSource, ticket: string): string {
  const { dir } = sourceBase(source);
  const withTicket = (uri: string): string =>
    `${uri}${uri.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`;
  const relative = (uri: string): string => {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) return uri.startsWith('/') ? uri : withTicket(uri);
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      return uri;
    }
    u.username = '';
    u.password = '';
    if (u.origin !== dir.origin || !u.pathname.startsWith(dir.pathname)) return uri;
    return withTicket(u.pathname.slice(dir.pathname.length) + u.search);
  };
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed === '') return line;
      if (!trimmed.startsWith('#')) return relative(trimmed);
      return line.replace(/URI="([^"]*)"/g, (_m, uri: string) => `URI="${relative(uri)}"`);
    })
    .join('\n');
}

/** Basic authorization from a URL's user info, or undefined. */
function basicAuth(source: StreamSource): string | undefined {
  const u = new URL(source.url);
  if (!u.username && !u.password) return undefined;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** What {@link hlsProxyRoutes} needs (a subset of the gateway's deps). */
export interface HlsProxyDeps {
  ticketSecret: Buffer;
  resolveSource(streamId: number, quality: StreamQuality, userId?: number): Promise<StreamSource | null>;
  /** Where each stream's requests, bytes and failures are counted (the gateway's `hls`). */
  stats: HlsStats;
}

/**
 * A failed fetch from the source, as `last_error` shows it: `<origin><path>: <problem>`, without
 * the query (it may hold a token), the user info or the password, at most 300 characters.
 */
export function upstreamFailure(source: StreamSource, target: URL, problem: string): string {
  return redactCredentials(`${target.origin}${target.pathname}: ${problem}`, source).slice(0, 300);
}

/** Why fetch() threw, in a few words: the cause's message (e.g. `connect ECONNREFUSED 10.0.0.7:80`) or the error's. */
function fetchProblem(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message ? cause.message : err.message;
}

const Params = z.object({
  id: z.coerce.number().int().positive(),
  quality: StreamQuality,
  '*': z.string().min(1).max(1024),
});

/** Answers an error the way hls.js reads it: a status and a short text. */
function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.status(status).header('cache-control', 'no-store').type('text/plain').send(message);
}

/**
 * Registers `GET /hls/streams/:id/:quality/*?ticket=`: 401 for a refused ticket, 404 for an
 * unknown stream, a path outside the source's folder or an upstream 404, 502 when the source
 * cannot be reached or fails, 504 when it does not answer within {@link HLS_UPSTREAM_TIMEOUT_MS}.
 * Requests that reach the source are counted in `deps.stats`: a playlist request counts its
 * ticket as a viewer; a source that cannot be reached, times out, answers an error (a segment's
 * 404 aside) or sends an oversized playlist is a failure.
 */
export async function hlsProxyRoutes(app: FastifyInstance, deps: HlsProxyDeps): Promise<void> {
  /** ticket → last request, ms. */
  const active = new Map<string, number>();
  const prune = (now: number) => {
    for (const [ticket, seen] of active) if (now - seen > HLS_TICKET_IDLE_MS) active.delete(ticket);
  };

  app.get('/hls/streams/:id/:quality/*', { schema: { hide: true } }, async (request, reply) => {
    const parsed = Params.safeParse(request.params);
    if (!parsed.success) return refuse(reply, 400, 'bad request');
    const { id, quality } = parsed.data;
    const rest = parsed.data['*'];
    const search = new URLSearchParams(
      request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '',
    );
    const ticket = search.get('ticket') ?? '';
    search.delete('ticket');
    if (ticket === '' || ticket.length > 512) return refuse(reply, 401, 'ticket required');
    const now = Date.now();
    prune(now);
    let verdict = verifyLiveTicket(deps.ticketSecret, ticket, now, { streamId: id, quality });
    // A ticket in use stays good (see the module comment): check everything but its expiry.
    if (!verdict.ok && verdict.error === 'EXPIRED' && active.has(ticket))
      verdict = verifyLiveTicket(deps.ticketSecret, ticket, 0, { streamId: id, quality });
    if (!verdict.ok) return refuse(reply, 401, verdict.message);
    const isPlaylist = rest.toLowerCase().endsWith('.m3u8');
    const source = await deps.resolveSource(id, quality, verdict.claims.userId);
    if (!source || !isHlsSource(source)) return refuse(reply, 404, `stream ${id} not found`);
    const target = upstreamUrl(source, rest, search.toString());
    if (!target) return refuse(reply, 404, 'outside the stream');
    active.set(ticket, now);
    deps.stats.request(id, quality, ticket, isPlaylist);
    const failed = (problem: string): void => deps.stats.failed(id, quality, upstreamFailure(source, target, problem));

    const auth = basicAuth(source);
    let res: Response;
    try {
      res = await fetch(target, {
        headers: auth ? { authorization: auth } : {},
        signal: AbortSignal.timeout(HLS_UPSTREAM_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      request.log.info({ streamId: id, quality, timedOut }, 'hls proxy: source unreachable');
      failed(timedOut ? `no answer within ${HLS_UPSTREAM_TIMEOUT_MS} ms` : `unreachable (${fetchProblem(err)})`);
      return refuse(reply, timedOut ? 504 : 502, timedOut ? 'source timed out' : 'source unreachable');
    }
    if (!res.ok) {
      await res.body?.cancel();
      // A segment gone from the live window is the player's lateness, not the source's fault.
      if (isPlaylist || res.status !== 404)
        failed(`answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
      return refuse(reply, res.status === 404 ? 404 : 502, `source answered ${res.status}`);
    }
    reply.header('cache-control', 'no-store');
    const type = res.headers.get('content-type');
    if (isPlaylist) {
      let bytes: Buffer;
      try {
        bytes = Buffer.from(await res.arrayBuffer());
      } catch (err) {
        failed(`playlist cut short (${fetchProblem(err)})`);
        return refuse(reply, 502, 'source failed');
      }
      deps.stats.received(id, quality, bytes.length);
      if (bytes.length > MAX_PLAYLIST_BYTES) {
        failed(`playlist of ${bytes.length} bytes, more than ${MAX_PLAYLIST_BYTES}`);
        return refuse(reply, 502, 'playlist too large');
      }
      const text = bytes.toString('utf8');
      deps.stats.playlistLoaded(id, quality, text);
      return reply.type(type ?? 'application/vnd.apple.mpegurl').send(rewritePlaylist(text, source, ticket));
    }
    if (type) reply.type(type);
    const length = res.headers.get('content-length');
    if (length) reply.header('content-length', length);
    if (!res.body) return reply.send(Buffer.alloc(0));
    // Count segment bytes as they arrive from the source (a segment the client abandons counts what was read).
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          deps.stats.received(id, quality, chunk.byteLength);
          controller.enqueue(chunk);
        },
      }),
    );
    return reply.send(Readable.fromWeb(counted as NodeReadableStream<Uint8Array>));
  });
}
