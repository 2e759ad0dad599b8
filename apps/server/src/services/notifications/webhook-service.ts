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
 * A status can beat our own commit of its message id: Meta often posts `sent` (sometimes
 * `delivered`) while the send call's answer is still on its way back, before the sender has
 * stored the id. Statuses of unknown ids are therefore parked in memory for
 * {@link PARK_TTL_MS} (at most {@link PARK_MAX} ids) and applied, in order, the moment the
 * sender commits that id ({@link WebhookService.applyParked}, in the same transaction). Ids
 * nobody claims in that time (sent by another system) are dropped. A server restart loses
 * the parked ones; the next status of the same message (delivered, read) still applies.
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
/** How long a status of a not-yet-known message id waits for its id to be committed, ms. */
export const PARK_TTL_MS = 10 * 60_000;
/** At most this many unknown message ids are parked; past it, new unknown ids are ignored. */
export const PARK_MAX = 10_000;

/** What one webhook call did. */
export interface WebhookResult {
  /** Statuses read from the payload. */
  statuses: number;
  /** Deliveries whose status changed. */
  changed: number;
  /** Statuses of unknown kinds, malformed ones, and unknown ids that could not be parked. */
  ignored: number;
  /** Statuses of message ids not (yet) known, parked until the sender commits the id. */
  parked: number;
}

/** Verifies and applies Cloud API webhooks. */
export class WebhookService {
  /** Unknown message id → its statuses in arrival order, and when the first arrived (ms). */
  private readonly parked = new Map<string, { at: number; items: StatusItem[] }>();

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
    const result: WebhookResult = { statuses: items.length, changed: 0, ignored: 0, parked: 0 };
    this.dropExpired();
    this.exec.tx(() => {
      for (const s of items) {
        if (typeof s.id !== 'string' || typeof s.status !== 'string' || !KNOWN.has(s.status)) {
          result.ignored++;
          continue;
        }
        const d = this.repo.deliveryByProviderId('whatsapp_cloud', s.id);
        if (!d) {
          if (this.park(s.id, s)) result.parked++;
          else result.ignored++;
          continue;
        }
        if (this.applyOne(d, s.status as ProviderStatus, s)) result.changed++;
      }
    });
    if (result.changed) this.onEvents();
    return result;
  }

  /**
   * Apply the statuses parked for a message id the sender has just stored (call inside the
   * transaction that stores it, after the delivery row carries the id).
   * @returns how many changed the delivery's status
   */
  applyParked(providerMessageId: string): number {
    const entry = this.parked.get(providerMessageId);
    if (!entry) return 0;
    this.parked.delete(providerMessageId);
    let changed = 0;
    for (const s of entry.items) {
      const d = this.repo.deliveryByProviderId('whatsapp_cloud', providerMessageId);
      if (d && this.applyOne(d, s.status as ProviderStatus, s)) changed++;
    }
    return changed;
  }

  /** Message ids with parked statuses now (for tests and /health-style inspection). */
  parkedIds(): string[] {
    this.dropExpired();
    return [...this.parked.keys()];
  }

  /** @returns false when the park is full and the id is new */
  private park(id: string, s: StatusItem): boolean {
    const entry = this.parked.get(id);
    if (entry) {
      if (!entry.items.some((i) => i.status === s.status && i.timestamp === s.timestamp)) entry.items.push(s);
      return true;
    }
    if (this.parked.size >= PARK_MAX) return false;
    this.parked.set(id, { at: this.now(), items: [s] });
    return true;
  }

  private dropExpired(): void {
    const cutoff = this.now() - PARK_TTL_MS;
    for (const [id, e] of this.parked) {
      // Map keeps insertion order: the first one young enough ends the scan
      if (e.at >= cutoff) break;
      this.parked.delete(id);
    }
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
