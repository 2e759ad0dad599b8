/**
 * A loopback RTSP relay that keeps camera passwords out of ffmpeg's command line (issue 16
 * item 3: every local user can read `/proc/<pid>/cmdline`, and ffmpeg takes RTSP credentials
 * only from the URL). Per ffmpeg or ffprobe run, {@link openRtspRelay} listens on 127.0.0.1 at a
 * random port; the child gets `rtsp://127.0.0.1:<port>/<path?query>`; the relay forwards its one
 * RTSP connection to the camera and answers the camera's 401 challenges itself (camera-auth.ts:
 * Basic, Digest with or without qop, stale nonces), adding `Authorization` to every request.
 *
 * What it changes on the way (all else passes byte for byte):
 * - client → camera: each request's Request-URI `rtsp://127.0.0.1:<port>` prefix becomes the
 *   camera's own (`rtsp://host:port`, as ffmpeg would have sent it), any `Authorization` is
 *   replaced by the relay's, and `CSeq` is renumbered once the relay has retried a request (a
 *   retry is a new request with its own CSeq, RFC 2326 §12.17).
 * - camera → client: a 401 the relay answers is dropped (the retry's response goes back under
 *   the client's CSeq); a UDP SETUP reply gets `source=<camera address>` (RFC 2326 §12.39) so that
 *   ffmpeg sends its RTP/RTCP to the camera rather than to the relay's 127.0.0.1 — RTP itself
 *   never passes the relay; only the control connection does.
 * - interleaved data (`$`, channel, 16-bit length, payload: RFC 2326 §10.12) is never copied: the
 *   camera → client parser walks frame headers and writes the camera's chunks through as they
 *   are, looking inside only at message boundaries (responses: a few per minute once playing).
 *
 * Security: the listener takes ONE connection — the first whose peer is the child process
 * (socket-owner.ts: the socket's inode in /proc/net/tcp among /proc/<pid>/fd) — and then closes;
 * any other connection is refused (destroyed) without a byte, so the port is no credential-free
 * back door for other local users. A connection refused does not use up the one slot: otherwise
 * any local user could deny a camera by connecting first. Off Linux (no /proc) the first
 * connection is taken unchecked. The relay ends when its child exits. Nothing it logs or
 * reports contains the password.
 *
 * The camera connection is opened at once, while the child starts (saves a round trip to the
 * first frame); when it fails, {@link CameraRelay.failure} tells why in the words ffmpeg itself
 * prints (`Connection to tcp://host:port failed: Connection refused`), which stream-problem.ts
 * maps to `unreachable`, and the child's connection is closed.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import { CameraAuthorizer, credentialsOf, parseChallenges } from './camera-auth.js';
import { CAN_CHECK_SOCKET_OWNER, peerIsProcess } from './socket-owner.js';

/** A relay opened for one child process. */
export interface CameraRelay {
  /** The URL to hand the child: the camera's path and query on 127.0.0.1, no credentials. */
  readonly url: string;
  /** The camera's URL without user info (for logs and tests). */
  readonly target: string;
  /** Why the camera could not be reached, in ffmpeg's words; null while it could. */
  readonly failure: string | null;
  /** Connections refused so far (not the child's, or after the first). */
  readonly refused: number;
  /** Only this process may connect; the relay closes once it exits. */
  bind(child: ChildProcess): void;
  /** Close the listener and both connections (idempotent). */
  close(): void;
}

/** Options of {@link openRtspRelay}. */
export interface RtspRelayOptions {
  /** Give up connecting to the camera after this long, ms. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * Decides whether an accepted connection comes from `pid`. Default: the /proc check
   * (socket-owner.ts) on Linux, anything elsewhere. Tests replace it only to count calls.
   */
  peerCheck?: (socket: net.Socket, pid: number) => Promise<boolean>;
}

/** strerror(3) texts ffmpeg prints for the socket errors Node reports by code. */
const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ECONNRESET: 'Connection reset by peer',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
};

