/**
 * The SQL of WhatsApp alerts: alert settings, provider settings, deliveries, cooldowns and the
 * daily summary. Synchronous (better-sqlite3 through the SyncExecutor, prepared statements on
 * the detection path) so every call can run inside the caller's transaction.
 */
import type { SqlStatement } from '../db/connection.js';
import { greatest, returningId } from '../db/sql-fragments.js';
import type { Kysely, Selectable } from 'kysely';
import type {
  BranchEventSettingsTable,
  CompanyBranchesTable,
  Database,
  DeviceMastersTable,
  NotificationDeliveriesTable,
  WhatsappDeliverySummaryTable,
} from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';

export type DeliveryRow = Selectable<NotificationDeliveriesTable>;
export type DeliveryStatusName = DeliveryRow['status'];

/** A setting as the dispatcher needs it. */
export interface ActiveSetting {
  id: number;
  device_id: string | null;
  enabled: boolean;
  numbers: string[];
  message_template: string;
  send_image: boolean;
  cooldown_seconds: number;
}

/**
 * A row of branch_event_settings joined with its branch's name and its camera's name (null for a
 * branch-wide setting, whose device_id is null, or a camera no longer registered).
 */
export type SettingRow = Selectable<BranchEventSettingsTable> &
  Pick<Selectable<CompanyBranchesTable>, 'branch_name'> & {
    device_name: Selectable<DeviceMastersTable>['device_name'] | null;
  };

/** The columns of branch_event_settings the dispatcher reads (`settingFor`). */
type SettingForRow = Pick<
  Selectable<BranchEventSettingsTable>,
  | 'id'
  | 'device_id'
  | 'is_active'
  | 'whatsapp_enabled'
  | 'whatsapp_numbers'
  | 'message_template'
  | 'send_image'
  | 'cooldown_seconds'
>;

/** A new delivery row. */
export interface NewDelivery {
  event_log_id: number | null;
  branch_id: number | null;
  kind: DeliveryRow['kind'];
  phone: string;
  provider: string;
  message: string;
  image_path: string | null;
  /** a `report` delivery's counting report and the language of its PDF (migration 017) */
  report_id?: number | null;
  document_language?: 'en' | 'id' | null;
}

/** Deliveries, settings, cooldowns and summaries. */
export class NotificationRepository {
  private readonly s: Record<
    'settingsFor' | 'cooldownGet' | 'cooldownPut' | 'insertDelivery' | 'delivery' | 'eventImage',
    SqlStatement
  >;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {
    const sqlite = exec.conn;
    this.s = {
      // the device's own setting first, then the branch-wide one
      settingsFor: sqlite.prepare(
        `SELECT id, device_id, is_active, whatsapp_enabled, whatsapp_numbers, message_template, send_image, cooldown_seconds
         FROM branch_event_settings WHERE branch_id = ? AND (device_id = ? OR device_id IS NULL) ORDER BY device_id IS NULL LIMIT 1`,
      ),
      cooldownGet: sqlite.prepare(`SELECT last_alert_at FROM notification_cooldowns WHERE re_id = ? AND device_id = ?`),
      cooldownPut: sqlite.prepare(
        `INSERT INTO notification_cooldowns (re_id, device_id, last_alert_at) VALUES (?, ?, ?)
         ON CONFLICT (re_id, device_id) DO UPDATE SET last_alert_at = ${greatest(sqlite.engine, 'notification_cooldowns.last_alert_at', 'excluded.last_alert_at')}`,
      ),
      insertDelivery: sqlite.prepare(
        `INSERT INTO notification_deliveries (event_log_id, branch_id, kind, phone, provider, status, attempts, message, image_path, report_id, document_language, queued_at, updated_at)
         VALUES (@event_log_id, @branch_id, @kind, @phone, @provider, 'queued', 0, @message, @image_path, @report_id, @document_language, @now, @now)${returningId(sqlite.engine)}`,
      ),
      delivery: sqlite.prepare(`SELECT * FROM notification_deliveries WHERE id = ?`),
      eventImage: sqlite.prepare(`SELECT image_path FROM event_logs WHERE id = ?`),
    };
  }

  /** The setting that applies to a camera: its own, else its branch's; undefined when none. */
  settingFor(branchId: number, deviceId: string): ActiveSetting | undefined {
    const r = this.s.settingsFor.get(branchId, deviceId) as SettingForRow | undefined;
    if (!r) return undefined;
    return {
      id: r.id,
      device_id: r.device_id,
      enabled: r.is_active === 1 && r.whatsapp_enabled === 1,
      numbers: JSON.parse(r.whatsapp_numbers) as string[],
      message_template: r.message_template,
      send_image: r.send_image === 1,
      cooldown_seconds: r.cooldown_seconds,
    };
  }

  /** Detection time (ISO) of the last alert for a person at a camera, if any. */
  lastAlertAt(reId: string, deviceId: string): string | undefined {
    return (this.s.cooldownGet.get(reId, deviceId) as { last_alert_at: string } | undefined)?.last_alert_at;
  }

