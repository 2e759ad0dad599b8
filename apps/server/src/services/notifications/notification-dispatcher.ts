/**
 * Turns events into queued WhatsApp deliveries, inside the caller's transaction: one
 * notification_deliveries row and one `notification.whatsapp` job per number, committed with
 * the change that caused them (the detection job's completion, the escalation, the admin's
 * test), so an alert is neither lost nor doubled by a crash (DESIGN §5).
 *
 * Detections (S4): the camera's own setting applies, else its branch's. A disabled setting,
 * no numbers, or the same person at the same camera within `cooldown_seconds` of the last
 * alert (by detection time) sends nothing. A detection older than the last alert, or
 * within the cooldown after it, counts as covered by it.
 *
 * Every delivery's change of state is said as a `delivery.updated` domain event, which the
 * real-time publisher turns into `notification_update` frames.
 */
import type { DomainEvents } from '../../domain/domain-events.js';
import type { JobQueue } from '../../repositories/job-queue.js';
import type { DeliveryRow, NotificationRepository } from '../../repositories/notification-repository.js';
import type { ProviderSettingsStore } from './provider-settings.js';
import { renderAlert, type AlertFacts } from './message-format.js';

/** A processed detection, as the detection service hands it over. */
export interface DetectionForAlert {
  event_log_id: number;
  branch_id: number;
  branch_name: string;
  device_id: string;
  device_name: string;
  re_id: string;
  detected_count: number;
  /** ISO-8601. */
  event_timestamp: string;
}

/** The message of a camera-offline alarm (placeholders of message-format.ts; {time}: since when). */
const CAMERA_OFFLINE_TEMPLATE = 'Pantau: camera {device_name} at {branch_name} offline since {time}';

/** Creates deliveries and their jobs. */
export class NotificationDispatcher {
  constructor(
    private readonly repo: NotificationRepository,
    private readonly queue: JobQueue,
    private readonly events: DomainEvents,
    private readonly providers: ProviderSettingsStore,
    private readonly branchTimeZone: (branchId: number) => string,
    /** Absolute path of an event's snapshot (the snapshot pipeline's `imagePathOf`), or null. */
    private readonly imageOf: (eventLogId: number) => string | null,
  ) {}

  /**
   * Follow the detections: alert on each alarm applied whose rule sends WhatsApp (issue 14: a
   * plain event sends nothing), in its transaction. Call after the real-time publisher
   * subscribes, so a detection's frame precedes its deliveries' frames.
   */
  follow(): void {
    this.events.on('detection.applied', (e) => {
      if (!e.alarm?.notify_whatsapp) return;
      this.onDetection(
        {
          event_log_id: e.event_log_id,
          branch_id: e.payload.branch_id,
          branch_name: e.branch_name,
          device_id: e.payload.device_id,
          device_name: e.device_name,
          re_id: e.payload.re_id,
          detected_count: e.payload.detected_count,
          event_timestamp: e.payload.detection_timestamp,
        },
        e.at,
      );
    });
  }

  /**
   * Alert on a processed detection when a setting asks for it. Call inside the transaction that
   * applies the detection.
   * @returns the ids of the deliveries created (empty when none: no setting, disabled, cooldown)
   */
  onDetection(d: DetectionForAlert, now: number): number[] {
    const setting = this.repo.settingFor(d.branch_id, d.device_id);
    if (!setting || !setting.enabled || setting.numbers.length === 0) return [];
    const last = this.repo.lastAlertAt(d.re_id, d.device_id);
    if (last !== undefined && Date.parse(d.event_timestamp) - Date.parse(last) < setting.cooldown_seconds * 1000)
      return [];
    this.repo.rememberAlert(d.re_id, d.device_id, d.event_timestamp);
    const facts: AlertFacts = { ...d, timezone: this.branchTimeZone(d.branch_id) };
    const image = setting.send_image ? this.imageOf(d.event_log_id) : null;
    return this.create(
      setting.numbers,
      {
        event_log_id: d.event_log_id,
        branch_id: d.branch_id,
        kind: 'alert',
        message: renderAlert(setting.message_template, facts),
        image_path: image,
      },
      now,
    );
  }

  /**
   * Escalation of an unacknowledged alarm (alarm workflow): send the event's alert to a second
   * list of numbers. Call inside the caller's transaction; the message uses the setting's
   * template that applies to the event's camera (the default template when none), prefixed with
   * `ESCALATION: `; the cooldown does not apply.
   * @param numbers E.164 numbers (validate with the shared `PhoneNumber` schema first)
   * @returns the ids of the deliveries created
   * @throws Error when the event does not exist
   */
  enqueueEscalation(eventLogId: number, numbers: readonly string[], now: number = Date.now()): number[] {
    const e = this.repo.event(eventLogId);
    if (!e) throw new Error(`event ${eventLogId} not found`);
    const branch = this.repo.branch(e.branch_id);
    const device = this.repo.device(e.device_id);
    const setting = this.repo.settingFor(e.branch_id, e.device_id);
    const facts: AlertFacts = {
      branch_name: branch?.branch_name ?? String(e.branch_id),
      device_name: device?.device_name ?? e.device_id,
      re_id: e.re_id,
      detected_count: e.detected_count,
      event_timestamp: e.event_timestamp,
      timezone: branch?.timezone ?? this.branchTimeZone(e.branch_id),
    };
    const template =
      setting?.message_template ??
      'Pantau: person {re_id} detected at {branch_name} / {device_name} ({detected_count}) at {time}';
    const image = setting?.send_image ? this.imageOf(eventLogId) : null;
    return this.create(
      [...new Set(numbers)],
      {
        event_log_id: eventLogId,
        branch_id: e.branch_id,
        kind: 'escalation',
        message: `ESCALATION: ${renderAlert(template, facts)}`,
        image_path: image,
      },
      now,
    );
  }

