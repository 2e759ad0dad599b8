/**
 * The WhatsApp Cloud API webhook (S4): the verification handshake and delivery statuses.
 *
 * - Handshake: Meta calls `GET …?hub.mode=subscribe&hub.verify_token=<ours>&hub.challenge=<n>`
 *   and expects the challenge back as the body.
 *   https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
 * - Notifications: `POST` with `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw
 *   body bytes under the app secret; compared in constant time. Anything that does not match
 *   (or arrives while no app secret is set) is refused with 401 and changes nothing.
 *   https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads
 * - Payload: `{ object: "whatsapp_business_account", entry: [{ changes: [{ field: "messages",
 *   value: { statuses: [{ id: "wamid…", status: "sent"|"delivered"|"read"|"failed", timestamp:
 *   "<unix s>", recipient_id, errors?: [{ code, title, message }] }] } }] }] }`.
 *   https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples
 *
 * Statuses may come in any order, be skipped or replayed: status-rules.ts decides, so a
 * delivery never goes backwards; each status's own time is kept even when it does not change
 * the status (a `delivered` arriving after `read` fills delivered_at). Replays change nothing.
 * Statuses of unknown message ids are counted and ignored (e.g. sent by another system).
 */
import crypto from 'node:crypto';
import { PantauError } from '@pantau/shared';
import type { SyncExecutor } from '../../db/sync-executor.js';
import type { DeliveryRow, NotificationRepository } from './notification-repository.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';
import type { ProviderSettingsStore } from './provider-settings.js';
import { nextStatus, timestampColumn, type ProviderStatus } from './status-rules.js';

/** One status of a webhook payload. */
interface StatusItem {
  id?: unknown;
  status?: unknown;
  timestamp?: unknown;
  errors?: Array<{ code?: unknown; title?: unknown; message?: unknown; error_data?: { details?: unknown } }>;
}

const KNOWN: ReadonlySet<string> = new Set(['sent', 'delivered', 'read', 'failed']);

/** What one webhook call did. */
export interface WebhookResult {
  /** Statuses read from the payload. */
  statuses: number;
  /** Deliveries whose status changed. */
  changed: number;
  /** Statuses of unknown message ids or unknown kinds. */
  ignored: number;
}

/** Verifies and applies Cloud API webhooks. */
export class WebhookService {
  constructor(
    private readonly repo: NotificationRepository,
    private readonly exec: SyncExecutor,
    private readonly providers: ProviderSettingsStore,
    private readonly dispatcher: NotificationDispatcher,
    private readonly onEvents: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The verification handshake.
   * @returns the challenge to echo
   * @throws PantauError FORBIDDEN when the mode or token is wrong, or no verify token is set
   */
  handshake(q: { 'hub.mode'?: string | undefined; 'hub.verify_token'?: string | undefined; 'hub.challenge'?: string | undefined }): string {
    const expected = this.providers.resolved().secrets.verify_token;
    const given = q['hub.verify_token'] ?? '';
    if (q['hub.mode'] !== 'subscribe' || !expected || !safeEqual(given, expected) || q['hub.challenge'] === undefined) {
      throw new PantauError('FORBIDDEN', 'webhook verification refused: wrong mode or verify token');
    }
    return q['hub.challenge'];
  }

  /**
   * Check the signature of a raw body.
   * @throws PantauError UNAUTHENTICATED (401) when it is missing or does not match
   */
  verify(raw: Buffer, header: string | undefined): void {
    const secret = this.providers.resolved().secrets.app_secret;
    if (!secret) throw new PantauError('UNAUTHENTICATED', 'webhook refused: no app secret is configured');
    const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
    if (!m) throw new PantauError('UNAUTHENTICATED', 'webhook refused: missing or malformed X-Hub-Signature-256');
    const want = crypto.createHmac('sha256', secret).update(raw).digest();
    const got = Buffer.from(m[1]!, 'hex');
    if (!crypto.timingSafeEqual(want, got)) throw new PantauError('UNAUTHENTICATED', 'webhook refused: signature does not match');
  }

  /**
   * Apply a verified payload in one transaction and broadcast what changed.
   * @throws PantauError INVALID_JSON when the body is not JSON
   */
  apply(raw: Buffer): WebhookResult {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new PantauError('INVALID_JSON', 'body is not valid JSON', { field: 'body' });
    }
    const items: StatusItem[] = [];
    for (const entry of asArray((body as { entry?: unknown })?.entry)) {
      for (const change of asArray((entry as { changes?: unknown })?.changes)) {
        items.push(...(asArray((change as { value?: { statuses?: unknown } })?.value?.statuses) as StatusItem[]));
      }
    }
    const result: WebhookResult = { statuses: items.length, changed: 0, ignored: 0 };
    this.exec.tx(() => {
      for (const s of items) {
        if (typeof s.id !== 'string' || typeof s.status !== 'string' || !KNOWN.has(s.status)) {
          result.ignored++;
          continue;
        }
        const d = this.repo.deliveryByProviderId('whatsapp_cloud', s.id);
        if (!d) {
          result.ignored++;
          continue;
        }
        if (this.applyOne(d, s.status as ProviderStatus, s)) result.changed++;
      }
    });
    if (result.changed) this.onEvents();
    return result;
  }

  /** @returns whether the status changed */
  private applyOne(d: DeliveryRow, incoming: ProviderStatus, s: StatusItem): boolean {
    const now = this.now();
    const seconds = Number(s.timestamp);
    const at = new Date(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : now).toISOString();
    const col = timestampColumn(incoming);
    const patch: Partial<DeliveryRow> = {};
    if (d[col] === null) patch[col] = at;
    const next = nextStatus(d.status, incoming);
    if (next !== null) {
      patch.status = next;
      patch.error = next === 'failed' ? failureText(s) : null;
    }
    if (Object.keys(patch).length === 0) return false;
    this.repo.updateDelivery(d.id, { ...patch, updated_at: new Date(now).toISOString() });
    if (next === null) return false;
    this.dispatcher.broadcast({ ...d, status: next, error: patch.error ?? null }, now);
    return true;
  }
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function failureText(s: StatusItem): string {
  const e = s.errors?.[0];
  if (!e) return 'provider reported failed';
  const detail = typeof e.error_data?.details === 'string' ? ` (${e.error_data.details})` : '';
  return `${String(e.code ?? '')} ${String(e.title ?? e.message ?? 'failed')}${detail}`.trim();
}

/** Constant-time comparison of two strings (their SHA-256, so lengths may differ). */
function safeEqual(a: string, b: string): boolean {
  const h = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();
  return crypto.timingSafeEqual(h(a), h(b));
}
