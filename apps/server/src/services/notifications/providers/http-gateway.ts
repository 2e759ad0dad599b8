/**
 * An HTTP WhatsApp gateway in the style of Fonnte (https://docs.fonnte.com/api-send-message/):
 * `POST <send URL>` with the token in the `Authorization` header (no scheme) and a form with
 * `target` (the number, digits only), `message`, and optionally `file` (an attachment: a snapshot,
 * or a counting report's PDF with its `filename`) or `url`.
 * The answer is JSON `{ status: true, id: ["<message id>"], … }` on success, or
 * `{ status: false, reason }` — often with HTTP 200, so the body decides.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  ProviderError,
  classifyFetchError,
  digitsOf,
  retryAfterMs,
  type NotificationProvider,
  type OutgoingMessage,
  type SendResult,
} from './provider.js';

/** Default send URL. */
export const GATEWAY_SEND_URL = 'https://api.fonnte.com/send';

export interface HttpGatewayOptions {
  url?: string | undefined;
  token: string;
  fetch?: typeof fetch;
}

/** A Fonnte-style gateway behind the provider interface. */
export class HttpGatewayProvider implements NotificationProvider {
  readonly name = 'http_gateway';
  private readonly doFetch: typeof fetch;

  constructor(private readonly o: HttpGatewayOptions) {
    this.doFetch = o.fetch ?? fetch.bind(globalThis);
  }

  /** @throws ProviderError (see provider.ts) */
  async send(m: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    const form = new FormData();
    form.set('target', digitsOf(m.to));
    form.set('message', m.text);
    if (m.document) {
      form.set('file', new Blob([m.document.data], { type: m.document.mime }), m.document.filename);
      form.set('filename', m.document.filename);
    } else if (m.image) {
      try {
        form.set(
          'file',
          new Blob([await fs.readFile(m.image.path)], { type: m.image.mime }),
          path.basename(m.image.path),
        );
      } catch (err) {
        throw new ProviderError('unavailable', `cannot read the snapshot: ${(err as Error).message}`);
      }
    }
    let res: Response;
    let json: unknown;
    try {
      res = await this.doFetch(this.o.url ?? GATEWAY_SEND_URL, {
        method: 'POST',
        headers: { authorization: this.o.token },
        body: form,
        signal,
      });
      json = await res.json().catch(() => null);
    } catch (err) {
      throw classifyFetchError(err, signal);
    }
    const body = json as { status?: unknown; id?: unknown; reason?: unknown } | null;
    if (res.status === 429)
      throw new ProviderError(
        'rate_limited',
        `HTTP 429: ${String(body?.reason ?? 'rate limited')}`,
        429,
        retryAfterMs(res.headers.get('retry-after')),
      );
    if (res.status >= 500 || res.status === 408)
      throw new ProviderError(
        'unavailable',
        `HTTP ${res.status}: ${String(body?.reason ?? res.statusText)}`,
        res.status,
      );
    if (!res.ok || body?.status !== true) {
      const reason = String(body?.reason ?? res.statusText);
      // a disconnected device or a spent quota passes; a bad token or number does not
      const kind = /disconnect|quota|limit|busy|try again/i.test(reason) ? 'unavailable' : 'rejected';
      throw new ProviderError(kind, `HTTP ${res.status}: ${reason}`, res.status);
    }
    const ids = Array.isArray(body.id) ? body.id : [body.id];
    const id = ids[0];
    if ((typeof id !== 'string' && typeof id !== 'number') || id === '')
      throw new ProviderError('uncertain', `HTTP ${res.status} without a message id`, res.status);
    return { providerMessageId: String(id), httpStatus: res.status };
  }
}
