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
 *
 * The park. A status can beat our own commit of its message id: Meta often posts `sent`
 * (sometimes `delivered`) while the send call's answer is still on its way back, before the
 * sender has stored the id. We answer 200 for such a status, so Meta will not send it again:
 * it is acknowledged, and nothing acknowledged may be lost. So statuses of unknown ids are
 * parked on disk (`notification_status_parked`, migration 008; SQL in
 * repositories/parked-status-repository.ts) in the webhook's own transaction, and applied in arrival order
 * under the same never-backwards rules:
 * - when the sender commits that id ({@link WebhookService.applyParked}, called from the
 *   sender's `afterSent`, inside the transaction that stores the id: the rows are read,
 *   applied and deleted in it, so they are either applied or still parked, never neither);
 * - when a later status of the same id arrives and the id is known by then (the parked ones
 *   first, being older);
 * - at start ({@link WebhookService.applyClaimed}): every parked id that a delivery carries
 *   by now, whatever path stored it.
 * Limits: at most {@link PARK_MAX} distinct ids (past it a status of a new unknown id is
 * ignored and counted so), each status at most {@link PARK_TTL_MS} old. Ids nobody claims in
 * that time (messages sent by another system on the same number, or a send whose answer never
 * reached us: that delivery is `uncertain` and its id unknown) are dropped by a sweep that runs
 * at start, before each webhook and in {@link WebhookService.parkedIds}, and logs at warn what
 * it dropped.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { PantauError } from '@pantau/shared';
import type { SyncExecutor } from '../../db/sync-executor.js';
import type { DeliveryRow, NotificationRepository } from '../../repositories/notification-repository.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';
import type { ParkedStatusRepository, ParkedStatusRow } from '../../repositories/parked-status-repository.js';
import type { ProviderSettingsStore } from './provider-settings.js';
import { nextStatus, timestampColumn, type ProviderStatus } from './status-rules.js';

/** One status of a webhook payload, as received. */
interface StatusItem {
  id?: unknown;
  status?: unknown;
  timestamp?: unknown;
  recipient_id?: unknown;
  errors?: unknown;
}

/** The part of a status's error we keep and show (`errors[0]`). */
interface StatusError {
  code?: unknown;
  title?: unknown;
  message?: unknown;
  error_data?: { details?: unknown };
}

/** A status checked and normalised: from a payload, or read back from the park. */
interface Status {
  status: ProviderStatus;
  /** When the provider says it happened, ISO-8601 UTC (its timestamp, else when we received it). */
  at: string;
  error: StatusError | null;
}

const KNOWN: ReadonlySet<string> = new Set(['sent', 'delivered', 'read', 'failed']);
/** The provider whose webhook this is (notification_deliveries.provider). */
const PROVIDER = 'whatsapp_cloud';
/** Largest time a Date can hold, ms (ECMA-262 §21.4.1.1): a later "timestamp" is not one. */
const MAX_DATE_MS = 8.64e15;

/**
 * How long a parked status waits for its message id, ms (24 h), counted from its own arrival.
 * Not set by the race the park exists for: our sender commits the id within moments of the
 * status, or never (a process that dies between the provider's answer and the commit leaves
 * that delivery `uncertain`, its id unknown). In memory (before 008) the limit, ten minutes,
 * also bounded memory and what a restart could lose. On disk a wait costs a row and survives
 * restarts, so the limit can be long enough that no ordinary disturbance decides a status's
 * fate: a clock stepped forward (NTP, a VM resumed), a commit held up behind a long lock or a
 * paused process. And for a send that went out but whose id we never stored, the parked
 * statuses (with their recipient and time) are the only record that it did: a day keeps them
 * for whoever looks into that `uncertain` delivery. {@link PARK_MAX} still bounds the table
 * (10 000 ids × a few statuses of ~200 bytes: a few MB at most).
 */
export const PARK_TTL_MS = 24 * 3600_000;
/** At most this many distinct unknown message ids are parked; past it, statuses of new unknown ids are ignored. */
export const PARK_MAX = 10_000;

