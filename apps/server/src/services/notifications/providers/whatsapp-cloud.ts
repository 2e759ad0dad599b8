/**
 * WhatsApp Cloud API provider (Meta Graph API).
 *
 * - Send: `POST {base}/{phone-number-id}/messages` with `Authorization: Bearer <token>` and
 *   `{ messaging_product: "whatsapp", recipient_type: "individual", to, type, ... }`; the answer
 *   holds `messages[0].id` (a `wamid.…`), the id the status webhook reports on.
 *   https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 * - Image: uploaded first with `POST {base}/{phone-number-id}/media` (multipart: `file`, `type`,
 *   `messaging_product`), then sent by media id with the text as caption.
 *   https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
 * - Document (a counting report's PDF): uploaded the same way, sent as `type: "document"` with
 *   its file name and the text as caption.
 * - Template messages (business-initiated, outside the 24-hour window): `type: "template"` with
 *   the approved template's name, language and body parameters, and the image (or the
 *   document, with the report template) as header.
 *   https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
 * - Errors: HTTP 429 or Graph error codes 130429 (throughput), 131056 (pair rate: one message
 *   per ~6 s to the same number) and 80007 are rate limits; 5xx is unavailable; other 4xx are
 *   rejections. https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
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

/** Default Graph API base (version pinned; configurable). */
export const GRAPH_BASE_URL = 'https://graph.facebook.com/v21.0';

const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131056]);

export interface WhatsAppCloudOptions {
  baseUrl?: string | undefined;
  phoneNumberId: string;
  accessToken: string;
  mode: 'text' | 'template';
  templateName?: string | undefined;
  /** The approved template a report's document goes out with in template mode. */
  reportTemplateName?: string | undefined;
  templateLanguage: string;
  fetch?: typeof fetch;
}

/** The Cloud API behind the provider interface. */
export class WhatsAppCloudProvider implements NotificationProvider {
  readonly name = 'whatsapp_cloud';
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly o: WhatsAppCloudOptions) {
    this.base = (o.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '');
    this.doFetch = o.fetch ?? fetch.bind(globalThis);
  }

  /** @throws ProviderError (see provider.ts) */
  async send(m: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    const doc = m.document ?? null;
    if (doc && this.o.mode === 'template' && !this.o.reportTemplateName)
      throw new ProviderError(
        'rejected',
        'template mode needs a report template name (report_template_name) for reports',
      );
    const mediaId = doc
      ? await this.upload(new Blob([doc.data], { type: doc.mime }), doc.mime, doc.filename, signal)
      : m.image
        ? await this.uploadFile(m.image, signal)
        : null;
    const body: Record<string, unknown> = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: digitsOf(m.to),
    };
    if (this.o.mode === 'template') {
      const name = doc ? this.o.reportTemplateName : this.o.templateName;
      if (!name) throw new ProviderError('rejected', 'template mode needs a template name');
      const components: unknown[] = [];
      if (mediaId && doc)
        components.push({
          type: 'header',
          parameters: [{ type: 'document', document: { id: mediaId, filename: doc.filename } }],
        });
      else if (mediaId) components.push({ type: 'header', parameters: [{ type: 'image', image: { id: mediaId } }] });
      components.push({ type: 'body', parameters: m.templateParams.map((text) => ({ type: 'text', text })) });
      Object.assign(body, {
        type: 'template',
        template: { name, language: { code: this.o.templateLanguage }, components },
      });
    } else if (mediaId && doc) {
      Object.assign(body, { type: 'document', document: { id: mediaId, filename: doc.filename, caption: m.text } });
    } else if (mediaId) {
      Object.assign(body, { type: 'image', image: { id: mediaId, caption: m.text } });
    } else {
      Object.assign(body, { type: 'text', text: { preview_url: false, body: m.text } });
    }
    let res: Response;
    let json: unknown;
    try {
      res = await this.doFetch(`${this.base}/${this.o.phoneNumberId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      json = await res.json().catch(() => null);
    } catch (err) {
      throw classifyFetchError(err, signal);
    }
    if (!res.ok) throw graphError(res, json);
    const id = (json as { messages?: Array<{ id?: unknown }> } | null)?.messages?.[0]?.id;
    // the provider took the message but its answer carries no id: we cannot follow it
    if (typeof id !== 'string' || !id)
      throw new ProviderError('uncertain', `HTTP ${res.status} without messages[0].id`, res.status);
    return { providerMessageId: id, httpStatus: res.status };
  }

  /** Upload an image file (see {@link upload}). */
  private async uploadFile(image: { path: string; mime: string }, signal: AbortSignal): Promise<string> {
    let data: Buffer;
    try {
      data = await fs.readFile(image.path);
    } catch (err) {
      throw new ProviderError('unavailable', `cannot read the snapshot: ${(err as Error).message}`);
    }
    return this.upload(new Blob([data], { type: image.mime }), image.mime, path.basename(image.path), signal);
  }

  /** Upload a file to /media; nothing is sent to the recipient yet, so every failure is retryable. */
  private async upload(file: Blob, mime: string, filename: string, signal: AbortSignal): Promise<string> {
    let res: Response;
    let json: unknown;
    try {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', mime);
      form.set('file', file, filename);
      res = await this.doFetch(`${this.base}/${this.o.phoneNumberId}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.accessToken}` },
        body: form,
        signal,
      });
      json = await res.json().catch(() => null);
    } catch (err) {
      throw classifyFetchError(err, signal, true);
    }
    if (!res.ok) {
      const e = graphError(res, json);
      throw e.kind === 'uncertain' ? new ProviderError('unavailable', e.message, e.httpStatus) : e;
    }
    const id = (json as { id?: unknown } | null)?.id;
    if (typeof id !== 'string')
      throw new ProviderError('unavailable', 'media upload answered without an id', res.status);
    return id;
  }
}

/** A Graph API error answer as a ProviderError. */
function graphError(res: Response, json: unknown): ProviderError {
  const e = (json as { error?: { message?: string; code?: number } } | null)?.error;
  const text = `HTTP ${res.status}${e?.code !== undefined ? ` (code ${e.code})` : ''}: ${e?.message ?? res.statusText}`;
  if (res.status === 429 || (e?.code !== undefined && RATE_LIMIT_CODES.has(e.code))) {
    return new ProviderError('rate_limited', text, res.status, retryAfterMs(res.headers.get('retry-after')));
  }
  if (res.status >= 500 || res.status === 408) return new ProviderError('unavailable', text, res.status);
  return new ProviderError('rejected', text, res.status);
}
