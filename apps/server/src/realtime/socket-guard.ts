/**
 * Limits on every WebSocket the server accepts (issue 16, item 12): the feed `/ws` and the
 * gateway's live video `/ws/streams/:id` alike, because both come through @fastify/websocket's
 * one `ws` server, whose `connection` event this guard listens to (it fires before the route's
 * handler, so no route needs to know).
 *
 * - **Concurrent sockets per client address**: at most `maxConnectionsPerAddress`; one more is
 *   accepted and closed at once with {@link SOCKET_CLOSE_CODES}.TOO_MANY_CONNECTIONS (4429) and
 *   the reason `too many connections from this address` (a browser cannot read the HTTP status
 *   of a refused upgrade, but it can read a close code). The address is `request.ip`: the
 *   client's own behind a proxy in `config.trustedProxies`, the socket's peer otherwise.
 * - **Frames per socket**: a token bucket of `messageBurst` frames refilled at
 *   `messagesPerSecond` (text, binary, ping and pong frames all count). A socket that empties it
 *   is closed with {@link SOCKET_CLOSE_CODES}.MESSAGE_RATE (1008, policy violation) and the reason
 *   `message rate limit exceeded`. The protocol's own traffic is one `auth`, an occasional
 *   `resume`, optional `ping`s and one pong per 10-s heartbeat (packages/shared/src/realtime.ts);
 *   the live video socket receives only.
 *
 * A refused socket that does not finish the closing handshake is cut after
 * {@link CLOSE_GRACE_MS} (ws would wait 30 s), so refusals cost no file for long. Refusals are
 * counted per reason for `/health` (`websocket.refused`) and logged at most once a minute.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import proxyAddr from 'proxy-addr';
import { SOCKET_CLOSE_CODES } from '@pantau/shared';

/** The limits (config.websocketLimits). */
export interface WebSocketLimits {
  /**
   * Open WebSockets per client address (default 200). A console opens one feed socket and one
   * per live tile: a 64-tile wall in "always live" mode is 65, so one workstation with three such
   * walls fits. Behind a reverse proxy that is not in `trustedProxies` every console shares the
   * proxy's address: trust the proxy, or raise this.
   */
  maxConnectionsPerAddress: number;
  /** Sustained frames per second a socket may send (default 20). */
  messagesPerSecond: number;
  /** Frames a socket may send at once (default 50): the bucket's size. */
  messageBurst: number;
}

/**
 * The limits from the environment (`PANTAU_WS_MAX_CONNECTIONS_PER_ADDRESS`,
 * `PANTAU_WS_MESSAGES_PER_S`, `PANTAU_WS_MESSAGE_BURST`) or their defaults (200, 20, 50).
 */
export function websocketLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): WebSocketLimits {
  const num = (v: string | undefined, def: number) => (v !== undefined && Number(v) > 0 ? Number(v) : def);
  return {
    maxConnectionsPerAddress: num(env.PANTAU_WS_MAX_CONNECTIONS_PER_ADDRESS, 200),
    messagesPerSecond: num(env.PANTAU_WS_MESSAGES_PER_S, 20),
    messageBurst: num(env.PANTAU_WS_MESSAGE_BURST, 50),
  };
}

/** How long a refused socket may take to finish closing before it is cut, ms. */
export const CLOSE_GRACE_MS = 2_000;

/** What `/health` shows under `websocket` (beside the hub's figures). */
export interface SocketGuardStats {
  /** Open WebSockets of every kind (feed and live video), authenticated or not. */
  connections: number;
  /** Client addresses with at least one open WebSocket. */
  addresses: number;
  max_connections_per_address: number;
  /** Sockets refused since start, by reason. */
  refused: { too_many_connections: number; message_rate: number };
}

/** Counts and refuses WebSockets; see the module's comment. */
export class SocketGuard {
  private readonly perAddress = new Map<string, number>();
  private open = 0;
  private readonly refused = { too_many_connections: 0, message_rate: 0 };
  private lastLog = 0;
  private readonly clientAddress: (raw: IncomingMessage) => string;

  /**
   * @param limits the caps
   * @param logger where refusals are logged (at most once a minute)
   * @param trustedProxies config.trustedProxies: the client address is worked out from the
   *   upgrade request the way Fastify's `request.ip` is (proxy-addr), so no hook runs on every
   *   HTTP request (the detection route's included) to carry it
   */
  constructor(
    private readonly limits: WebSocketLimits,
    private readonly logger: Pick<Logger, 'info'>,
    trustedProxies: readonly string[] = [],
  ) {
    const trust = proxyAddr.compile([...trustedProxies]);
    this.clientAddress = (raw) =>
      trustedProxies.length > 0 ? proxyAddr(raw, trust) : (raw.socket.remoteAddress ?? 'unknown');
  }

  /** Guard every WebSocket of `app` (call once, after @fastify/websocket is registered): listens to its ws server. */
  install(app: FastifyInstance): void {
    app.websocketServer.on('connection', (socket: WebSocket, raw: IncomingMessage) =>
      this.admit(socket, this.clientAddress(raw)),
    );
  }

  /** Count a new socket from `address`, or refuse it; from then on, meter its frames. */
  admit(socket: WebSocket, address: string): void {
    const n = this.perAddress.get(address) ?? 0;
    if (n >= this.limits.maxConnectionsPerAddress) {
      this.refuse(socket, 'too_many_connections', address);
      return;
    }
    this.perAddress.set(address, n + 1);
    this.open += 1;
    socket.once('close', () => {
      this.open -= 1;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
    // Token bucket, kept per socket here rather than in a keyed limiter: one closure, no map
    // lookups or timers on the path of every frame.
    const rate = this.limits.messagesPerSecond / 1000;
    const burst = this.limits.messageBurst;
    let tokens = burst;
    let at = Date.now();
    let over = false;
    const frame = () => {
      if (over) return;
      const now = Date.now();
      tokens = Math.min(burst, tokens + (now - at) * rate);
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      over = true;
      this.refuse(socket, 'message_rate', address);
    };
    socket.on('message', frame);
    socket.on('ping', frame);
    socket.on('pong', frame);
  }

  /** The figures for `/health`. */
  stats(): SocketGuardStats {
    return {
      connections: this.open,
      addresses: this.perAddress.size,
      max_connections_per_address: this.limits.maxConnectionsPerAddress,
      refused: { ...this.refused },
    };
  }

  private refuse(socket: WebSocket, reason: keyof SocketGuardStats['refused'], address: string): void {
    this.refused[reason] += 1;
    if (reason === 'too_many_connections')
      socket.close(SOCKET_CLOSE_CODES.TOO_MANY_CONNECTIONS, 'too many connections from this address');
    else socket.close(SOCKET_CLOSE_CODES.MESSAGE_RATE, 'message rate limit exceeded');
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    // a flood of refusals must not become a flood of log lines
    const now = Date.now();
    if (now - this.lastLog >= 60_000) {
      this.lastLog = now;
      this.logger.info({ reason, address, refused: this.refused }, 'websocket refused');
    }
  }
}