/** What one webhook call did. */
export interface WebhookResult {
  /** Statuses read from the payload. */
  statuses: number;
  /** Deliveries whose status changed (statuses parked earlier for the same ids included). */
  changed: number;
  /** Statuses of unknown kinds, malformed ones, and unknown ids that could not be parked (park full). */
  ignored: number;
  /** Statuses of message ids not (yet) known, parked until the sender commits the id (replays included). */
  parked: number;
}

/** What the webhook needs. */
export interface WebhookDeps {
  repo: NotificationRepository;
  parked: ParkedStatusRepository;
  exec: SyncExecutor;
  providers: ProviderSettingsStore;
  dispatcher: NotificationDispatcher;
  /** Warns of parked statuses dropped unclaimed. */
  logger: Logger;
  /** Clock, ms since epoch. */
  now?: () => number;
}

/** Verifies and applies Cloud API webhooks. */
export class WebhookService {
  private readonly repo: NotificationRepository;
  private readonly parked: ParkedStatusRepository;
  private readonly exec: SyncExecutor;
  private readonly providers: ProviderSettingsStore;
  private readonly dispatcher: NotificationDispatcher;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(d: WebhookDeps) {
    this.repo = d.repo;
    this.parked = d.parked;
    this.exec = d.exec;
    this.providers = d.providers;
    this.dispatcher = d.dispatcher;
    this.logger = d.logger;
    this.now = d.now ?? Date.now;
  }

  /**
   * The verification handshake.
   * @returns the challenge to echo
   * @throws PantauError FORBIDDEN when the mode or token is wrong, or no verify token is set
   */
  handshake(q: {
    'hub.mode'?: string | undefined;
    'hub.verify_token'?: string | undefined;
    'hub.challenge'?: string | undefined;
  }): string {
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
    if (!crypto.timingSafeEqual(want, got))
      throw new PantauError('UNAUTHENTICATED', 'webhook refused: signature does not match');
  }

  /**
   * Apply a verified payload in one transaction and say what changed. Statuses of
   * message ids no delivery carries are parked (on disk, in the same transaction), so once
   * this returns, whatever it counted as `parked` survives a restart.
   * @param raw the request body's bytes (`{ entry: [{ changes: [{ value: { statuses } }] }] }`)
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
    this.sweep();
    this.exec.tx(() => {
      const receivedAt = new Date(this.now()).toISOString();
      // distinct parked ids, counted once per call and kept up to date below
      let parkedIds: number | null = null;
      for (const s of items) {
        if (typeof s?.id !== 'string' || s.id === '' || typeof s.status !== 'string' || !KNOWN.has(s.status)) {
          result.ignored++;
          continue;
        }
        const status = s.status as ProviderStatus;
        const ts = providerSeconds(s.timestamp);
        const error = firstError(s.errors);
        let d = this.repo.deliveryByProviderId(PROVIDER, s.id);
        if (!d) {
          const known = this.parked.has(PROVIDER, s.id);
          if (!known) {
            parkedIds ??= this.parked.countIds();
            if (parkedIds >= PARK_MAX) {
              result.ignored++;
              continue;
            }
            parkedIds++;
          }
          // a replay adds no row, and is counted as parked all the same: it is acknowledged
          const recipient = typeof s.recipient_id === 'string' ? s.recipient_id.slice(0, 64) : null;
          this.parked.park({
            provider: PROVIDER,
            provider_message_id: s.id,
            status,
            status_ts: ts,
            recipient_id: recipient,
            error_json: error ? JSON.stringify(error) : null,
            received_at: receivedAt,
          });
          result.parked++;
          continue;
        }
        // statuses parked for this id before it was known are older: they go first
        const parked = this.parked.take(PROVIDER, s.id);
        if (parked.length > 0) {
          result.changed += this.applyRows(parked);
          d = this.repo.deliveryByProviderId(PROVIDER, s.id) ?? d;
        }
        const at = ts !== null ? new Date(ts * 1000).toISOString() : receivedAt;
        if (this.applyOne(d, { status, at, error })) result.changed++;
      }
    });
    return result;
  }

  /**
   * Apply (and delete) the statuses parked for a message id the sender has just stored. Call
   * inside the transaction that stores it, after the delivery row carries the id: the rows are
   * deleted in that transaction, so a crash before its commit leaves them parked. Does nothing
   * (and keeps the rows) when no delivery carries the id.
   * @returns how many changed the delivery's status
   */
  applyParked(providerMessageId: string): number {
    return this.exec.tx(() => {
      if (!this.repo.deliveryByProviderId(PROVIDER, providerMessageId)) return 0;
      return this.applyRows(this.parked.take(PROVIDER, providerMessageId));
    });
  }

