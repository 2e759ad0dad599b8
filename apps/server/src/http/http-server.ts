/**
 * The listening socket under Fastify (issue 16): plain HTTP, or HTTPS and WSS on the same
 * port, with the time limits and per-address connection cap that keep slow or greedy clients
 * from holding the server's sockets and files, counted for `/health`.
 *
 * - Timeouts (Node's http.Server): the whole request within `requestTimeoutMs` (a body trickled
 *   a byte every 10 s is cut), the headers within `headersTimeoutMs`, an idle keep-alive
 *   connection closed after `keepAliveTimeoutMs`, checked every second (Node's default check
 *   runs every 30 s, which would let a 30 s limit hold a socket for a minute).
 * - A connection that sends nothing at all is closed after `headersTimeoutMs`.
 * - At most `maxConnectionsPerAddress` open TCP connections per client address (WebSockets
 *   included); the reverse proxies named in `trustedProxies` carry many clients, so they are
 *   not capped here (the per-address limits behind them use the forwarded address).
 * - With TLS, a plain-HTTP request on the port is answered with a 308 to the same URL over
 *   https (httpolyglot tells the protocols apart by the first byte), and never served.
 *   httpolyglot (@httptoolkit/httpolyglot, HTTP Toolkit's maintained fork) is used rather than
 *   our own sniffing: re-feeding a peeked byte into Node's TLS needs its socket internals.
 */
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import * as httpolyglot from '@httptoolkit/httpolyglot';
import proxyAddr from 'proxy-addr';
import type { FastifyServerFactory } from 'fastify';
import type { TlsIdentity } from '../security/tls.js';

/** The answer to a connection past the per-address cap (plain HTTP): 429 in the envelope, try again in a second. */
const OVER_CAP_BODY = JSON.stringify({
  success: false,
  error: {
    code: 'RATE_LIMITED',
    message: 'too many open connections from this address; try again shortly',
    details: { field: null, reason: 'connections_per_address' },
  },
});
const OVER_CAP_ANSWER =
  `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\n` +
  `Connection: close\r\nContent-Length: ${Buffer.byteLength(OVER_CAP_BODY)}\r\n\r\n${OVER_CAP_BODY}`;

/** Time limits and caps of the HTTP server. */
export interface HttpLimits {
  /** The whole request (headers and body) must arrive within this, ms (default 30 000). */
  requestTimeoutMs: number;
  /** The request line and headers must arrive within this, ms (default 10 000). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this, ms (default 10 000). */
  keepAliveTimeoutMs: number;
  /**
   * Open TCP connections one client address may hold (default 1,024: a 64-tile wall opens ~70; a
   * site's cameras behind one NAT address, posting a burst of detections at once, open one each).
   */
  maxConnectionsPerAddress: number;
}

/** The limits from the environment (`PANTAU_HTTP_REQUEST_TIMEOUT_MS`, `…_HEADERS_TIMEOUT_MS`, `…_KEEP_ALIVE_TIMEOUT_MS`, `PANTAU_MAX_CONNECTIONS_PER_ADDRESS`). */
export function httpLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpLimits {
  const num = (v: string | undefined, def: number) => (v !== undefined && Number(v) > 0 ? Number(v) : def);
  return {
    requestTimeoutMs: num(env.PANTAU_HTTP_REQUEST_TIMEOUT_MS, 30_000),
    headersTimeoutMs: num(env.PANTAU_HTTP_HEADERS_TIMEOUT_MS, 10_000),
    keepAliveTimeoutMs: num(env.PANTAU_HTTP_KEEP_ALIVE_TIMEOUT_MS, 10_000),
    maxConnectionsPerAddress: num(env.PANTAU_MAX_CONNECTIONS_PER_ADDRESS, 1024),
  };
}

/** What `/health` shows of the HTTP server. */
export interface HttpConnectionStats {
  tls: boolean;
  open_connections: number;
  peak_connections: number;
  /** Addresses holding a connection now. */
  open_addresses: number;
  request_timeout_ms: number;
  headers_timeout_ms: number;
  keep_alive_timeout_ms: number;
  max_connections_per_address: number;
  /** Since the start: connections closed for going over the per-address cap. */
  refused_over_cap: number;
  /** Since the start: requests cut for arriving too slowly (408), connections that sent nothing. */
  timed_out: number;
  /** Since the start: request lines and headers over 16 KiB (431). */
  headers_too_large: number;
  /** Since the start: plain-HTTP requests on the TLS port, redirected. */
  plain_http_redirected: number;
}

/**
 * Counts and caps connections, and answers the HTTP parser's refusals in the envelope.
 */
export class ConnectionGuard {
  private readonly perAddress = new Map<string, number>();
  private readonly seen = new WeakSet<net.Socket>();
  private readonly trusted: (addr: string) => boolean;
  private open = 0;
  private peak = 0;
  private counts = { refused_over_cap: 0, timed_out: 0, headers_too_large: 0, plain_http_redirected: 0 };

  /**
   * @param limits the caps and time limits
   * @param trustedProxies addresses or CIDR ranges of reverse proxies (not capped)
   * @param tls whether the server speaks TLS (for the figures)
   */
  constructor(
    readonly limits: HttpLimits,
    trustedProxies: readonly string[],
    private readonly tls: boolean,
  ) {
    const trust = proxyAddr.compile([...trustedProxies]);
    this.trusted = (addr) => trustedProxies.length > 0 && trust(addr, 0);
  }