  /** Remember an alert for the cooldown (keeps the later of the stored and the given time). */
  rememberAlert(reId: string, deviceId: string, at: string): void {
    this.s.cooldownPut.run(reId, deviceId, at);
  }

  /** The stored image path of an event (snapshots, S5), or null. */
  eventImagePath(eventLogId: number): string | null {
    return (this.s.eventImage.get(eventLogId) as { image_path: string | null } | undefined)?.image_path ?? null;
  }

  /** Whether a report already has a delivery to this number. */
  reportDelivered(reportId: number, phone: string): boolean {
    return (
      this.exec.first(
        this.db
          .selectFrom('notification_deliveries')
          .select('id')
          .where('report_id', '=', reportId)
          .where('phone', '=', phone),
      ) !== undefined
    );
  }

  /** Insert a queued delivery. @returns its id */
  insertDelivery(d: NewDelivery, now: string): number {
    return Number(this.s.insertDelivery.run({ report_id: null, document_language: null, ...d, now }).lastInsertRowid);
  }

  delivery(id: number): DeliveryRow | undefined {
    return this.s.delivery.get(id) as DeliveryRow | undefined;
  }

  /** The delivery a provider message id belongs to. */
  deliveryByProviderId(provider: string, providerMessageId: string): DeliveryRow | undefined {
    return this.exec.first(
      this.db
        .selectFrom('notification_deliveries')
        .selectAll()
        .where('provider', '=', provider)
        .where('provider_message_id', '=', providerMessageId),
    );
  }

  /** Change a delivery's columns. */
  updateDelivery(id: number, patch: Partial<Omit<DeliveryRow, 'id'>>): void {
    this.exec.run(this.db.updateTable('notification_deliveries').set(patch).where('id', '=', id));
  }

  /** Mark an event as notified (event_logs.notification_sent / image_sent). */
  markEventNotified(eventLogId: number, withImage: boolean): void {
    this.exec.run(
      this.db
        .updateTable('event_logs')
        .set(withImage ? { notification_sent: 1, image_sent: 1 } : { notification_sent: 1 })
        .where('id', '=', eventLogId),
    );
  }

  /**
   * A page of deliveries, newest first.
   * @param branches the caller's branch scope (null = every branch, test messages included)
   */
  pageDeliveries(
    f: {
      page: number;
      per_page: number;
      event_log_id?: number | undefined;
      branch_id?: number | undefined;
      report_id?: number | undefined;
      status?: string | undefined;
    },
    branches: number[] | null,
  ): { rows: DeliveryRow[]; total: number } {
    let q = this.db.selectFrom('notification_deliveries');
    if (f.event_log_id !== undefined) q = q.where('event_log_id', '=', f.event_log_id);
    if (f.branch_id !== undefined) q = q.where('branch_id', '=', f.branch_id);
    if (f.report_id !== undefined) q = q.where('report_id', '=', f.report_id);
    if (f.status !== undefined) q = q.where('status', '=', f.status as DeliveryStatusName);
    if (branches !== null) q = branches.length ? q.where('branch_id', 'in', branches) : q.where('id', '<', 0);
    const total = this.exec.first(q.select((e) => e.fn.countAll<number>().as('n')))?.n ?? 0;
    const rows = this.exec.all(
      q
        .selectAll()
        .orderBy('id', 'desc')
        .limit(f.per_page)
        .offset((f.page - 1) * f.per_page),
    );
    return { rows, total };
  }

  // ---- settings -----------------------------------------------------------

  private settingsQuery() {
    return this.db
      .selectFrom('branch_event_settings as s')
      .innerJoin('company_branches as b', 'b.id', 's.branch_id')
      .leftJoin('device_masters as d', 'd.device_id', 's.device_id')
      .select([
        's.id',
        's.branch_id',
        'b.branch_name',
        's.device_id',
        'd.device_name',
        's.is_active',
        's.whatsapp_enabled',
        's.whatsapp_numbers',
        's.message_template',
        's.send_image',
        's.cooldown_seconds',
        's.created_at',
        's.updated_at',
      ]);
  }

  /** Settings of the given branches (null = all), by branch then device. */
  listSettings(branchIds: number[] | null, branchId?: number): SettingRow[] {
    let q = this.settingsQuery();
    if (branchIds !== null) q = branchIds.length ? q.where('s.branch_id', 'in', branchIds) : q.where('s.id', '<', 0);
    if (branchId !== undefined) q = q.where('s.branch_id', '=', branchId);
    // nulls first on both engines (SQLite's order; PostgreSQL puts them last): the branch-wide setting leads
    return this.exec.all(q.orderBy('s.branch_id').orderBy('s.device_id', (o) => o.asc().nullsFirst()));
  }

