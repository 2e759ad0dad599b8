/**
 * A stand-in WhatsApp provider for tests: a real HTTP server on 127.0.0.1 (random port) that
 * answers like the Cloud API (`POST /{phone-number-id}/messages`, `POST /{phone-number-id}/media`)
 * and like a Fonnte-style gateway (`POST /send`), records every request it receives, and can
 * be told to misbehave:
 *
 * | mode         | what a request gets                                             |
 * | ------------ | --------------------------------------------------------------- |
 * | `ok`         | 200 with a fresh message id                                     |
 * | `fail`       | 500 (Graph-style error body)                                     |
 * | `stall`      | nothing: the request is recorded and left hanging                |
 * | `rate-limit` | 429 with `Retry-After: <retryAfterS>` and Graph error code 130429 |
 * | `reject`     | 400 (Graph error 131026: message undeliverable)                  |
 * | `down`       | connection refused: the port is closed until another mode is set |
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type StandInMode = 'ok' | 'fail' | 'stall' | 'rate-limit' | 'reject' | 'down';

/** One request as received. */
export interface StandInRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** JSON bodies parsed; forms as a field → value map (files as `<file name (bytes)>`). */
  body: unknown;
  /** The files of a form, by field, as received (e.g. a report's PDF on `/media`). */
  files: Record<string, { name: string; type: string; data: Buffer }>;
  /** The mode it met. */
  mode: StandInMode;
  /** Message id answered (mode `ok` on a send), else null. */
  messageId: string | null;
  at: number;
}

/** The running stand-in. */
export class WhatsAppStandIn {
  readonly requests: StandInRequest[] = [];
  private mode: StandInMode = 'ok';
  private retryAfterS = 1;
  private seq = 0;
  private server: http.Server;
  private stalled: http.ServerResponse[] = [];
  port = 0;
  /**
   * Awaited after a send (mode `ok`) is given its message id and before it is answered: a
   * test posts a webhook status for that id here to play Meta's status beating the answer.
   */
  beforeAnswer: ((messageId: string) => void | Promise<void>) | null = null;

  private constructor() {
    this.server = this.create();
  }

  /** Start on a random port. */
  static async start(): Promise<WhatsAppStandIn> {
    const s = new WhatsAppStandIn();
    await s.listen(0);
    return s;
  }

  /** Base URL for the Cloud API provider (`base_url`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests that were message sends (not media uploads). */
  sends(): StandInRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/messages') || r.path === '/send');
  }

  /** Sends answered with a message id. */
  delivered(): StandInRequest[] {
    return this.sends().filter((r) => r.messageId !== null);
  }

  /**
   * Change behaviour. Leaving `down` opens the same port again; entering it closes the port and
   * drops open connections. Leaving `stall` drops the hanging requests' connections.
   */
  async setMode(mode: StandInMode, opts: { retryAfterS?: number } = {}): Promise<void> {
    if (opts.retryAfterS !== undefined) this.retryAfterS = opts.retryAfterS;
    const was = this.mode;
    this.mode = mode;
    if (was === 'stall' && mode !== 'stall') this.dropStalled();
    if (mode === 'down' && was !== 'down') {
      this.dropStalled();
      await new Promise<void>((r) => {
        this.server.close(() => r());
        this.server.closeAllConnections();
      });
    } else if (was === 'down' && mode !== 'down') {
      this.server = this.create();
      await this.listen(this.port);
    }
  }

  /** Stop for good. */
  async stop(): Promise<void> {
    this.dropStalled();
    if (this.mode === 'down') return;
    await new Promise<void>((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }

  private dropStalled(): void {
    for (const res of this.stalled.splice(0)) res.socket?.destroy();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private create(): http.Server {
    return http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.answer(req, res, Buffer.concat(chunks)));
    });
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const files: StandInRequest['files'] = {};
    const body = await parseBody(req, raw, files);
    const isSend = path.endsWith('/messages') || path === '/send';
    const rec: StandInRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      files,
      mode: this.mode,
      messageId: null,
      at: Date.now(),
    };
    this.requests.push(rec);
    const json = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    };
    switch (this.mode) {
      case 'stall':
        this.stalled.push(res);
        return;
      case 'fail':
        return json(500, { error: { message: 'stand-in: internal error', type: 'OAuthException', code: 1 } });
      case 'rate-limit':
        return json(
          429,
          { error: { message: 'stand-in: rate limit hit', code: 130429 } },
          { 'retry-after': String(this.retryAfterS) },
        );
      case 'reject':
        return json(400, { error: { message: 'stand-in: message undeliverable', code: 131026 } });
      case 'down':
      case 'ok':
        break;
    }
    if (path.endsWith('/media')) return json(200, { id: `media-${++this.seq}` });
    if (!isSend) return json(404, { error: { message: 'unknown path' } });
    const id = path === '/send' ? String(++this.seq) : `wamid.standin.${++this.seq}`;
    rec.messageId = id;
    if (this.beforeAnswer) await this.beforeAnswer(id);
    if (path === '/send')
      return json(200, { status: true, detail: 'success! message in queue', id: [id], process: 'pending' });
    const to = (body as { to?: string } | null)?.to ?? '';
    return json(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] });
  }
}

async function parseBody(req: http.IncomingMessage, raw: Buffer, files: StandInRequest['files']): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return raw.toString('utf8');
    }
  }
  if (type.includes('multipart/form-data') || type.includes('application/x-www-form-urlencoded')) {
    const form = await new Request('http://stand-in/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(raw),
    }).formData();
    const out: Record<string, string> = {};
    for (const [k, v] of form) {
      if (typeof v === 'string') out[k] = v;
      else {
        out[k] = `<file ${v.name} (${v.size})>`;
        files[k] = { name: v.name, type: v.type, data: Buffer.from(await v.arrayBuffer()) };
      }
    }
    return out;
  }
  return raw.toString('utf8');
}
