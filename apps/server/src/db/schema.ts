/**
 * Kysely table types: the database as the server's code sees it (DESIGN §2).
 *
 * Timestamps are stored as ISO-8601 UTC text with milliseconds (`2026-11-21T03:15:00.000Z`):
 * readable, and ordered lexicographically the same as chronologically. Booleans are 0/1.
 * JSON columns hold text.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { AlarmPriority, LayoutVisibility, Role, StreamQuality } from '@pantau/shared';
import type {
  AlarmActionsTable,
  AlarmEscalationSettingsTable,
  BranchEventSettingsTable,
  NotificationProviderSettingsTable,
  NotificationDeliveriesTable,
  NotificationCooldownsTable,
  WhatsappDeliverySummaryTable,
  StorageFilesTable,
} from './schema-pipeline.js';
import type { AlarmCooldownsTable, AlarmRulesTable, WatchlistTable } from './schema-alarm-rules.js';
import type {
  ApiRateWindowsTable,
  DataMigrationProgressTable,
  LoginLimitsTable,
  ServerProcessesTable,
} from './schema-cluster.js';

export type {
  AlarmActionsTable,
  AlarmEscalationSettingsTable,
  BranchEventSettingsTable,
  NotificationProviderSettingsTable,
  NotificationDeliveriesTable,
  NotificationCooldownsTable,
  WhatsappDeliverySummaryTable,
  StorageFilesTable,
  AlarmCooldownsTable,
  AlarmRulesTable,
  WatchlistTable,
  ApiRateWindowsTable,
  DataMigrationProgressTable,
  LoginLimitsTable,
  ServerProcessesTable,
};

type CreatedAt = ColumnType<string, string | undefined, never>;

export interface CompanyGroupsTable {
  id: Generated<number>;
  province_code: string;
  province_name: string;
  group_name: string;
  address: string | null;
  phone: string | null;
  email: string | null;
  status: Generated<'active' | 'inactive'>;
  created_at: CreatedAt;
  updated_at: string;
}

export interface CompanyBranchesTable {
  id: Generated<number>;
  group_id: number;
  branch_code: string;
  branch_name: string;
  city: string;
  address: string | null;
  timezone: string;
  latitude: number | null;
  longitude: number | null;
  status: Generated<'active' | 'inactive'>;
  created_at: CreatedAt;
  updated_at: string;
  /** Whether alarms are raised (018); 0 = disarmed. */
  armed: Generated<number>;
  /** The arming mode that picks the branch's rules (018); null = none. */
  arming_mode: string | null;
  arming_changed_by: number | null;
  arming_changed_at: string | null;
  /** Bumped with every change to the branch's rules or arming (018): the detection path's cache key. */
  rules_version: Generated<number>;
  /** JSON `ArmingScheduleEntry[]` (018): the modes switched by time. */
  arming_schedule: Generated<string>;
  /** The mode the schedule last set ('' = none), null = not yet run (018). */
  arming_scheduled: string | null;
}

export interface DeviceMastersTable {
  id: Generated<number>;
  device_id: string;
  device_name: string;
  device_type: 'camera' | 'nvr' | 'edge';
  branch_id: number;
  parent_device_id: string | null;
  status: Generated<'online' | 'offline' | 'maintenance'>;
  last_seen_at: string | null;
  created_at: CreatedAt;
  updated_at: string;
}

export interface CctvStreamsTable {
  id: Generated<number>;
  branch_id: number;
  device_id: string;
  stream_name: string;
  protocol: 'rtsp' | 'hls' | 'mpegts' | 'flv';
  main_url: string;
  sub_url: string | null;
  username: string | null;
  /** AES-256-GCM ciphertext (`v1:<iv>:<tag>:<data>`, base64), never the password. */
  password_enc: string | null;
  resolution: string | null;
  fps: number | null;
  status: Generated<'unknown' | 'online' | 'offline' | 'error'>;
  last_checked_at: string | null;
  created_at: CreatedAt;
  updated_at: string;
  /** Migration 019: RTSP transport. */
  transport: Generated<'tcp' | 'udp'>;
  /** Migration 019: JSON `StreamMedia` of the last probe that read the stream, or null. */
  main_media: string | null;
  sub_media: string | null;
  /** Migration 019: `StreamProblem` of the last failed read, or null. */
  problem: 'unauthorized' | 'not_found' | 'unavailable' | 'unreachable' | 'no_video' | null;
}