  getSetting(id: number): SettingRow | undefined {
    return this.exec.first(this.settingsQuery().where('s.id', '=', id));
  }

  insertSetting(
    v: {
      branch_id: number;
      device_id: string | null;
      enabled: boolean;
      numbers: string[];
      message_template: string;
      send_image: boolean;
      cooldown_seconds: number;
    },
    now: string,
  ): number {
    return this.exec.run(
      this.db.insertInto('branch_event_settings').values({
        branch_id: v.branch_id,
        device_id: v.device_id,
        is_active: 1,
        whatsapp_enabled: v.enabled ? 1 : 0,
        whatsapp_numbers: JSON.stringify(v.numbers),
        message_template: v.message_template,
        send_image: v.send_image ? 1 : 0,
        cooldown_seconds: v.cooldown_seconds,
        created_at: now,
        updated_at: now,
      }),
    ).lastInsertRowid;
  }

  updateSetting(
    id: number,
    p: {
      enabled?: boolean | undefined;
      numbers?: string[] | undefined;
      message_template?: string | undefined;
      send_image?: boolean | undefined;
      cooldown_seconds?: number | undefined;
    },
    now: string,
  ): void {
    this.exec.run(
      this.db
        .updateTable('branch_event_settings')
        .set({
          ...(p.enabled !== undefined ? { whatsapp_enabled: p.enabled ? 1 : 0 } : {}),
          ...(p.numbers !== undefined ? { whatsapp_numbers: JSON.stringify(p.numbers) } : {}),
          ...(p.message_template !== undefined ? { message_template: p.message_template } : {}),
          ...(p.send_image !== undefined ? { send_image: p.send_image ? 1 : 0 } : {}),
          ...(p.cooldown_seconds !== undefined ? { cooldown_seconds: p.cooldown_seconds } : {}),
          updated_at: now,
        })
        .where('id', '=', id),
    );
  }

  /**
   * A camera's own settings (override rows, device_id = its string id) held under any branch
   * but `branchId`: after a move, the ones left under its old branch. By id.
   */
  deviceOverridesOutside(deviceId: string, branchId: number): SettingRow[] {
    return this.exec.all(
      this.settingsQuery().where('s.device_id', '=', deviceId).where('s.branch_id', '!=', branchId).orderBy('s.id'),
    );
  }

  deleteSetting(id: number): void {
    this.exec.run(this.db.deleteFrom('branch_event_settings').where('id', '=', id));
  }

  device(deviceId: string): { device_id: string; device_name: string; branch_id: number } | undefined {
    return this.exec.first(
      this.db
        .selectFrom('device_masters')
        .select(['device_id', 'device_name', 'branch_id'])
        .where('device_id', '=', deviceId),
    );
  }

  /** A branch's name and time zone. */
  branch(id: number): { id: number; branch_name: string; timezone: string } | undefined {
    return this.exec.first(
      this.db.selectFrom('company_branches').select(['id', 'branch_name', 'timezone']).where('id', '=', id),
    );
  }

  /** An event with its branch and device names (for escalations). */
  event(id: number):
    | {
        id: number;
        branch_id: number;
        device_id: string;
        re_id: string;
        detected_count: number;
        event_timestamp: string;
      }
    | undefined {
    return this.exec.first(
      this.db
        .selectFrom('event_logs')
        .select(['id', 'branch_id', 'device_id', 're_id', 'detected_count', 'event_timestamp'])
        .where('id', '=', id),
    );
  }

  // ---- provider settings --------------------------------------------------

  providerRow(): { provider: string; config: string; secrets_enc: string | null; updated_at: string } | undefined {
    return this.exec.first(
      this.db
        .selectFrom('notification_provider_settings')
        .select(['provider', 'config', 'secrets_enc', 'updated_at'])
        .where('id', '=', 1),
    );
  }

  /** When the provider settings last changed (ISO-8601), or null: what tells a cache it is stale. */
  providerVersion(): string | null {
    return (
      this.exec.first(this.db.selectFrom('notification_provider_settings').select('updated_at').where('id', '=', 1))
        ?.updated_at ?? null
    );
  }

  saveProvider(provider: string, config: string, secretsEnc: string | null, now: string): void {
    this.exec.run(
      this.db
        .insertInto('notification_provider_settings')
        .values({ id: 1, provider, config, secrets_enc: secretsEnc, updated_at: now })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({ provider, config, secrets_enc: secretsEnc, updated_at: now }),
        ),
    );
  }

  // ---- daily summary ------------------------------------------------------

  /** One day's rows of whatsapp_delivery_summary, by branch (the fold itself: delivery-summary-repository.ts). */
  summary(date: string): Array<Selectable<WhatsappDeliverySummaryTable>> {
    return this.exec.all(
      this.db
        .selectFrom('whatsapp_delivery_summary')
        .selectAll()
        .where('date', '=', date)
        .orderBy('branch_id', (o) => o.asc().nullsFirst()),
    );
  }
}