  /**
   * The start-up pass: drop expired parked statuses, then apply every parked status whose
   * message id a delivery carries by now (stored by whatever path while its statuses waited,
   * e.g. by a process that died before it could apply them), in one transaction.
   * @returns how many changed a delivery's status
   */
  applyClaimed(): number {
    this.sweep();
    const changed = this.exec.tx(() => {
      let n = 0;
      for (const id of this.parked.claimedIds(PROVIDER)) n += this.applyParked(id);
      return n;
    });
    if (changed) {
      this.logger.info({ changed }, 'webhook: applied parked statuses of message ids stored meanwhile');
    }
    return changed;
  }

  /** Message ids with parked statuses now, first parked first (for tests and /health-style inspection). */
  parkedIds(): string[] {
    this.sweep();
    return this.parked.ids();
  }

  /** Apply parked rows (of one id) in arrival order. @returns how many changed the status */
  private applyRows(rows: ParkedStatusRow[]): number {
    let changed = 0;
    for (const r of rows) {
      const d = this.repo.deliveryByProviderId(r.provider, r.provider_message_id);
      const at = r.status_ts !== null ? new Date(r.status_ts * 1000).toISOString() : r.received_at;
      if (
        d &&
        this.applyOne(d, {
          status: r.status,
          at,
          error: r.error_json === null ? null : (JSON.parse(r.error_json) as StatusError),
        })
      )
        changed++;
    }
    return changed;
  }

  /** Delete parked statuses older than {@link PARK_TTL_MS}; warn of any (acknowledged, never applied). */
  private sweep(): void {
    const dropped = this.parked.dropReceivedBefore(new Date(this.now() - PARK_TTL_MS).toISOString());
    if (dropped.length === 0) return;
    const ids = [...new Set(dropped.map((r) => r.provider_message_id))];
    this.logger.warn(
      { dropped: dropped.length, ids: ids.length, sample: ids.slice(0, 5), max_age_ms: PARK_TTL_MS },
      'webhook: dropped parked delivery statuses whose message id no delivery claimed in time',
    );
  }

  /** @returns whether the status changed */
  private applyOne(d: DeliveryRow, s: Status): boolean {
    const now = this.now();
    const col = timestampColumn(s.status);
    const patch: Partial<DeliveryRow> = {};
    if (d[col] === null) patch[col] = s.at;
    const next = nextStatus(d.status, s.status);
    if (next !== null) {
      patch.status = next;
      patch.error = next === 'failed' ? failureText(s.error) : null;
    }
    if (Object.keys(patch).length === 0) return false;
    this.repo.updateDelivery(d.id, { ...patch, updated_at: new Date(now).toISOString() });
    if (next === null) return false;
    this.dispatcher.announce({ ...d, status: next, error: patch.error ?? null }, now);
    return true;
  }
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A status's time as the provider gives it (unix seconds, string or number), or null when missing or not a time. */
function providerSeconds(v: unknown): number | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 && n * 1000 <= MAX_DATE_MS ? n : null;
}

/** The first entry of a status's `errors`, when it is an object. */
function firstError(v: unknown): StatusError | null {
  const e: unknown = Array.isArray(v) ? v[0] : undefined;
  return typeof e === 'object' && e !== null && !Array.isArray(e) ? (e as StatusError) : null;
}

function failureText(e: StatusError | null): string {
  if (!e) return 'provider reported failed';
  const detail = typeof e.error_data?.details === 'string' ? ` (${e.error_data.details})` : '';
  return `${String(e.code ?? '')} ${String(e.title ?? e.message ?? 'failed')}${detail}`.trim();
}

/** Constant-time comparison of two strings (their SHA-256, so lengths may differ). */
function safeEqual(a: string, b: string): boolean {
  const h = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();
  return crypto.timingSafeEqual(h(a), h(b));
}