/** Migration 019: the gateway's transcode settings, one row (id 1). */
export interface GatewaySettingsTable {
  id: number;
  max_transcodes: Generated<number>;
  /** `auto`, `libx264`, `h264_vaapi`, `h264_nvenc`, `h264_qsv`. */
  encoder: Generated<string>;
  updated_by: number | null;
  updated_at: string;
}

export interface ReIdMastersTable {
  id: Generated<number>;
  re_id: string;
  person_label: string | null;
  appearance_features: string | null;
  first_detected_at: string;
  last_detected_at: string;
  total_actual_count: number;
  total_detection_branch_count: number;
  status: Generated<'active' | 'inactive'>;
  /** an operator's note (migration 013) */
  note: string | null;
  created_at: CreatedAt;
  updated_at: string;
}

/**
 * One detection at one branch. The times are epoch milliseconds (INTEGER, migration 011), not
 * ISO text as elsewhere: this table grows by a row per detection for as long as the fleet runs,
 * and 6 bytes instead of 24, twice in the row and once in an index, is ~50 bytes per detection.
 * The read repository turns them back into ISO-8601 UTC.
 */
export interface ReIdBranchDetectionsTable {
  id: Generated<number>;
  re_id: string;
  branch_id: number;
  device_id: string;
  detected_count: number;
  /** when the camera saw the person, epoch ms */
  detection_timestamp: number;
  detection_data: string | null;
  image_path: string | null;
  /** when the server applied the detection, epoch ms */
  created_at: number;
  /** the event_logs row it made (migration 013; null before) */
  event_log_id: number | null;
}

/** Detections per branch, site-local hour and device (migration 012); written with each detection. */
export interface DetectionHourlyTable {
  branch_id: number;
  /** YYYY-MM-DD in the branch's time zone */
  local_day: string;
  /** 0–23 in the branch's time zone */
  local_hour: number;
  device_id: string;
  detections: number;
  /** sum of detected_count */
  detected_sum: number;
}

/** Detections and unique persons per branch and site-local day (migration 012). */
export interface DetectionDailyTable {
  branch_id: number;
  local_day: string;
  detections: number;
  detected_sum: number;
  /** rows of person_days for (branch, day) */
  unique_persons: number;
}

/** A person at one branch: their detections there (migration 014; times epoch ms). */
export interface PersonBranchesTable {
  re_id: string;
  branch_id: number;
  detection_count: number;
  detected_sum: number;
  first_detection: number;
  last_detection: number;
}

/** A cached counting report (migration 015); JSON columns as text. */
export interface CountingReportsTable {
  id: Generated<number>;
  report_type: 'daily' | 'weekly' | 'monthly';
  report_date: string;
  period_end: string;
  scope_key: string;
  branch_id: number | null;
  group_id: number | null;
  branch_ids: string;
  timezone: string;
  status: 'generating' | 'ready' | 'failed';
  total_detections: Generated<number>;
  total_detected_count: Generated<number>;
  unique_person_count: Generated<number>;
  report_data: string | null;
  generated_at: string | null;
  stale: Generated<number>;
  late_detections: Generated<number>;
  job_id: number | null;
  requested_by: Generated<string>;
  requested_at: string;
  error: string | null;
  /** the schedule asked for it to go to its recipients (migration 017) */
  deliver: Generated<number>;
  /** when its deliveries were queued */
  delivered_at: string | null;
}

/** Who receives a branch's or a group's daily report (migration 017). */
export interface ReportRecipientsTable {
  id: Generated<number>;
  branch_id: number | null;
  group_id: number | null;
  /** JSON array of E.164 numbers */
  phones: string;
  language: 'en' | 'id';
  enabled: number;
  created_at: string;
  updated_at: string;
}

/** A person's first detection of a site-local day at a branch (migration 012). */
export interface PersonDaysTable {
  branch_id: number;
  local_day: string;
  re_id: string;
}

/** A person's detections at a branch in a site-local week or month (migration 016). */
export interface PersonPeriodsTable {
  period_type: 'weekly' | 'monthly';
  /** YYYY-MM-DD: the Monday of the week, the 1st of the month */
  period_start: string;
  branch_id: number;
  re_id: string;
  detections: number;
  detected_sum: number;
  /** epoch ms */
  first_detection: number;
  /** epoch ms */
  last_detection: number;
}

