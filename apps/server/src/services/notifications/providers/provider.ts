/**
 * One interface over the WhatsApp providers (S4): the Cloud API (whatsapp-cloud.ts) and an
 * HTTP gateway in the style of Fonnte (http-gateway.ts). A provider sends one message to one
 * number and either resolves with the provider's message id or throws a {@link ProviderError}
 * whose `kind` tells the sender what is known about the message:
 *
 * | kind           | meaning                                                   | sender does                 |
 * | -------------- | --------------------------------------------------------- | --------------------------- |
 * | `unavailable`  | it certainly did not go out (connection refused, 5xx, DNS) | retry on the WhatsApp schedule |
 * | `rate_limited` | the provider refused it for now (429, Meta 130429/131056) | retry after `retryAfterMs`, attempt not counted |
 * | `rejected`     | the provider refused it for good (bad number, bad token)   | mark failed, no retry       |
 * | `uncertain`    | the request may have reached the provider (timeout, reset) | mark uncertain, no resend   |
 */

/** One message to send. */
export interface OutgoingMessage {
  /** E.164, e.g. `+6281234567890`. */
  to: string;
  /** The rendered text (body or caption). */
  text: string;
  /** A snapshot to attach (absolute path, JPEG/PNG/WebP), or null. */
  image: { path: string; mime: string } | null;
  /** A document to attach instead (a counting report's PDF, issue 13), or null/absent. */
  document?: OutgoingDocument | null;
  /** Values of the template's body parameters, in order (template mode). */
  templateParams: string[];
}

/** A file sent as a WhatsApp document message. */
export interface OutgoingDocument {
  data: Buffer;
  /** shown to the recipient, e.g. `pantau-daily-2026-12-01-jakarta-pusat.pdf` */
  filename: string;
  mime: string;
}

/** What a provider answered. */
export interface SendResult {
  providerMessageId: string;
  /** HTTP status of the send call. */
  httpStatus: number;
}

/** A WhatsApp provider. */
export interface NotificationProvider {
  /** Stored with each delivery: `whatsapp_cloud`, `http_gateway`. */
  readonly name: string;
  /**
   * Send one message.
   * @param signal aborts the HTTP call (the attempt's timeout or the worker stopping)
   * @throws ProviderError
   */
  send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult>;
}

export type ProviderErrorKind = 'unavailable' | 'rate_limited' | 'rejected' | 'uncertain';

/** A failed send, classified by what is known about the message. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly httpStatus: number | null = null,
    /** `rate_limited`: how long the provider asked us to wait, ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** Connection errors that prove no byte of the request reached the provider. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Classify a `fetch` rejection: refused or unresolvable connections are `unavailable`;
 * anything else (our timeout, a reset while the request was in flight) is `uncertain`.
 * @param beforeSend true for calls that do not send the message themselves (a media upload): then every failure is `unavailable`
 */
export function classifyFetchError(err: unknown, signal: AbortSignal, beforeSend = false): ProviderError {
  if (err instanceof ProviderError) return err;
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (err as { code?: string })?.code;
  const text = `${(err as Error)?.message ?? String(err)}${cause?.message ? `: ${cause.message}` : ''}${code ? ` (${code})` : ''}`;
  if (beforeSend) return new ProviderError('unavailable', text);
  if (!signal.aborted && code && NOT_SENT_CODES.has(code)) return new ProviderError('unavailable', text);
  return new ProviderError(
    'uncertain',
    signal.aborted
      ? `no answer before the attempt ended: ${String((signal.reason as Error)?.message ?? signal.reason)}`
      : text,
  );
}

/**
 * `Retry-After` (seconds, or an HTTP date; RFC 9110 §10.2.3) as ms, clamped to 1 s .. 1 h;
 * `fallbackMs` when absent or unreadable.
 */
export function retryAfterMs(header: string | null, fallbackMs = 60_000, now: number = Date.now()): number {
  let ms = fallbackMs;
  if (header) {
    const s = Number(header.trim());
    if (Number.isFinite(s)) ms = s * 1000;
    else {
      const t = Date.parse(header);
      if (Number.isFinite(t)) ms = t - now;
    }
  }
  return Math.min(3_600_000, Math.max(1000, Math.round(ms)));
}

/** E.164 without the `+`: what both providers take as the recipient. */
export function digitsOf(e164: string): string {
  return e164.replace(/^\+/, '');
}
