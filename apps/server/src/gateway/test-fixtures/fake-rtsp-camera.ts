/**
 * Test helpers for the RTSP relay: a scripted RTSP camera on 127.0.0.1 (no media: it answers
 * OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER and TEARDOWN, demands Basic or Digest with or
 * without qop, can expire its nonce, and sends interleaved frames on demand) and a small RTSP
 * client that reads messages and `$` frames apart. The Digest check here is written from RFC
 * 7616 §3.4.1 on its own, not with camera-auth.ts, so that the two check each other.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

export type FakeAuth = 'basic' | 'digest' | 'digest-qop';

export interface FakeRequest {
  method: string;
  uri: string;
  headers: Record<string, string>;
  /** Whether its Authorization was right. */
  authorized: boolean;
}

export interface FakeRtspCamera {
  port: number;
  /** `rtsp://user:password@127.0.0.1:<port><path>` with both percent-encoded. */
  url(user: string, password: string, path?: string): string;
  requests: FakeRequest[];
  /** Connections accepted so far. */
  connections: number;
  /** Answer the next request with a nonce expired (`stale=true`), once. */
  expireNonce(): void;
  /** Write raw bytes to the latest connection (frames, or a message). */
  send(bytes: Buffer): void;
  close(): Promise<void>;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function params(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
    out[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  return out;
}

/** Start a fake camera that accepts `user`/`password` by `auth`. */
export async function startFakeRtspCamera(auth: FakeAuth, user: string, password: string): Promise<FakeRtspCamera> {
  const realm = 'IP Camera(C1234)';
  let nonce = randomBytes(8).toString('hex');
  let expire = false;
  const seenNc = new Set<string>();
  let latest: net.Socket | null = null;
  const sockets = new Set<net.Socket>();

  const check = (method: string, uri: string, value: string | undefined): boolean => {
    if (!value) return false;
    if (auth === 'basic') return value === `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    if (!value.startsWith('Digest ')) return false;
    const p = params(value.slice(7));
    if (p.username !== user || p.realm !== realm || p.nonce !== nonce || p.uri !== uri) return false;
    const ha1 = md5(`${user}:${realm}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    if (auth === 'digest') return p.response === md5(`${ha1}:${nonce}:${ha2}`) && p.qop === undefined;
    if (p.qop !== 'auth' || !p.nc || !p.cnonce || seenNc.has(`${nonce}/${p.nc}`)) return false;
    seenNc.add(`${nonce}/${p.nc}`);
    return p.response === md5(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
  };

  const challenge = (stale: boolean): string =>
    auth === 'basic'
      ? `Basic realm="${realm}"`
      : `Digest realm="${realm}", nonce="${nonce}"${auth === 'digest-qop' ? ', qop="auth"' : ''}${stale ? ', stale=TRUE' : ''}`;

  const server = net.createServer((socket) => {
    camera.connections++;
    latest = socket;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      // requests only: the test clients send no interleaved frames
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const lines = buf.slice(0, end).split('\r\n');
        buf = buf.slice(end + 4);
        const [method = '', uri = ''] = lines[0]!.split(' ');
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        const cseq = headers.cseq ?? '0';
        let authorized = check(method, uri, headers.authorization);
        if (authorized && expire) {
          expire = false;
          authorized = false;
          nonce = randomBytes(8).toString('hex');
          camera.requests.push({ method, uri, headers, authorized });
          socket.write(`RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: ${challenge(true)}\r\n\r\n`);
          continue;
        }
        camera.requests.push({ method, uri, headers, authorized });
        if (!authorized) {
          socket.write(`RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: ${challenge(false)}\r\n\r\n`);
          continue;
        }
        let extra = '';
        let body = '';
        if (method === 'OPTIONS') extra = 'Public: OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN\r\n';
        if (method === 'DESCRIBE') {
          body = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=cam\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=control:track1\r\n';
          extra = `Content-Base: rtsp://127.0.0.1:${camera.port}/cam/\r\nContent-Type: application/sdp\r\n`;
        }
        if (method === 'SETUP') {
          const t = headers.transport ?? '';
          extra = `Session: 4711;timeout=60\r\nTransport: ${t.includes('interleaved') ? t : `${t};server_port=6970-6971`}\r\n`;
        }
        if (body) extra += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
        socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\n${extra}\r\n${body}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const camera: FakeRtspCamera = {
    port: (server.address() as net.AddressInfo).port,
    url: (u, p, path = '/cam?channel=1') =>
      `rtsp://${encodeURIComponent(u)}:${encodeURIComponent(p)}@127.0.0.1:${camera.port}${path}`,
    requests: [],
    connections: 0,
    expireNonce: () => (expire = true),
    send: (bytes) => latest?.write(bytes),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return camera;
}

/** One RTSP response as the client read it. */
export interface ClientResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A minimal RTSP client: sends requests with increasing CSeq, keeps `$` frames and responses apart. */
export class RtspTestClient {
  readonly socket: net.Socket;
  /** Every interleaved frame received, header included, in order. */
  readonly frames: Buffer[] = [];
  readonly responses: ClientResponse[] = [];
  /** Resolves when the relay accepts or refuses; `closed` says which. */
  closed = false;
  private cseq = 0;
  private buf = Buffer.alloc(0);
  private waiters: Array<(r: ClientResponse) => void> = [];

  constructor(port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('data', (d: Buffer) => this.read(d));
  }

  /** Send a request; resolves with its response. */
  request(method: string, uri: string, headers: Record<string, string> = {}): Promise<ClientResponse> {
    const lines = [
      `${method} ${uri} RTSP/1.0`,
      `CSeq: ${++this.cseq}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** CSeq of the last request sent. */
  get lastCseq(): number {
    return this.cseq;
  }

  private read(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length >= 4 && this.buf[0] === 0x24) {
        const end = 4 + this.buf.readUInt16BE(2);
        if (this.buf.length < end) return;
        this.frames.push(Buffer.from(this.buf.subarray(0, end)));
        this.buf = this.buf.subarray(end);
        continue;
      }
      const headEnd = this.buf.indexOf('\r\n\r\n');
      if (headEnd < 0 || this.buf[0] === 0x24) return;
      const lines = this.buf.toString('latin1', 0, headEnd).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (this.buf.length < headEnd + 4 + length) return;
      const response = {
        status: Number(lines[0]!.split(' ')[1]),
        headers,
        body: this.buf.toString('latin1', headEnd + 4, headEnd + 4 + length),
      };
      this.buf = this.buf.subarray(headEnd + 4 + length);
      this.responses.push(response);
      this.waiters.shift()?.(response);
    }
  }
}