export interface EventLogsTable {
  id: Generated<number>;
  branch_id: number;
  device_id: string;
  re_id: string;
  event_type: string;
  detected_count: number;
  event_timestamp: string;
  image_path: string | null;
  notification_sent: Generated<number>;
  image_sent: Generated<number>;
  acknowledged_by: number | null;
  acknowledged_at: string | null;
  created_at: CreatedAt;
  /** The alarm workflow (007): new → acknowledged → closed; null = a plain event, no rule raised it (018). */
  alarm_state: 'new' | 'acknowledged' | 'closed' | null;
  closed_by: number | null;
  closed_at: string | null;
  /** When the alarm escalated (007); null = not (yet). */
  escalated_at: string | null;
  /** The raising rule as it was then (018); all null for a plain event. */
  priority: AlarmPriority | null;
  rule_id: number | null;
  rule_name: string | null;
  instructions: string | null;
  /** The rule's acknowledgement target, seconds. */
  ack_target_s: number | null;
  /** When the alarm closes by itself (ISO-8601 UTC), or null. */
  auto_close_at: string | null;
}

export interface DetectionIdempotencyTable {
  device_id: string;
  event_id: string;
  job_id: number;
  created_at: CreatedAt;
}

export interface JobsTable {
  id: Generated<number>;
  queue: string;
  type: string;
  payload: string;
  priority: number;
  /** `pending`: due; `delayed`: waiting for `run_at` (migration 009); `running`: claimed. */
  status: 'pending' | 'delayed' | 'running';
  attempts: Generated<number>;
  max_attempts: number;
  /** Earliest time to run, ms since epoch. */
  run_at: number;
  locked_at: number | null;
  /** The process (server_processes.id) that claimed a running job (migration 020). */
  locked_by: string | null;
  last_error: string | null;
  created_at: CreatedAt;
}

/** Jobs per (queue, status), kept by triggers on `jobs` (migration 009). */
export interface JobCountsTable {
  queue: string;
  status: 'pending' | 'delayed' | 'running';
  n: number;
}

export interface FailedJobsTable {
  id: Generated<number>;
  job_id: number;
  queue: string;
  type: string;
  payload: string;
  attempts: number;
  error: string;
  failed_at: string;
}

export interface RealtimeOutboxTable {
  /** The event id clients see: grows by one per event. */
  id: Generated<number>;
  type: string;
  /** Who receives it: `branch:<id>`, `group:<id>`, `admins`, `user:<id>` (that user only) or `global` (repositories/outbox-repository.ts). */
  channel: string;
  /** Branch the event is about (null = not branch-level). */
  branch_id: number | null;
  /** Group the event is about when it is not about one branch (null with branch_id null = visible to every user). */
  group_id: number | null;
  data: string;
  ts: string;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  /** 1 = every branch. */
  scope_all: Generated<number>;
  /** JSON array of group ids whose branches (present and future) the user may see. */
  scope_group_ids: Generated<string>;
  /** JSON array of further branch ids the user may see. */
  scope_branch_ids: Generated<string>;
  last_login_at: string | null;
  status: Generated<'active' | 'disabled'>;
  created_at: CreatedAt;
  updated_at: string;
}