/** `Connection to tcp://host:port failed: <strerror>`, as ffmpeg's tcp.c says it. */
export function connectFailure(host: string, port: number, err: NodeJS.ErrnoException): string {
  const words = (err.code && STRERROR[err.code]) ?? err.message;
  return `Connection to tcp://${host.includes(':') ? `[${host}]` : host}:${port} failed: ${words}`;
}

const EMPTY = Buffer.alloc(0);
const HEAD_END = Buffer.from('\r\n\r\n');
/** Largest header block and body (an SDP) parsed; past them the relay stops looking and pipes. */
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
/** Retries of one request the relay makes for a challenge (first 401, stale or rotated nonce). */
const MAX_RETRIES = 3;

/** One RTSP message split into parts (request or response). */
interface RtspMessage {
  /** Request line or status line. */
  start: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

function parseMessage(raw: Buffer, headEnd: number): RtspMessage {
  const lines = raw.toString('latin1', 0, headEnd).split(/\r?\n/);
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { start: lines[0] ?? '', headers, body: raw.subarray(headEnd + 4) };
}

function serialize(m: RtspMessage): Buffer {
  const head = [m.start, ...m.headers.map(([k, v]) => `${k}: ${v}`)].join('\r\n') + '\r\n\r\n';
  return m.body.length ? Buffer.concat([Buffer.from(head, 'latin1'), m.body]) : Buffer.from(head, 'latin1');
}

const header = (m: RtspMessage, name: string): string | undefined =>
  m.headers.find(([k]) => k.toLowerCase() === name)?.[1];

/**
 * Where the next message in `buf` from `pos` ends: `-1` when incomplete, `-2` when it cannot be
 * an RTSP message within the limits. Finds the blank line, then Content-Length.
 */
function messageEnd(buf: Buffer, pos: number): { end: number; headEnd: number } | -1 | -2 {
  const headEnd = buf.indexOf(HEAD_END, pos);
  if (headEnd < 0) return buf.length - pos > MAX_HEAD_BYTES ? -2 : -1;
  if (headEnd - pos > MAX_HEAD_BYTES) return -2;
  const m = /\r\ncontent-length[ \t]*:[ \t]*(\d+)/i.exec(buf.toString('latin1', pos, headEnd));
  const length = m ? Number(m[1]) : 0;
  if (length > MAX_BODY_BYTES) return -2;
  const end = headEnd + 4 + length;
  return end > buf.length ? -1 : { end, headEnd: headEnd - pos };
}

/** A request the relay sent and awaits the answer of. */
interface Pending {
  clientCseq: string;
  method: string;
  uri: string;
  message: RtspMessage;
  attempts: number;
  /** The nonce (or '' for Basic) its Authorization answered; null when it carried none. */
  answered: string | null;
}

/**
 * Open a relay for one RTSP camera URL with credentials.
 * @param cameraUrl `rtsp://` or `rtsps://` with user info (percent-encoded, as stored)
 * @returns once listening; the camera connection is being opened meanwhile
 * @throws TypeError when the URL is not RTSP or has no credentials
 */
export async function openRtspRelay(cameraUrl: string, options: RtspRelayOptions = {}): Promise<CameraRelay> {
  const url = new URL(cameraUrl);
  const secure = url.protocol === 'rtsps:';
  if (!secure && url.protocol !== 'rtsp:') throw new TypeError(`not an RTSP URL: ${url.protocol}`);
  const credentials = credentialsOf(url);
  if (!credentials) throw new TypeError('an RTSP URL without credentials needs no relay');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : secure ? 322 : 554;
  const relay = new RtspRelay(
    host,
    port,
    secure,
    `${url.protocol}//${url.hostname}:${port}`,
    `${url.pathname}${url.search}`,
    new CameraAuthorizer(credentials.user, credentials.password),
    options,
  );
  await relay.listen();
  return relay;
}

class RtspRelay implements CameraRelay {
  url = '';
  failure: string | null = null;
  refused = 0;
  readonly target: string;
  private readonly server = net.createServer({ pauseOnConnect: true, noDelay: true });
  private readonly camera: net.Socket;
  private client: net.Socket | null = null;
  private cameraReady = false;
  private closed = false;
  private localOrigin = '';
  private pid: number | null = null;
  private pidKnown: Promise<number | null>;
  private resolvePid: (pid: number | null) => void = () => undefined;
  private connectTimer: NodeJS.Timeout | null = null;
  // client → camera
  private up: Buffer = EMPTY;
  private nextCseq: number | null = null;
  private readonly pending = new Map<string, Pending>();
  /** A good answer came to an authorized request: a later 401 with a new nonce is worth a retry. */
  private verified = false;
  /** The camera refused the credentials: later requests go without, as ffmpeg's own would. */
  private rejected = false;
  // camera → client
  private down: Buffer = EMPTY;
  private skip = 0;
  /** Parsing gave up (not RTSP as expected): bytes are piped as they are from now on. */
  private raw = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    secure: boolean,
    private readonly cameraOrigin: string,
    private readonly pathAndQuery: string,
    private readonly auth: CameraAuthorizer,
    private readonly options: RtspRelayOptions,
  ) {
    this.target = `${cameraOrigin}${pathAndQuery}`;
    this.pidKnown = new Promise((resolve) => (this.resolvePid = resolve));
    // ffmpeg does not check an rtsps camera's certificate either (tls_verify=0 by default)
    this.camera = secure
      ? tls.connect({ host, port, rejectUnauthorized: false, ...(net.isIP(host) ? {} : { servername: host }) })
      : net.connect({ host, port, noDelay: true });
    this.connectTimer = setTimeout(() => {
      const err: NodeJS.ErrnoException = new Error('connect timed out');
      err.code = 'ETIMEDOUT';
      this.cameraFailed(err);
    }, options.connectTimeoutMs ?? 5000);
    this.camera.once(secure ? 'secureConnect' : 'connect', () => {
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
      this.cameraReady = true;
      if (this.client) this.client.resume();
    });
    this.camera.on('error', (err: NodeJS.ErrnoException) => {
      if (!this.cameraReady) this.cameraFailed(err);
      else this.closeWith('reset');
    });
    this.camera.on('data', (chunk: Buffer) => this.fromCamera(chunk));
    // the camera hung up: the child reads what is left, then sees the end (as without the relay)
    this.camera.on('close', () => {
      if (this.client && !this.client.destroyed) this.client.end();
      else this.close();
    });
    this.server.on('connection', (socket) => void this.accept(socket));
    this.server.on('error', () => this.close());
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        const { port } = this.server.address() as net.AddressInfo;
        this.localOrigin = `rtsp://127.0.0.1:${port}`;
        this.url = `${this.localOrigin}${this.pathAndQuery}`;
        resolve();
      });
    });
  }

  bind(child: ChildProcess): void {
    const pid = child.pid ?? null;
    this.pid = pid;
    this.resolvePid(pid);
    if (pid === null || child.exitCode !== null || child.signalCode !== null) return this.close();
    // let a TEARDOWN the child sent on its way out reach the camera, then end
    child.once('exit', () => {
      this.server.close();
      setTimeout(() => this.close(), 1000).unref();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.resolvePid(null);
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.server.close();
    this.client?.destroy();
    this.camera.destroy();
  }

  private closeWith(how: 'reset' | 'end'): void {
    if (how === 'reset' && this.client && !this.client.destroyed) this.client.resetAndDestroy();
    this.close();
  }

  private cameraFailed(err: NodeJS.ErrnoException): void {
    if (this.failure !== null || this.closed) return;
    this.failure = connectFailure(this.host, this.port, err);
    // the child cannot get anything without the camera: refuse it too (ffmpeg: "Connection refused")
    this.closeWith('reset');
  }

  private async accept(socket: net.Socket): Promise<void> {
    const pid = await this.pidKnown;
    const check = this.options.peerCheck ?? (CAN_CHECK_SOCKET_OWNER ? peerIsProcess : async () => true);
    const ok = pid !== null && !this.closed && this.client === null && (await check(socket, pid));
    if (!ok || this.client !== null || this.closed) {
      this.refused++;
      socket.destroy();
      return;
    }
    this.client = socket;
    this.server.close();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.fromClient(chunk));
    socket.on('end', () => this.camera.end());
    socket.on('error', () => this.close());
    socket.on('close', () => {
      // what the child sent last (its TEARDOWN) still goes out; then the camera gets a moment to close
      this.camera.end();
      setTimeout(() => this.close(), 1000).unref();
    });
    socket.on('drain', () => this.camera.resume());
    this.camera.on('drain', () => socket.resume());
    if (this.failure !== null) return this.closeWith('reset');
    if (this.cameraReady) socket.resume();
  }

  // ---- client → camera: requests (rewritten) and the child's RTCP frames (as they are) ----

  private fromClient(chunk: Buffer): void {
    if (this.raw) return this.toCamera(chunk);
    let buf = this.up.length ? Buffer.concat([this.up, chunk]) : chunk;
    let pos = 0;
    while (pos < buf.length) {
      const b = buf[pos]!;
      if (b === 0x24) {
        if (buf.length - pos < 4) break;
        const end = pos + 4 + buf.readUInt16BE(pos + 2);
        if (end > buf.length) break;
        this.toCamera(buf.subarray(pos, end));
        pos = end;
        continue;
      }
      if (b === 0x0d || b === 0x0a) {
        pos++;
        continue;
      }
      const found = messageEnd(buf, pos);
      if (found === -1) break;
      if (found === -2) {
        this.raw = true;
        this.toCamera(buf.subarray(pos));
        pos = buf.length;
        break;
      }
      const message = parseMessage(buf.subarray(pos, found.end), found.headEnd);
      if (message.start.startsWith('RTSP/'))
        this.toCamera(buf.subarray(pos, found.end)); // the child answering the camera
      else this.forwardRequest(message);
      pos = found.end;
    }
    buf = buf.subarray(pos);
    this.up = buf.length ? Buffer.from(buf) : EMPTY;
    if (this.camera.writableNeedDrain) this.client?.pause();
  }

  private toCamera(bytes: Buffer): void {
    if (this.cameraReady && !this.camera.destroyed) this.camera.write(bytes);
  }

  private forwardRequest(message: RtspMessage): void {
    const [method = '', uri = '', version = 'RTSP/1.0'] = message.start.split(' ');
    const clientCseq = header(message, 'cseq') ?? '';
    const sentUri = uri.toLowerCase().startsWith(this.localOrigin)
      ? this.cameraOrigin + uri.slice(this.localOrigin.length)
      : uri;
    const headers = message.headers.filter(([k]) => {
      const name = k.toLowerCase();
      return name !== 'authorization' && name !== 'cseq';
    });
    const pending: Pending = {
      clientCseq,
      method,
      uri: sentUri,
      message: { start: `${method} ${sentUri} ${version}`, headers, body: message.body },
      attempts: 0,
      answered: null,
    };
    this.send(pending);
  }

  private send(p: Pending): void {
    const n = Number(p.clientCseq);
    if (this.nextCseq === null) this.nextCseq = Number.isInteger(n) ? n : 1;
    const cseq = String(this.nextCseq++);
    const authorization = this.rejected ? null : this.auth.header(p.method, p.uri, p.message.body);
    p.answered = authorization === null ? null : (this.auth.current?.nonce ?? '');
    this.pending.set(cseq, p);
    const headers: Array<[string, string]> = [['CSeq', cseq], ...p.message.headers];
    if (authorization !== null) headers.push(['Authorization', authorization]);
    this.toCamera(serialize({ ...p.message, headers }));
  }

  // ---- camera → client: interleaved frames through untouched, responses looked at ----

  private fromCamera(chunk: Buffer): void {
    const client = this.client;
    if (!client || client.destroyed) return;
    if (this.raw) {
      if (!client.write(chunk)) this.camera.pause();
      return;
    }
    const buf = this.down.length ? Buffer.concat([this.down, chunk]) : chunk;
    this.down = EMPTY;
    let pos = 0;
    let from = 0; // bytes from here to pos go to the client unchanged
    while (pos < buf.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      const b = buf[pos]!;
      if (b === 0x24) {
        if (buf.length - pos < 4) break;
        this.skip = buf.readUInt16BE(pos + 2);
        pos += 4;
        continue;
      }
      if (b === 0x0d || b === 0x0a) {
        pos++;
        continue;
      }
      const found = messageEnd(buf, pos);
      if (found === -1) break;
      if (found === -2) {
        this.raw = true;
        pos = buf.length;
        break;
      }
      const replacement = this.onCameraMessage(buf.subarray(pos, found.end), found.headEnd);
      if (replacement !== null) {
        if (pos > from) client.write(buf.subarray(from, pos));
        if (replacement.length) client.write(replacement);
        from = found.end;
      }
      pos = found.end;
    }
    if (pos > from) client.write(buf.subarray(from, pos));
    // an incomplete frame header or message waits for the next chunk (rare: a few bytes)
    if (pos < buf.length) this.down = Buffer.from(buf.subarray(pos));
    if (client.writableNeedDrain) this.camera.pause();
  }

  /** @returns null to pass the message as it is, else what to send instead (empty: nothing) */
  private onCameraMessage(raw: Buffer, headEnd: number): Buffer | null {
    if (raw.toString('latin1', 0, 5) !== 'RTSP/') return null; // the camera asking the child something
    const m = parseMessage(raw, headEnd);
    const status = Number(m.start.split(' ')[1]);
    const cseq = header(m, 'cseq') ?? '';
    const p = this.pending.get(cseq);
    if (!p) return null;
    this.pending.delete(cseq);
    if (status === 401 && this.retry(p, m)) return EMPTY;
    if (p.answered !== null && status !== 401) this.verified = true;
    if (status === 401 && p.answered !== null) this.rejected = true;
    let changed = cseq !== p.clientCseq;
    const headers = m.headers.map(([k, v]): [string, string] => {
      const name = k.toLowerCase();
      if (name === 'cseq') return [k, p.clientCseq];
      if (name === 'transport' && p.method === 'SETUP' && status < 300) {
        const withSource = this.withSource(v);
        if (withSource !== v) changed = true;
        return [k, withSource];
      }
      return [k, v];
    });
    return changed ? serialize({ ...m, headers }) : null;
  }

  /** Retry a request the camera challenged, when the challenge is one worth answering. */
  private retry(p: Pending, m: RtspMessage): boolean {
    const challenge = parseChallenges(
      m.headers.filter(([k]) => k.toLowerCase() === 'www-authenticate').map(([, v]) => v),
    )[0];
    if (!challenge || p.attempts >= MAX_RETRIES || this.rejected) return false;
    const worth =
      p.answered === null || // first challenge
      (challenge.scheme === 'digest' && challenge.stale) || // expired nonce: the password was right
      (this.verified && challenge.nonce !== p.answered); // a camera that rotates nonces without `stale`
    if (!worth) return false;
    this.auth.use(challenge);
    p.attempts++;
    this.send(p);
    return true;
  }

  /** A UDP transport without `source=`: name the camera, so the child's RTP and RTCP go there. */
  private withSource(transport: string): string {
    if (/interleaved=|source=|\/TCP/i.test(transport)) return transport;
    const address = this.camera.remoteAddress;
    return address ? `${transport};source=${address}` : transport;
  }
}