  /**
   * A camera-offline alarm (issue 14) to the alert numbers of the camera (or its branch), when
   * that setting is enabled; the alert cooldown does not apply (the rule fires once per outage).
   * Call inside the caller's transaction.
   * @param e.since when the camera went offline, ISO-8601 UTC
   * @returns the ids of the deliveries created
   */
  onCameraOffline(
    e: {
      event_log_id: number;
      branch_id: number;
      branch_name: string;
      device_id: string;
      device_name: string;
      since: string;
    },
    now: number,
  ): number[] {
    const setting = this.repo.settingFor(e.branch_id, e.device_id);
    if (!setting || !setting.enabled || setting.numbers.length === 0) return [];
    const facts: AlertFacts = {
      branch_name: e.branch_name,
      device_name: e.device_name,
      re_id: '',
      detected_count: 0,
      event_timestamp: e.since,
      timezone: this.branchTimeZone(e.branch_id),
    };
    return this.create(
      setting.numbers,
      {
        event_log_id: e.event_log_id,
        branch_id: e.branch_id,
        kind: 'alert',
        message: renderAlert(CAMERA_OFFLINE_TEMPLATE, facts),
        image_path: null,
      },
      now,
    );
  }

  /** A test message to one number (inside the caller's transaction). @returns the delivery id */
  enqueueTest(phone: string, message: string, now: number): number {
    return this.create(
      [phone],
      { event_log_id: null, branch_id: null, kind: 'test', message, image_path: null },
      now,
    )[0]!;
  }

  /**
   * A counting report's PDF to its recipients (issue 13): one `report` delivery per number, the
   * PDF rendered in `language` when it is sent. Call inside the caller's transaction; a number
   * that already has this report is skipped (one delivery per report and number).
   * @param numbers E.164 numbers
   * @returns the ids of the deliveries created
   */
  enqueueReport(
    report: { id: number; branch_id: number | null },
    numbers: readonly string[],
    message: string,
    language: 'en' | 'id',
    now: number = Date.now(),
  ): number[] {
    const fresh = [...new Set(numbers)].filter((n) => !this.repo.reportDelivered(report.id, n));
    return this.create(
      fresh,
      {
        event_log_id: null,
        branch_id: report.branch_id,
        kind: 'report',
        message,
        image_path: null,
        report_id: report.id,
        document_language: language,
      },
      now,
    );
  }

  /**
   * Queue an uncertain or failed delivery again (the console's "resend"), as a fresh job with
   * a fresh retry schedule. Call inside a transaction.
   * @returns false when the delivery is in another state
   */
  resend(d: DeliveryRow, now: number): boolean {
    if (d.status !== 'uncertain' && d.status !== 'failed') return false;
    const iso = new Date(now).toISOString();
    this.repo.updateDelivery(d.id, {
      status: 'queued',
      error: null,
      provider_message_id: null,
      provider: this.providerName(),
      updated_at: iso,
    });
    this.queue.enqueue('notification.whatsapp', { delivery_id: d.id });
    this.announce({ ...d, status: 'queued', error: null }, now);
    return true;
  }

  private providerName(): string {
    return this.providers.resolved().provider;
  }

  private create(
    numbers: readonly string[],
    base: {
      event_log_id: number | null;
      branch_id: number | null;
      kind: DeliveryRow['kind'];
      message: string;
      image_path: string | null;
      report_id?: number;
      document_language?: 'en' | 'id';
    },
    now: number,
  ): number[] {
    const iso = new Date(now).toISOString();
    const provider = this.providerName();
    return numbers.map((phone) => {
      const id = this.repo.insertDelivery({ ...base, phone, provider }, iso);
      this.queue.enqueue('notification.whatsapp', { delivery_id: id });
      this.announce(
        { id, event_log_id: base.event_log_id, branch_id: base.branch_id, phone, status: 'queued', error: null },
        now,
      );
      return id;
    });
  }

  /** Say a delivery's new state (`delivery.updated`); call inside the change's transaction. */
  announce(
    d: Pick<DeliveryRow, 'id' | 'event_log_id' | 'branch_id' | 'phone' | 'status' | 'error'>,
    now: number,
  ): void {
    this.events.emit('delivery.updated', {
      delivery_id: d.id,
      event_log_id: d.event_log_id,
      branch_id: d.branch_id,
      phone: d.phone,
      status: d.status,
      error: d.error,
      at: now,
    });
  }
}
