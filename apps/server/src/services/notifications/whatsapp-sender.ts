/**
 * The `notification.whatsapp` job handler (asynchronous): sends one delivery through the
 * configured provider, at most once where that can be known.
 *
 * Exactly once, as far as it can be had (a provider call and a database commit cannot be one
 * transaction):
 * 1. Before the HTTP call, `sending` and the attempt number are committed.
 * 2. The call. On success `sent` and the provider's message id are committed together with the
 *    job's removal (the handler's effects).
 * 3. A run that finds its delivery still `sending` knows a previous attempt was cut off while
 *    the call was in flight (the server was killed, or the attempt timed out): the message may
 *    have gone out. It is NOT sent again blindly but marked `uncertain`, shown in the console
 *    with a "resend" action for a person to decide. A duplicate alarm at 3 a.m. is judged worse
 *    than asking; and the webhook still moves an uncertain delivery on if the provider reports it.
 * 4. Failures known to have sent nothing (connection refused, DNS, HTTP 5xx) put it back to
 *    `queued` and retry on the WhatsApp schedule (30/60/120/300/600 s, queue-config.ts). When the
 *    schedule is spent while the provider is still unreachable, the delivery is held: it stays
 *    `queued` and is tried again every last step of the schedule (600 s) as a new job, until
 *    it is {@link OUTAGE_HOLD_MS} old — so an alert raised during an outage is delivered, once,
 *    within 10 minutes of the provider coming back, with nobody retrying it by hand. Past that
 *    age it is `failed` and the job goes to failed_jobs (retrying it from the queue monitor
 *    sends again). A rejection (4xx: bad number, bad token) is `failed`
 *    at once. A timeout or a reset mid-call is `uncertain` at once.
 *
 * Rate (per number): at most `rate_per_minute` messages per number per minute in this process
 * (rate-limiter-flexible, in memory; default 10, Meta's pair limit being about one per 6 s).
 * Over the limit, a wait of up to {@link MAX_WAIT_MS} is waited out; a longer one, or a
 * provider 429 / rate-limit code with its Retry-After, re-queues the delivery as a new delayed
 * job WITHOUT counting an attempt (a rate limit says nothing about the message), up to
 * {@link MAX_DEFERRALS} times, after which it counts as a normal failed attempt.
 *
 * Every attempt is one JSON line in `logs/whatsapp_messages/YYYY-MM-DD.log`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { JobRow } from '../../db/schema.js';
import type { SyncExecutor } from '../../db/sync-executor.js';
import type { JobQueue } from '../../repositories/job-queue.js';
import { defineJob } from '../../queue/job-definition.js';
import type { WhatsAppJobPayload } from '../../queue/job-payloads.js';
import type { DailyJsonLog } from '../../repositories/request-log.js';
import type { DeliveryRow, NotificationRepository } from '../../repositories/notification-repository.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';
import type { ProviderSettingsStore } from './provider-settings.js';
import { ProviderError, type OutgoingDocument, type OutgoingMessage } from './providers/provider.js';
import { templateParams } from './message-format.js';

/** Longest rate-limit wait inside one attempt, ms (the attempt's timeout is 30 s). */
export const MAX_WAIT_MS = 10_000;
/** Rate-limit re-queues of one delivery before they count as failed attempts. */
export const MAX_DEFERRALS = 20;
/** How long an alert is held for a provider that is down before it is given up, ms (24 h). */
export const OUTAGE_HOLD_MS = 24 * 3600_000;

/** One line of `logs/whatsapp_messages/YYYY-MM-DD.log`. */
export interface WhatsAppLogEntry {
  /** ISO-8601 time the attempt ended. */
  time: string;
  delivery_id: number;
  event_log_id: number | null;
  kind: string;
  phone: string;
  provider: string;
  /** The delivery's attempt number (rate-limit re-queues not counted). */
  attempt: number;
  job_id: number;
  outcome: 'sent' | 'retry' | 'held' | 'rate_limited' | 'failed' | 'uncertain' | 'skipped';
  http_status: number | null;
  provider_message_id: string | null;
  error: string | null;
  duration_ms: number;
}

