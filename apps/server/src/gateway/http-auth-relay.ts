/**
 * The HTTP counterpart of rtsp-auth-relay.ts: a loopback HTTP relay for an ffmpeg or ffprobe run
 * whose input is an http(s) camera URL with credentials (MPEG-TS or FLV over HTTP remuxed by
 * ffmpeg-upstream.ts; HLS and MJPEG sources probed by stream-probe.ts), so that the password is
 * not on the child's command line. HLS *playback* needs none: hls-proxy.ts fetches in Node.
 *
 * The child gets `http://127.0.0.1:<port>/<path?query>`; every request it sends is made again to
 * the camera (http or https; like ffmpeg, a camera's certificate is not checked) with the
 * camera's Host and the relay's own `Authorization`, answering 401 challenges as ffmpeg would
 * (camera-auth.ts: Basic, Digest), and the answer is streamed back. A redirect within the
 * camera's origin is pointed back at the relay. ffmpeg's HLS reader opens several connections
 * (the playlist, then segments), so this relay takes more than one; each is checked to come
 * from the child (socket-owner.ts) before any request on it is forwarded, others are destroyed.
 * It closes when the child exits.
 */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { CameraAuthorizer, credentialsOf, parseChallenges } from './camera-auth.js';
import { connectFailure, type CameraRelay } from './rtsp-auth-relay.js';
import { CAN_CHECK_SOCKET_OWNER, peerIsProcess } from './socket-owner.js';

/** Options of {@link openHttpRelay}. */
export interface HttpRelayOptions {
  /** Give up on a camera that does not answer a request's headers within this long, ms. Default 10 000. */
  timeoutMs?: number;
  /** Decides whether a connection comes from `pid`; default the /proc check on Linux. */
  peerCheck?: (socket: net.Socket, pid: number) => Promise<boolean>;
}

/** Largest request body kept for a retry after a challenge (ffmpeg sends GETs: none). */
const MAX_BODY_BYTES = 1024 * 1024;
/** Headers that describe one hop, not the message (RFC 9110 §7.6.1), and the child's own. */
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'authorization',
  'proxy-authorization',
]);

/**
 * Open a relay for one http(s) camera URL with credentials.
 * @returns once listening
 * @throws TypeError when the URL is not http(s) or has no credentials
 */
export async function openHttpRelay(cameraUrl: string, options: HttpRelayOptions = {}): Promise<CameraRelay> {
  const url = new URL(cameraUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`not an HTTP URL: ${url.protocol}`);
  const credentials = credentialsOf(url);
  if (!credentials) throw new TypeError('an HTTP URL without credentials needs no relay');
  url.username = '';
  url.password = '';
  const relay = new HttpRelay(url, new CameraAuthorizer(credentials.user, credentials.password), options);
  await relay.listen();
  return relay;
}

class HttpRelay implements CameraRelay {
  url = '';
  failure: string | null = null;
  refused = 0;
  readonly target: string;
  private readonly server: http.Server;
  private readonly checks = new WeakMap<net.Socket, Promise<boolean>>();
  private localOrigin = '';
  private pid: number | null = null;
  private pidKnown: Promise<number | null>;
  private resolvePid: (pid: number | null) => void = () => undefined;
  private closed = false;
  private verified = false;
  private rejected = false;
  private readonly agent: http.Agent;

  constructor(
    private readonly camera: URL,
    private readonly auth: CameraAuthorizer,
    private readonly options: HttpRelayOptions,
  ) {
    this.target = camera.toString();
    this.pidKnown = new Promise((resolve) => (this.resolvePid = resolve));
    const secure = camera.protocol === 'https:';
    this.agent = secure
      ? new https.Agent({ keepAlive: true, rejectUnauthorized: false })
      : new http.Agent({ keepAlive: true });
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket: net.Socket) => {
      const check = this.pidKnown.then((pid) => {
        const peerCheck = this.options.peerCheck ?? (CAN_CHECK_SOCKET_OWNER ? peerIsProcess : async () => true);
        return pid !== null && !this.closed ? peerCheck(socket, pid) : false;
      });
      this.checks.set(socket, check);
      void check.then((ok) => {
        if (ok) return;
        this.refused++;
        socket.destroy();
      });
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        const { port } = this.server.address() as net.AddressInfo;
        this.localOrigin = `http://127.0.0.1:${port}`;
        this.url = `${this.localOrigin}${this.camera.pathname}${this.camera.search}`;
        resolve();
      });
    });
  }

  bind(child: ChildProcess): void {
    const pid = child.pid ?? null;
    this.pid = pid;
    this.resolvePid(pid);
    if (pid === null || child.exitCode !== null || child.signalCode !== null) return this.close();
    child.once('exit', () => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.resolvePid(null);
    this.server.close();
    this.server.closeAllConnections();
    this.agent.destroy();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!(await this.checks.get(req.socket))) return void req.socket.destroy();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return void req.socket.destroy();
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
    const path = req.url?.startsWith('/') ? req.url : '/';
    this.forward(req, res, path, headers, body, 0);
  }

  private forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    headers: http.OutgoingHttpHeaders,
    body: Buffer,
    attempts: number,
  ): void {
    const method = req.method ?? 'GET';
    const authorization = this.rejected ? null : this.auth.header(method, path, body);
    const sentWith = authorization === null ? null : (this.auth.current?.nonce ?? '');
    const secure = this.camera.protocol === 'https:';
    const port = this.camera.port ? Number(this.camera.port) : secure ? 443 : 80;
    const upstream = (secure ? https : http).request({
      host: this.camera.hostname.replace(/^\[|\]$/g, ''),
      port,
      method,
      path,
      agent: this.agent,
      headers: { ...headers, host: this.camera.host, ...(authorization && { authorization }) },
      timeout: this.options.timeoutMs ?? 10_000,
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) return void res.destroy();
      this.failure = connectFailure(this.camera.hostname, port, err);
      // the child sees the camera's failure as a dropped connection, as it would have directly
      req.socket.resetAndDestroy();
    });
    upstream.on('response', (answer) => {
      const status = answer.statusCode ?? 502;
      if (status === 401 && !this.rejected) {
        const challenge = parseChallenges(([] as string[]).concat(answer.headers['www-authenticate'] ?? []))[0];
        const worth =
          challenge &&
          attempts < 3 &&
          (sentWith === null ||
            (challenge.scheme === 'digest' && challenge.stale) ||
            (this.verified && challenge.nonce !== sentWith));
        if (worth) {
          answer.resume();
          this.auth.use(challenge);
          return this.forward(req, res, path, headers, body, attempts + 1);
        }
        if (sentWith !== null) this.rejected = true;
      } else if (sentWith !== null) this.verified = true;
      const out: string[] = [];
      for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
        const name = answer.rawHeaders[i]!;
        let value = answer.rawHeaders[i + 1]!;
        const lower = name.toLowerCase();
        if (lower === 'connection' || lower === 'keep-alive' || lower === 'transfer-encoding') continue;
        if (lower === 'location' && value.startsWith(this.camera.origin))
          value = this.localOrigin + value.slice(this.camera.origin.length);
        out.push(name, value);
      }
      res.writeHead(status, answer.statusMessage, out);
      answer.pipe(res);
    });
    upstream.end(body);
  }
}
