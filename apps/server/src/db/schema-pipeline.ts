/**
 * Kysely table types of the processing pipeline (issue 5): alarms and their escalation (007),
 * WhatsApp alert settings, providers, deliveries and summaries (005), and stored files (004).
 * Conventions as in schema.ts, which re-exports these and lists them in `Database`.
 */
import type { ColumnType, Generated } from 'kysely';

/** An alarm's timeline (007): one row per change; `created` is the event row itself. */
export interface AlarmActionsTable {
  id: Generated<number>;
  event_log_id: number;
  action: 'acknowledged' | 'closed' | 'escalated' | 'note';
  /** Null for the system (escalation) or a deleted user. */
  user_id: number | null;
  note: string | null;
  at: string;
}

/** Per-branch alarm escalation (007). `numbers`: JSON array of E.164 strings. */
export interface AlarmEscalationSettingsTable {
  branch_id: number;
  enabled: number;
  escalate_after_seconds: number;
  numbers: string;
  enabled_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface BranchEventSettingsTable {
  id: Generated<number>;
  branch_id: number;
  /** The device's own id; null = every camera of the branch (a device's setting overrides it). */
  device_id: string | null;
  is_active: number;
  whatsapp_enabled: number;
  /** JSON array of E.164 numbers. */
  whatsapp_numbers: string;
  message_template: string;
  send_image: number;
  cooldown_seconds: number;
  created_at: string;
  updated_at: string;
}

export interface NotificationProviderSettingsTable {
  /** Always 1: one row. */
  id: number;
  provider: string;
  /** JSON: non-secret provider settings. */
  config: string;
  /** AES-256-GCM of a JSON object of secrets (`v1:<iv>:<tag>:<data>`), never the secrets. */
  secrets_enc: string | null;
  updated_at: string;
}

export interface NotificationDeliveriesTable {
  id: Generated<number>;
  /** Null for a test message. */
  event_log_id: number | null;
  branch_id: number | null;
  kind: 'alert' | 'escalation' | 'test' | 'report';
  /** E.164. */
  phone: string;
  provider: string;
  provider_message_id: string | null;
  status: 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'uncertain';
  attempts: number;
  error: string | null;
  /** The rendered text. */
  message: string;
  image_path: string | null;
  queued_at: string;
  sending_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  failed_at: string | null;
  uncertain_at: string | null;
  updated_at: string;
  /** A `report` delivery's counting report (migration 017), its PDF in `document_language`. */
  report_id: ColumnType<number | null, number | null | undefined, number | null>;
  document_language: ColumnType<'en' | 'id' | null, 'en' | 'id' | null | undefined, 'en' | 'id' | null>;
}

export interface NotificationCooldownsTable {
  re_id: string;
  device_id: string;
  /** Detection time of the last alert sent for this person at this camera. */
  last_alert_at: string;
}

export interface WhatsappDeliverySummaryTable {
  id: Generated<number>;
  /** Site-local day the messages were queued, YYYY-MM-DD. */
  date: string;
  branch_id: number | null;
  provider: string;
  total: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  uncertain: number;
  pending: number;
  attempts: number;
  avg_send_ms: number | null;
  created_at: string;
}

/** A stored file (004): a snapshot's original, processed image or thumbnail. */
export interface StorageFilesTable {
  id: Generated<number>;
  kind: 'original' | 'image' | 'thumbnail';
  /** Relative to `<dataDir>/storage`, `/`-separated, unique. */
  path: string;
  bytes: number;
  /** Pixels. */
  width: number;
  height: number;
  mime: string;
  branch_id: number;
  /** Null until the detection job has made the event. */
  event_log_id: number | null;
  created_at: string;
}