export interface WhatsAppSenderDeps {
  repo: NotificationRepository;
  exec: SyncExecutor;
  queue: JobQueue;
  dispatcher: NotificationDispatcher;
  providers: ProviderSettingsStore;
  log: DailyJsonLog;
  logger: Logger;
  /** Absolute path of an event's best snapshot now (processed, else original), or null. */
  imageOf: (eventLogId: number) => string | null;
  /**
   * Called inside the transaction that stores a sent message's provider id, right after it:
   * the webhook applies statuses that arrived before the id was known (webhook-service.ts).
   */
  afterSent?: (providerMessageId: string) => void;
  /**
   * A counting report's PDF in a language (ReportService.pdf), for `report` deliveries; null
   * when the report no longer exists or is not ready.
   */
  documentOf?: (reportId: number, lang: 'en' | 'id') => Promise<OutgoingDocument | null>;
  now?: () => number;
}

const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

/** The file and type of an image path, or null when missing or not JPEG/PNG/WebP. */
export function imageFile(p: string | null): { path: string; mime: string } | null {
  if (!p) return null;
  const mime = MIME[path.extname(p).toLowerCase()];
  return mime && fs.existsSync(p) ? { path: p, mime } : null;
}

/** Sends deliveries: the `notification.whatsapp` job. */
export class WhatsAppSender {
  private limiter: { rate: number; lim: RateLimiterMemory } | null = null;
  private readonly now: () => number;

  constructor(private readonly d: WhatsAppSenderDeps) {
    this.now = d.now ?? Date.now;
  }

  /**
   * The WhatsApp job: send one delivery through the configured provider, outside any
   * transaction. Retries after 30, 60, 120, 300 and 600 s (DESIGN S3), then holds the delivery
   * for a provider that is down (see `retryable`); one attempt may take 30 s.
   */
  readonly job = defineJob({
    type: 'notification.whatsapp',
    kind: 'async',
    queue: 'notifications',
    retryDelaysMs: [30_000, 60_000, 120_000, 300_000, 600_000],
    timeoutMs: 30_000,
    run: (payload, job, signal) => this.run(payload, job, signal),
  });

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private async run(p: WhatsAppJobPayload, job: JobRow, signal: AbortSignal): Promise<void | (() => void)> {
    const { repo } = this.d;
    const d = repo.delivery(p.delivery_id);
    if (!d) return;
    const started = this.now();
    if (d.status === 'sending') {
      // a previous attempt was cut off mid-call: it may have been sent (see the file's comment)
      const error =
        'interrupted while the provider call was in flight: it may or may not have been sent; not resent automatically';
      this.write(d, job, 'uncertain', null, null, error, started, d.attempts);
      return () => this.setStatus(d, 'uncertain', { error });
    }
    // queued; or failed with nothing sent (its job retried from failed_jobs)
    if (d.status !== 'queued' && !(d.status === 'failed' && d.provider_message_id === null)) return;

    const provider = this.d.providers.provider();
    if (!provider)
      return this.retryable(
        d,
        job,
        p,
        new ProviderError('unavailable', 'no WhatsApp provider configured (or it lacks its token)'),
        started,
        d.attempts,
      );

    const wait = await this.takeRateToken(d.phone, signal);
    if (wait > 0) return this.defer(d, job, p, wait, `per-number rate limit: ${this.rate()} per minute`, started, null);

    const attempt = d.attempts + 1;
    const message = this.outgoing(d);
    if (d.report_id !== null) {
      // a report's PDF, rendered now in the recipient's language (nothing kept on disk for it)
      const doc = this.d.documentOf ? await this.d.documentOf(d.report_id, d.document_language ?? 'id') : null;
      if (!doc) {
        const error = `report ${d.report_id} is not there to send (deleted, or not generated)`;
        this.write(d, job, 'failed', null, null, error, started, attempt);
        return () => this.setStatus(d, 'failed', { error, attempts: attempt });
      }
      message.document = doc;
    }
    this.d.exec.tx(() => this.setStatus(d, 'sending', { attempts: attempt, error: null, provider: provider.name }));
    try {
      const r = await provider.send(message, signal);
      this.write(d, job, 'sent', r.httpStatus, r.providerMessageId, null, started, attempt);
      return () => {
        const cur = repo.delivery(d.id);
        // the webhook cannot have moved it (it did not know the id yet: its statuses wait in
        // the park and apply below); a manual change can
        if (cur?.status !== 'sending') return;
        this.setStatus(cur, 'sent', { provider_message_id: r.providerMessageId });
        if (r.providerMessageId) this.d.afterSent?.(r.providerMessageId);
        if (d.event_log_id !== null) repo.markEventNotified(d.event_log_id, message.image !== null);
      };
    } catch (err) {
      const e =
        err instanceof ProviderError ? err : new ProviderError('uncertain', (err as Error)?.message ?? String(err));
      switch (e.kind) {
        case 'rate_limited':
          this.d.exec.tx(() =>
            this.setStatus({ ...d, status: 'sending' }, 'queued', { error: e.message, attempts: d.attempts }),
          );
          return this.defer(d, job, p, e.retryAfterMs ?? 60_000, e.message, started, e.httpStatus);
        case 'unavailable':
          return this.retryable({ ...d, status: 'sending', attempts: attempt }, job, p, e, started, attempt);
        case 'rejected':
          this.write(d, job, 'failed', e.httpStatus, null, e.message, started, attempt);
          return () => this.setStatus({ ...d, status: 'sending' }, 'failed', { error: e.message });
        case 'uncertain':
          // committed now: when the attempt timed out, the worker does not wait for effects
          this.write(d, job, 'uncertain', e.httpStatus, null, e.message, started, attempt);
          this.d.exec.tx(() => this.setStatus({ ...d, status: 'sending' }, 'uncertain', { error: e.message }));
          return;
        default: {
          const never: never = e.kind;
          return never;
        }
      }
    }
  }

