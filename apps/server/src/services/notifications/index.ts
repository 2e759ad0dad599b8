/**
 * WhatsApp alerts (S4), wired: the dispatcher (events → deliveries + jobs, in the caller's
 * transaction), the sender (the `notification.whatsapp` job handler), the webhook, the
 * settings API's service and the daily summary. `createNotifications` builds them from the
 * server's parts; `container.ts` registers `sender.job` with the worker.
 *
 * Map: notification-dispatcher.ts (what to send, cooldown, escalations) · whatsapp-sender.ts
 * (exactly-once rules, rate, retries, JSON Lines log) · webhook-service.ts (signature, statuses,
 * the park of early statuses) · status-rules.ts (never backwards) · provider-settings.ts
 * (encrypted secrets) · providers/* (Cloud API, HTTP gateway) · message-format.ts (template,
 * site time) · delivery-summary.ts (daily fold per site time zone) · alert-settings-service.ts
 * (API rules). Their SQL is in repositories/: notification-repository.ts (settings,
 * deliveries, cooldowns), parked-status-repository.ts (the webhook's park) and
 * delivery-summary-repository.ts (the daily fold).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { SyncExecutor } from '../../db/sync-executor.js';
import type { JobQueue } from '../../repositories/job-queue.js';
import type { DomainEvents } from '../../domain/domain-events.js';
import type { AuditRepository } from '../../repositories/audit-repository.js';
import { DailyJsonLog } from '../../repositories/request-log.js';
import { NotificationRepository } from '../../repositories/notification-repository.js';
import { NotificationDispatcher } from './notification-dispatcher.js';
import { ProviderSettingsStore } from './provider-settings.js';
import { WhatsAppSender } from './whatsapp-sender.js';
import type { OutgoingDocument } from './providers/provider.js';
import { WebhookService } from './webhook-service.js';
import { ParkedStatusRepository } from '../../repositories/parked-status-repository.js';
import { AlertSettingsService } from './alert-settings-service.js';
import { DeliverySummary } from './delivery-summary.js';
import { DeliverySummaryRepository } from '../../repositories/delivery-summary-repository.js';

export { NotificationDispatcher, type DetectionForAlert } from './notification-dispatcher.js';
export { WhatsAppSender, type WhatsAppLogEntry } from './whatsapp-sender.js';

/** Everything the alerts need from the server. */
export interface NotificationDeps {
  /** The open database; its repositories are built here. */
  db: Db;
  exec: SyncExecutor;
  queue: JobQueue;
  /** Where delivery changes are said (`delivery.updated`), and detections heard. */
  events: DomainEvents;
  audit: AuditRepository;
  logger: Logger;
  dataDir: string;
  /** The server's site time zone: the daily log files, and the summary's day of deliveries with no branch. */
  timezone: string;
  /** The key stream passwords are sealed with; the alerts derive their own from it (HKDF). */
  secretsKey: Buffer;
  /**
   * Absolute path of an event's snapshot (the snapshot pipeline's `imagePathOf`); default: the
   * event's `image_path` under the data directory.
   */
  imageOf?: (eventLogId: number) => string | null;
  /** A counting report's PDF for `report` deliveries (ReportService.pdf). */
  documentOf?: (reportId: number, lang: 'en' | 'id') => Promise<OutgoingDocument | null>;
  /** HTTP for providers (tests may inject). */
  fetch?: typeof fetch;
  now?: () => number;
}

/** The wired alert services. */
export interface Notifications {
  repo: NotificationRepository;
  providers: ProviderSettingsStore;
  dispatcher: NotificationDispatcher;
  sender: WhatsAppSender;
  webhook: WebhookService;
  settings: AlertSettingsService;
  summary: DeliverySummary;
  /** `<dataDir>/logs/whatsapp_messages/YYYY-MM-DD.log`. */
  log: DailyJsonLog;
  close(): void;
}

/**
 * The key the provider secrets are sealed with, derived from the server's (HKDF-SHA256), so they
 * and the stream passwords never share ciphertext space.
 */
export function notificationSecretsKey(secretsKey: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', secretsKey, Buffer.alloc(0), 'pantau/notification-secrets/v1', 32));
}

/**
 * Build the alert services. Once the real-time publisher listens, call
 * `webhook.applyClaimed()` (the container's start-up phase): it applies the webhook statuses
 * parked before the last stop whose message id a delivery carries by now, and drops the
 * expired ones.
 */
export function createNotifications(d: NotificationDeps): Notifications {
  const repo = new NotificationRepository(d.db.kysely, d.exec);
  // a key of their own, so the provider secrets and stream passwords never share ciphertext space
  const key = notificationSecretsKey(d.secretsKey);
  const providers = new ProviderSettingsStore(repo, key, d.fetch);
  // only read when a setting matches, so a branch's new time zone applies at once
  const imageOf =
    d.imageOf ??
    ((id: number) => {
      const p = repo.eventImagePath(id);
      return p === null ? null : path.resolve(d.dataDir, p);
    });
  const dispatcher = new NotificationDispatcher(
    repo,
    d.queue,
    d.events,
    providers,
    (id) => repo.branch(id)?.timezone ?? d.timezone,
    imageOf,
  );
  const log = new DailyJsonLog(path.join(d.dataDir, 'logs', 'whatsapp_messages'), d.timezone);
  const webhook = new WebhookService({
    repo,
    parked: new ParkedStatusRepository(d.db.kysely, d.exec),
    exec: d.exec,
    providers,
    dispatcher,
    logger: d.logger,
    ...(d.now ? { now: d.now } : {}),
  });
  const sender = new WhatsAppSender({
    repo,
    exec: d.exec,
    queue: d.queue,
    dispatcher,
    providers,
    log,
    logger: d.logger,
    imageOf,
    afterSent: (id) => webhook.applyParked(id),
    ...(d.documentOf ? { documentOf: d.documentOf } : {}),
    ...(d.now ? { now: d.now } : {}),
  });
  return {
    repo,
    providers,
    dispatcher,
    sender,
    webhook,
    settings: new AlertSettingsService(repo, d.exec, d.audit, providers, dispatcher, d.now),
    // per site-local day in each branch's zone; d.timezone is the day of branchless deliveries
    summary: new DeliverySummary(new DeliverySummaryRepository(d.db.kysely, d.exec), d.exec, d.timezone),
    log,
    close: () => log.close(),
  };
}
