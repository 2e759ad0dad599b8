/**
 * Response headers and transport rules (issue 16):
 * - helmet on every answer but the device API's (machine clients; see the hook):
 *   `X-Content-Type-Options: nosniff`,
 *   `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, COOP, and a CSP of
 *   `default-src 'none'; frame-ancestors 'none'` for what is not a page (JSON, images, video).
 *   The console's index.html gets its own policy with a style nonce (routes/system-routes.ts),
 *   the API docs theirs (@fastify/swagger-ui's `staticCSP`).
 * - `Cross-Origin-Resource-Policy: cross-origin`: the Electron console (origin app://console)
 *   shows snapshots and stills with `<img>`; `same-origin` would block them there. They are
 *   still behind signed links or tickets.
 * - With TLS: a plain-HTTP request on the port is redirected (308: method and body kept,
 *   RFC 9110 §15.4.9) to https and never served; HSTS (one year) on answers that came over
 *   TLS, or through a trusted proxy that says `X-Forwarded-Proto: https`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { isEncrypted, type ConnectionGuard } from './http-server.js';

/** `Strict-Transport-Security` value: one year, this host only (a LAN address has no subdomains). */
export const HSTS = 'max-age=31536000';

/** The CSP of everything that is not a page. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Register the headers and, with TLS, the redirect of plain HTTP.
 * @param app the Fastify app (before routes)
 * @param tls whether the port speaks TLS
 * @param guard counts the redirects for /health
 * @param behindProxy whether trusted reverse proxies are configured (their `X-Forwarded-Proto`
 *   may say https); with neither TLS nor a proxy no answer can be over https, and no hook runs
 */
export async function installTransportSecurity(
  app: FastifyInstance,
  tls: boolean,
  guard: ConnectionGuard,
  behindProxy = false,
): Promise<void> {
  // helmet itself, built once. Not @fastify/helmet: it builds helmet's middleware (every
  // header value, the CSP string) anew on each request, which cost the detection route 15-20 %
  // of its 202/s (bench/README, guard of issue 16)
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // set below, only where the answer went over TLS
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    // the device API is called by cameras and edge boxes with X-API-Key/-Secret, which no page
    // can make a browser send (CORS grants only app://console): its answers are never rendered,
    // framed or sniffed by a browser, and its 202s are the hottest path (12 headers ≈ 4 % of them)
    if (request.routeOptions.config?.access === 'device') return done();
    headers(request.raw, reply.raw, (err) => done(err as Error | undefined));
  });
  if (tls) {
    app.addHook('onRequest', async (request, reply) => {
      if (isEncrypted(request.raw.socket)) return;
      guard.countRedirect();
      const host = safeHost(request);
      if (!host)
        return reply.status(400).send({
          success: false,
          error: { code: 'VALIDATION_ERROR', message: 'this server speaks https only', details: { field: 'host' } },
        });
      if (request.headers.upgrade) {
        // a WebSocket handshake: its socket is not the HTTP server's any more, so answer on it
        // and close it (left open, it would also hold the server's close)
        reply.hijack();
        const socket = request.raw.socket;
        socket.end(
          `HTTP/1.1 308 Permanent Redirect\r\nLocation: wss://${host}${request.url}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
        socket.destroySoon();
        return reply;
      }
      return reply
        .status(308)
        .header('location', `https://${host}${request.url}`)
        .header('connection', 'close')
        .send({
          success: false,
          error: { code: 'VALIDATION_ERROR', message: 'this server speaks https only', details: { field: 'url' } },
        });
    });
  }
  if (tls || behindProxy)
    app.addHook('onSend', (request, reply, payload, done) => {
      if (isEncrypted(request.raw.socket) || request.protocol === 'https')
        void reply.header('strict-transport-security', HSTS);
      done(null, payload);
    });
}

/** The request's Host header if it is a plain host[:port] (a redirect must not point anywhere a header says). */
function safeHost(request: FastifyRequest): string | null {
  const host = request.headers.host ?? '';
  return /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/.test(host) ? host : null;
}