  /**
   * A failure that sent nothing: back to queued and throw for the worker's retry; when the
   * schedule is spent, held for the provider's return (a new job after the schedule's last
   * step) while the delivery is younger than {@link OUTAGE_HOLD_MS}, else `failed`.
   * @returns the hold's effects (re-queue), when held
   * @throws Error for the worker's retry or failed_jobs otherwise
   */
  private retryable(
    d: DeliveryRow,
    job: JobRow,
    p: WhatsAppJobPayload,
    e: ProviderError,
    started: number,
    attempt: number,
  ): () => void {
    // a held delivery's job is tried once per step: each failure is its last
    const last = job.attempts >= job.max_attempts || p.held === true;
    const holdUntil = Date.parse(d.queued_at) + OUTAGE_HOLD_MS;
    const stepMs = this.d.queue.specOf(job.type)?.retryDelaysMs.at(-1) ?? 600_000;
    if (last && e.kind === 'unavailable' && this.now() + stepMs < holdUntil) {
      const error = `provider unavailable (${e.message}); held, tried again every ${Math.round(stepMs / 1000)} s until ${new Date(holdUntil).toISOString()}`;
      this.write(d, job, 'held', e.httpStatus, null, e.message, started, attempt);
      return () => {
        const cur = this.d.repo.delivery(d.id);
        if (cur && (cur.status === 'queued' || cur.status === 'sending' || cur.status === 'failed'))
          this.setStatus(cur, 'queued', { error });
        this.d.queue.enqueue('notification.whatsapp', { delivery_id: d.id, held: true }, stepMs);
      };
    }
    this.write(d, job, last ? 'failed' : 'retry', e.httpStatus, null, e.message, started, attempt);
    this.d.exec.tx(() => {
      const cur = this.d.repo.delivery(d.id);
      if (cur && (cur.status === 'queued' || cur.status === 'sending' || cur.status === 'failed')) {
        this.setStatus(cur, last ? 'failed' : 'queued', {
          error: last ? `retries exhausted: ${e.message}` : e.message,
        });
      }
    });
    throw new Error(e.message);
  }

  /** Re-queue as a new delayed job without counting an attempt (rate limits). */
  private defer(
    d: DeliveryRow,
    job: JobRow,
    p: WhatsAppJobPayload,
    delayMs: number,
    why: string,
    started: number,
    httpStatus: number | null,
  ): () => void {
    const deferrals = (p.deferrals ?? 0) + 1;
    if (deferrals > MAX_DEFERRALS)
      return this.retryable(
        { ...d, status: 'queued' },
        job,
        p,
        new ProviderError('unavailable', `still rate limited after ${MAX_DEFERRALS} waits: ${why}`),
        started,
        d.attempts,
      );
    this.write(d, job, 'rate_limited', httpStatus, null, why, started, d.attempts);
    return () => {
      this.d.queue.enqueue('notification.whatsapp', { delivery_id: d.id, deferrals }, delayMs);
    };
  }

