/**
 * The alert settings API's rules (S4): alert settings per branch and camera for admins whose
 * scope holds the branch (out of scope = 404); the provider settings, the test message and the
 * delivery list for the scope. Every change is audited (secrets masked) in its transaction.
 *
 * A camera's own setting (override) belongs to the camera's branch: when the camera moves to
 * another branch (OrganisationService.updateDevice), its overrides under any other branch are
 * deleted in the move's transaction (`removeOverridesOnMove`, audited like `delete`), and the
 * camera follows its new branch's branch-wide setting. Deleting a setting broadcasts no
 * real-time event (nothing on the console shows settings live).
 */
import {
  AlertSettingCreate,
  AlertSettingUpdate,
  PantauError,
  type AlertSetting,
  type Delivery,
  type PageMeta,
  type ProviderSettings,
  type ProviderSettingsUpdate,
} from '@pantau/shared';
import { isUniqueViolation, type SyncExecutor } from '../../db/sync-executor.js';
import type { AuditRepository } from '../../repositories/audit-repository.js';
import type { AuthUser, Caller } from '../../domain/caller.js';
import type { DeliveryRow, NotificationRepository, SettingRow } from '../../repositories/notification-repository.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';
import type { ProviderSettingsStore } from './provider-settings.js';

const inScope = (u: AuthUser, branchId: number | null) =>
  u.branchScope === null || (branchId !== null && u.branchScope.includes(branchId));