  /** A new TCP connection (each one once, however many inner servers announce it). */
  onConnection(socket: net.Socket): void {
    if (socket instanceof tls.TLSSocket || this.seen.has(socket)) return;
    this.seen.add(socket);
    const addr = socket.remoteAddress ?? 'unknown';
    const n = this.perAddress.get(addr) ?? 0;
    if (n >= this.limits.maxConnectionsPerAddress && !this.trusted(addr)) {
      this.counts.refused_over_cap += 1;
      // plain HTTP: say why in the envelope (a client sees 429 and Retry-After, not a hang-up);
      // the request is not read. Over TLS nothing can be said before the handshake.
      if (this.tls) socket.destroy();
      else socket.end(OVER_CAP_ANSWER, () => socket.destroy());
      return;
    }
    this.perAddress.set(addr, n + 1);
    this.open += 1;
    this.peak = Math.max(this.peak, this.open);
    socket.once('close', () => {
      this.open -= 1;
      const left = (this.perAddress.get(addr) ?? 1) - 1;
      if (left > 0) this.perAddress.set(addr, left);
      else this.perAddress.delete(addr);
    });
    // a connection that never sends a byte is not a request Node's timers know of yet. A plain
    // timer, not socket.setTimeout: the HTTP server destroys a socket on any 'timeout' nobody
    // else handles, which would cut a request that is merely slow between two bytes
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0 && !socket.destroyed) {
        this.counts.timed_out += 1;
        socket.destroy();
      }
    }, this.limits.headersTimeoutMs);
    silent.unref();
    socket.once('close', () => clearTimeout(silent));
  }

  /**
   * Fastify's `clientErrorHandler`: the parser's refusals (a request too slow, headers over
   * 16 KiB, bytes that are not HTTP) as the failure envelope, then the connection closed.
   */
  readonly clientErrorHandler = (err: NodeJS.ErrnoException, socket: net.Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let status = 400;
    let error: { code: string; message: string; details: { field: string } };
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      this.counts.timed_out += 1;
      status = 408;
      error = { code: 'REQUEST_TIMEOUT', message: 'the request did not arrive in time', details: { field: 'body' } };
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      this.counts.headers_too_large += 1;
      status = 431;
      error = {
        code: 'HEADERS_TOO_LARGE',
        message: 'the URL and headers are larger than 16 KiB',
        details: { field: 'url' },
      };
    } else {
      error = { code: 'VALIDATION_ERROR', message: 'not a valid HTTP request', details: { field: 'request' } };
    }
    const body = JSON.stringify({ success: false, error });
    if (socket.writable)
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    socket.destroy();
  };

  /** A plain-HTTP request reached the TLS port (counted; see {@link redirectPlainHttp}). */
  countRedirect(): void {
    this.counts.plain_http_redirected += 1;
  }

  /** The figures for `/health`. */
  stats(): HttpConnectionStats {
    return {
      tls: this.tls,
      open_connections: this.open,
      peak_connections: this.peak,
      open_addresses: this.perAddress.size,
      request_timeout_ms: this.limits.requestTimeoutMs,
      headers_timeout_ms: this.limits.headersTimeoutMs,
      keep_alive_timeout_ms: this.limits.keepAliveTimeoutMs,
      max_connections_per_address: this.limits.maxConnectionsPerAddress,
      ...this.counts,
    };
  }
}

/**
 * The `serverFactory` for Fastify: an http.Server, or with TLS an httpolyglot server whose TLS
 * connections (HTTP/1.1; no ALPN offered) and plain ones reach the same handler.
 * @param identity certificate and key, or null for plain HTTP
 * @param guard the connection counter and caps
 */
export function serverFactory(identity: TlsIdentity | null, guard: ConnectionGuard): FastifyServerFactory {
  const { limits } = guard;
  const httpOptions: http.ServerOptions = {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs / 2),
  };
  return (handler) => {
    if (!identity) {
      const server = http.createServer(httpOptions, handler);
      server.on('connection', (s: net.Socket) => guard.onConnection(s));
      return server;
    }
    const server = httpolyglot.createServer(
      {
        http: httpOptions,
        // a handshake that stalls is cut like headers that do
        tls: {
          cert: identity.cert,
          key: identity.key,
          handshakeTimeout: limits.headersTimeoutMs,
          minVersion: 'TLSv1.2',
        },
      },
      handler,
    );
    server.on('connection', (s: net.Socket) => guard.onConnection(s));
    // httpolyglot's inner http.Server never listens itself, and Node starts an http.Server's
    // connection tracking (the request/header timeouts, closeIdleConnections) on 'listening':
    // start it when the outer server listens, stop it when it closes
    const inner = (server as unknown as { _httpServer: http.Server })._httpServer;
    const track = inner.listeners('listening').find((f) => f.name === 'setupConnectionsTracking');
    if (!track)
      throw new Error('this Node version tracks HTTP connections differently: the TLS server would have no timeouts');
    let tracking = false;
    server.on('listening', () => {
      if (tracking) return;
      tracking = true;
      track.call(inner);
    });
    server.on('close', () => {
      if (!tracking) return;
      tracking = false;
      // http.Server#close clears the tracking interval, then reports "not running": expected
      inner.close(() => undefined);
    });
    // Fastify closes idle keep-alive connections on close through these (http.Server has them)
    Object.assign(server, {
      closeIdleConnections: () => inner.closeIdleConnections(),
      closeAllConnections: () => inner.closeAllConnections(),
    });
    return server as unknown as http.Server;
  };
}

/**
 * Whether a request came over TLS on this socket (not through a proxy's `X-Forwarded-Proto`).
 * @param socket the request's socket
 */
export function isEncrypted(socket: net.Socket): boolean {
  return (socket as tls.TLSSocket).encrypted === true;
}