  /**
   * Consume one message of the number's per-minute budget, waiting up to MAX_WAIT_MS.
   * @returns 0 when taken, else how long to wait, ms
   */
  private async takeRateToken(phone: string, signal: AbortSignal): Promise<number> {
    const rate = this.rate();
    if (!this.limiter || this.limiter.rate !== rate)
      this.limiter = { rate, lim: new RateLimiterMemory({ points: rate, duration: 60 }) };
    const lim = this.limiter.lim;
    for (let tries = 0; tries < 3; tries++) {
      try {
        await lim.consume(phone);
        return 0;
      } catch (r) {
        if (!(r instanceof RateLimiterRes)) throw r;
        // consume() counted this refused try: give it back
        await lim.reward(phone, 1).catch(() => undefined);
        if (r.msBeforeNext > MAX_WAIT_MS) return r.msBeforeNext;
        await abortableSleep(r.msBeforeNext + 5, signal);
      }
    }
    return 1000;
  }

  private rate(): number {
    return this.d.providers.resolved().config.rate_per_minute;
  }

  /** The message of a delivery, with its image when the setting asked for one and the file exists (text only otherwise). */
  private outgoing(d: DeliveryRow): OutgoingMessage {
    // the setting asked for an image and the event had one: take the best version now (the image job may have finished since)
    const image =
      d.image_path === null
        ? null
        : (imageFile(d.event_log_id !== null ? this.d.imageOf(d.event_log_id) : null) ?? imageFile(d.image_path));
    let params = [d.message];
    if (d.event_log_id !== null) {
      const e = this.d.repo.event(d.event_log_id);
      const b = e ? this.d.repo.branch(e.branch_id) : undefined;
      const dev = e ? this.d.repo.device(e.device_id) : undefined;
      if (e)
        params = templateParams({
          branch_name: b?.branch_name ?? String(e.branch_id),
          device_name: dev?.device_name ?? e.device_id,
          re_id: e.re_id,
          detected_count: e.detected_count,
          event_timestamp: e.event_timestamp,
          timezone: b?.timezone ?? 'Asia/Jakarta',
        });
    }
    return { to: d.phone, text: d.message, image, templateParams: params };
  }

  /** Change a delivery's status (with its timestamp column) and say so. Call inside a transaction. */
  private setStatus(d: DeliveryRow, status: DeliveryRow['status'], extra: Partial<DeliveryRow> = {}): void {
    const now = this.now();
    const iso = new Date(now).toISOString();
    const stamp: Partial<DeliveryRow> =
      status === 'sending'
        ? { sending_at: iso }
        : status === 'sent'
          ? { sent_at: iso }
          : status === 'failed'
            ? { failed_at: iso }
            : status === 'uncertain'
              ? { uncertain_at: iso }
              : {};
    const next = { ...d, ...extra, status };
    this.d.repo.updateDelivery(d.id, { status, ...stamp, ...extra, updated_at: iso });
    this.d.dispatcher.announce(next, now);
  }

  private write(
    d: DeliveryRow,
    job: JobRow,
    outcome: WhatsAppLogEntry['outcome'],
    httpStatus: number | null,
    providerMessageId: string | null,
    error: string | null,
    started: number,
    attempt: number,
  ): void {
    this.d.log.append<WhatsAppLogEntry>({
      time: this.iso(),
      delivery_id: d.id,
      event_log_id: d.event_log_id,
      kind: d.kind,
      phone: d.phone,
      provider: this.d.providers.resolved().provider,
      attempt,
      job_id: job.id,
      outcome,
      http_status: httpStatus,
      provider_message_id: providerMessageId,
      error,
      duration_ms: this.now() - started,
    });
    if (outcome !== 'sent') this.d.logger.info({ delivery_id: d.id, outcome, err: error }, 'whatsapp attempt');
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true });
  });
}