/** Converts a row to the API shape. */
function toSetting(r: SettingRow): AlertSetting {
  return {
    id: r.id,
    branch_id: r.branch_id,
    branch_name: r.branch_name,
    device_id: r.device_id,
    device_name: r.device_name,
    enabled: r.is_active === 1 && r.whatsapp_enabled === 1,
    numbers: JSON.parse(r.whatsapp_numbers) as string[],
    message_template: r.message_template,
    send_image: r.send_image === 1,
    cooldown_seconds: r.cooldown_seconds,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** A delivery row as the API shows it. */
export function toDelivery(d: DeliveryRow): Delivery {
  return {
    id: d.id,
    event_log_id: d.event_log_id,
    branch_id: d.branch_id,
    report_id: d.report_id,
    kind: d.kind,
    phone: d.phone,
    provider: d.provider,
    provider_message_id: d.provider_message_id,
    status: d.status,
    attempts: d.attempts,
    error: d.error,
    message: d.message,
    queued_at: d.queued_at,
    sending_at: d.sending_at,
    sent_at: d.sent_at,
    delivered_at: d.delivered_at,
    read_at: d.read_at,
    failed_at: d.failed_at,
    updated_at: d.updated_at,
  };
}

/** Alert settings, provider settings, test messages and deliveries for the API. */
export class AlertSettingsService {
  constructor(
    private readonly repo: NotificationRepository,
    private readonly exec: SyncExecutor,
    private readonly audit: AuditRepository,
    private readonly providers: ProviderSettingsStore,
    private readonly dispatcher: NotificationDispatcher,
    private readonly now: () => number = Date.now,
  ) {}

  list(user: AuthUser, branchId?: number): AlertSetting[] {
    return this.repo.listSettings(user.branchScope, branchId).map(toSetting);
  }

  /** @throws PantauError NOT_FOUND (unknown or out of scope) */
  get(user: AuthUser, id: number): AlertSetting {
    const r = this.repo.getSetting(id);
    if (!r || !inScope(user, r.branch_id))
      throw new PantauError('NOT_FOUND', `alert setting ${id} not found`, { field: 'id' });
    return toSetting(r);
  }

  /**
   * @throws PantauError UNKNOWN_BRANCH (or out of scope), UNKNOWN_DEVICE, DEVICE_BRANCH_MISMATCH, CONFLICT (the branch or camera already has one), VALIDATION_ERROR
   */
  create(c: Caller, input: AlertSettingCreate): AlertSetting {
    const v = AlertSettingCreate.parse(input);
    const iso = new Date(this.now()).toISOString();
    try {
      return this.exec.tx(() => {
        if (!this.repo.branch(v.branch_id) || !inScope(c.user, v.branch_id))
          throw new PantauError('UNKNOWN_BRANCH', `branch ${v.branch_id} not found`, { field: 'branch_id' });
        const deviceId = v.device_id ?? null;
        if (deviceId !== null) {
          const d = this.repo.device(deviceId);
          if (!d) throw new PantauError('UNKNOWN_DEVICE', `device ${deviceId} not found`, { field: 'device_id' });
          if (d.branch_id !== v.branch_id)
            throw new PantauError(
              'DEVICE_BRANCH_MISMATCH',
              `device ${deviceId} belongs to branch ${d.branch_id}, not ${v.branch_id}`,
              { field: 'device_id' },
            );
        }
        const id = this.repo.insertSetting({ ...v, device_id: deviceId }, iso);
        const s = this.get(c.user, id);
        this.audit.record(c.actor, 'create', 'alert_setting', id, null, s);
        return s;
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new PantauError(
          'CONFLICT',
          v.device_id
            ? `camera ${v.device_id} already has an alert setting`
            : `branch ${v.branch_id} already has a branch-wide alert setting`,
          { field: v.device_id ? 'device_id' : 'branch_id' },
        );
      }
      throw err;
    }
  }

  /** @throws PantauError NOT_FOUND, VALIDATION_ERROR */
  update(c: Caller, id: number, patch: AlertSettingUpdate): AlertSetting {
    const p = AlertSettingUpdate.parse(patch);
    return this.exec.tx(() => {
      const before = this.get(c.user, id);
      this.repo.updateSetting(id, p, new Date(this.now()).toISOString());
      const after = this.get(c.user, id);
      this.audit.record(c.actor, 'update', 'alert_setting', id, before, after);
      return after;
    });
  }

  /** @throws PantauError NOT_FOUND */
  delete(c: Caller, id: number): void {
    this.exec.tx(() => {
      const before = this.get(c.user, id);
      this.repo.deleteSetting(id);
      this.audit.record(c.actor, 'delete', 'alert_setting', id, before, null);
    });
  }

  /**
   * Delete a moved camera's overrides held under any branch but its new one: they name the old
   * branch's people and would no longer apply (the dispatcher looks settings up by the
   * detection's branch). Each deletion is audited as `delete` of `alert_setting`, as `delete`
   * does. No scope check: called from the device update, which has already checked the caller
   * may move this camera. Runs inside the caller's transaction when there is one (a savepoint).
   * @param deviceId the camera's own id (`cam-1`)
   * @param branchId the branch it now belongs to
   * @returns the deleted settings as they were, by id (empty when there were none)
   */
  removeOverridesOnMove(c: Caller, deviceId: string, branchId: number): AlertSetting[] {
    return this.exec.tx(() =>
      this.repo.deviceOverridesOutside(deviceId, branchId).map((r) => {
        const before = toSetting(r);
        this.repo.deleteSetting(r.id);
        this.audit.record(c.actor, 'delete', 'alert_setting', r.id, before, null);
        return before;
      }),
    );
  }

  providerSettings(): ProviderSettings {
    return this.providers.view();
  }

  /** Save the provider settings; secrets never reach the audit log. */
  saveProvider(c: Caller, update: ProviderSettingsUpdate): ProviderSettings {
    try {
      return this.exec.tx(() => {
        const { before, after } = this.providers.save(update, new Date(this.now()).toISOString());
        this.audit.record(c.actor, 'update', 'notification_provider', 1, before, after);
        return after;
      });
    } catch (err) {
      this.providers.invalidate();
      throw err;
    }
  }

  /** Queue a test message through the configured provider. @returns the delivery (queued) */
  sendTest(c: Caller, phone: string, message: string | undefined): Delivery {
    const d = this.exec.tx(() => {
      const id = this.dispatcher.enqueueTest(
        phone,
        message ?? 'Pantau test message: WhatsApp alerts are working.',
        this.now(),
      );
      this.audit.record(c.actor, 'test', 'notification_provider', 1, null, { phone, delivery_id: id });
      return this.repo.delivery(id)!;
    });
    return toDelivery(d);
  }

  /** Deliveries in the caller's scope (test messages only for admins of every branch), newest first. */
  deliveries(
    user: AuthUser,
    f: {
      page: number;
      per_page: number;
      event_log_id?: number | undefined;
      branch_id?: number | undefined;
      report_id?: number | undefined;
      status?: string | undefined;
    },
  ): { items: Delivery[]; meta: PageMeta } {
    const r = this.repo.pageDeliveries(f, user.branchScope);
    return { items: r.rows.map(toDelivery), meta: { page: f.page, per_page: f.per_page, total: r.total } };
  }

  /**
   * Resend an uncertain or failed delivery (a person decided it should go out again).
   * @throws PantauError NOT_FOUND (unknown or out of scope), CONFLICT (not uncertain or failed)
   */
  resend(c: Caller, id: number): Delivery {
    const d = this.exec.tx(() => {
      const cur = this.repo.delivery(id);
      if (!cur || !inScope(c.user, cur.branch_id))
        throw new PantauError('NOT_FOUND', `delivery ${id} not found`, { field: 'id' });
      if (!this.dispatcher.resend(cur, this.now()))
        throw new PantauError(
          'CONFLICT',
          `delivery ${id} is ${cur.status}: only uncertain or failed deliveries are resent`,
          { field: 'id' },
        );
      this.audit.record(c.actor, 'resend', 'notification_delivery', id, { status: cur.status }, { status: 'queued' });
      return this.repo.delivery(id)!;
    });
    return toDelivery(d);
  }
}