export interface SessionsTable {
  id: Generated<number>;
  /** SHA-256 of the bearer token (hex); the token itself is never stored. */
  token_hash: string;
  user_id: number;
  expires_at: string;
  revoked_at: string | null;
  created_at: CreatedAt;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogsTable {
  id: Generated<number>;
  user_id: number | null;
  user_email: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  /** JSON, secrets masked. */
  before: string | null;
  after: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
}

export interface ApiCredentialsTable {
  id: Generated<number>;
  credential_name: string;
  api_key: string;
  /** SHA-256 hex of the secret. */
  secret_hash: string;
  /** The rotated-out secret, valid until previous_secret_expires_at. */
  previous_secret_hash: string | null;
  previous_secret_expires_at: string | null;
  branch_id: number | null;
  device_id: string | null;
  permissions: string;
  rate_limit_per_hour: number;
  expires_at: string | null;
  last_used_at: string | null;
  /** `inactive` = suspended (refused, can be resumed); `revoked` is final. Plain text, no CHECK (001). */
  status: Generated<'active' | 'inactive' | 'revoked'>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: string;
}

export interface CctvLayoutSettingsTable {
  id: Generated<number>;
  layout_name: string;
  layout_type: string;
  is_default: number;
  is_active: Generated<number>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: string;
  /** Custom grids: rows and columns (006); null for the fixed types. */
  grid_rows: number | null;
  grid_cols: number | null;
  visibility: Generated<LayoutVisibility>;
  /** Owner of a private layout (006); null when shared. */
  owner_user_id: number | null;
  /** 019: `always` or `activity`. */
  live_mode: Generated<'always' | 'activity'>;
}

export interface CctvPositionSettingsTable {
  id: Generated<number>;
  layout_id: number;
  position_number: number;
  stream_id: number;
  position_name: string | null;
  quality: StreamQuality;
  is_enabled: number;
  auto_switch: Generated<number>;
  switch_interval_s: number | null;
  /** 1-based cell of a custom grid's tile (006); null = from position_number. */
  grid_row: number | null;
  grid_col: number | null;
  row_span: Generated<number>;
  col_span: Generated<number>;
  /** JSON array of the stream ids a patrolling tile visits after stream_id (006). */
  patrol_stream_ids: string | null;
}

export interface DeviceStatusHistoryTable {
  id: Generated<number>;
  device_id: string;
  branch_id: number;
  from_status: string | null;
  to_status: string;
  reason: string;
  changed_at: string;
}

export interface ApiUsageSummaryTable {
  id: Generated<number>;
  /** Site-local day, YYYY-MM-DD. */
  date: string;
  credential_id: number | null;
  route: string;
  method: string;
  request_count: number;
  success_count: number;
  error_count: number;
  avg_response_ms: number;
  min_response_ms: number;
  max_response_ms: number;
  bytes: number;
  created_at: string;
}

/**
 * A delivery status of a message id no delivery carried yet when it arrived (008), kept until
 * the sender commits the id or the park's age limit (webhook-service.ts). One row per
 * (provider, message id, status, status_ts).
 */
export interface NotificationStatusParkedTable {
  id: Generated<number>;
  /** The delivery provider whose webhook reported it (`whatsapp_cloud`). */
  provider: string;
  provider_message_id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** The provider's time of the status, unix seconds; null when the payload had none. */
  status_ts: number | null;
  /** Meta's `recipient_id` (the phone's WhatsApp id, digits), when given. */
  recipient_id: string | null;
  /** JSON of the status's first `errors[]` entry as received, else null. */
  error_json: string | null;
  /** When we acknowledged it (ISO-8601 UTC); the age limit counts from here. */
  received_at: string;
}

export interface Database {
  company_groups: CompanyGroupsTable;
  company_branches: CompanyBranchesTable;
  device_masters: DeviceMastersTable;
  cctv_streams: CctvStreamsTable;
  gateway_settings: GatewaySettingsTable;
  re_id_masters: ReIdMastersTable;
  re_id_branch_detections: ReIdBranchDetectionsTable;
  detection_hourly: DetectionHourlyTable;
  detection_daily: DetectionDailyTable;
  person_days: PersonDaysTable;
  person_periods: PersonPeriodsTable;
  report_recipients: ReportRecipientsTable;
  person_branches: PersonBranchesTable;
  counting_reports: CountingReportsTable;
  event_logs: EventLogsTable;
  alarm_rules: AlarmRulesTable;
  alarm_cooldowns: AlarmCooldownsTable;
  watchlist: WatchlistTable;
  detection_idempotency: DetectionIdempotencyTable;
  jobs: JobsTable;
  failed_jobs: FailedJobsTable;
  realtime_outbox: RealtimeOutboxTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_credentials: ApiCredentialsTable;
  cctv_layout_settings: CctvLayoutSettingsTable;
  cctv_position_settings: CctvPositionSettingsTable;
  audit_logs: AuditLogsTable;
  device_status_history: DeviceStatusHistoryTable;
  api_usage_summary: ApiUsageSummaryTable;
  storage_files: StorageFilesTable;
  branch_event_settings: BranchEventSettingsTable;
  notification_provider_settings: NotificationProviderSettingsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notification_cooldowns: NotificationCooldownsTable;
  whatsapp_delivery_summary: WhatsappDeliverySummaryTable;
  alarm_actions: AlarmActionsTable;
  alarm_escalation_settings: AlarmEscalationSettingsTable;
  notification_status_parked: NotificationStatusParkedTable;
  job_counts: JobCountsTable;
  server_processes: ServerProcessesTable;
  api_rate_windows: ApiRateWindowsTable;
  login_limits: LoginLimitsTable;
  data_migration_progress: DataMigrationProgressTable;
}

export type UserRow = Selectable<UsersTable>;
export type JobRow = Selectable<JobsTable>;
