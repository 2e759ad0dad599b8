/**
 * Counting reports (S6, D8, issue 13): daily, weekly and monthly figures of one branch, one
 * group (province) or every branch in the caller's scope, cached in `counting_reports`.
 *
 * Periods are site-local: `report_date` is the period's first day (a daily report's day, the
 * Monday of a weekly one, the 1st of a monthly one), and each branch's days are its own, in its
 * time zone (a WITA branch's 1 December starts an hour before a WIB branch's). Counts come from
 * the rollups the detection transaction writes (migration 012), so they equal a count over the
 * raw detections.
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { PhoneNumber } from './notifications.js';

/** How long a report's period is. */
export const ReportType = z.enum(['daily', 'weekly', 'monthly']);
export type ReportType = z.infer<typeof ReportType>;

/** Languages an export is written in. */
export const ReportLanguage = z.enum(['en', 'id']);
export type ReportLanguage = z.infer<typeof ReportLanguage>;

/** Export formats. */
export const ReportFormat = z.enum(['pdf', 'csv', 'xlsx']);
export type ReportFormat = z.infer<typeof ReportFormat>;

/** `GET /api/v1/reports/:type` path. */
export const ReportTypeParams = z.object({ type: ReportType });

/**
 * `GET /api/v1/reports/:type` query. `date`: any day of the period (YYYY-MM-DD, site-local;
 * default: the last complete period, by the server's zone). At most one of `branch_id` and
 * `group_id`; neither = every branch in the caller's scope.
 */
export const ReportQuery = z.object({
  date: z.iso.date().optional(),
  branch_id: z.coerce.number().int().positive().optional(),
  group_id: z.coerce.number().int().positive().optional(),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

/** Detections in one site-local hour of day (0–23), over the whole period. */
export const ReportHour = z.object({
  hour: z.int().min(0).max(23),
  /** detection records */
  detections: z.int().nonnegative(),
  /** sum of `detected_count` */
  detected_count: z.int().nonnegative(),
});
export type ReportHour = z.infer<typeof ReportHour>;

/** One site-local day of the period. */
export const ReportDay = z.object({
  date: z.iso.date(),
  detections: z.int().nonnegative(),
  detected_count: z.int().nonnegative(),
  /**
   * distinct persons that day; null in a weekly or monthly report over several branches (a
   * person at two branches that day is one person, which only a scan of every person-day could
   * tell: those reports give the period's distinct persons, and each branch's)
   */
  unique_persons: z.int().nonnegative().nullable(),
});
export type ReportDay = z.infer<typeof ReportDay>;

/** One device's share of the period. */
export const ReportDevice = z.object({
  device_id: z.string(),
  /** the device's name now; its id when it no longer exists */
  device_name: z.string(),
  branch_id: Id,
  detections: z.int().nonnegative(),
  detected_count: z.int().nonnegative(),
});
export type ReportDevice = z.infer<typeof ReportDevice>;

/** One of the persons seen most in the period. */
export const ReportPerson = z.object({
  re_id: z.string(),
  /** the label operators gave the person, if any */
  label: z.string().nullable(),
  detections: z.int().nonnegative(),
  detected_count: z.int().nonnegative(),
  /** branches of the scope the person was seen at in the period */
  branches: z.int().positive(),
  /** first and last detection in the period */
  first_seen: IsoDateTime,
  last_seen: IsoDateTime,
});
export type ReportPerson = z.infer<typeof ReportPerson>;

/** One branch's share of a group or all-branch report. */
export const ReportBranch = z.object({
  branch_id: Id,
  branch_name: z.string(),
  timezone: z.string(),
  detections: z.int().nonnegative(),
  detected_count: z.int().nonnegative(),
  /** distinct persons at this branch in the period */
  unique_persons: z.int().nonnegative(),
});
export type ReportBranch = z.infer<typeof ReportBranch>;

/** The hour of day with the most detections (null when there were none). */
export const ReportPeak = z.object({ hour: z.int().min(0).max(23), detections: z.int().nonnegative() }).nullable();

/** What a report holds beyond its totals. */
export const ReportData = z.object({
  /** 24 entries, hour 0 first */
  hourly_breakdown: z.array(ReportHour),
  /** one entry per day of the period, in order */
  daily_breakdown: z.array(ReportDay),
  /** devices by detections, most first */
  device_breakdown: z.array(ReportDevice),
  /** the 10 persons with the most detections, most first */
  top_persons: z.array(ReportPerson),
  peak_hour: ReportPeak,
  /** per branch (group and all-branch reports; a branch report has its one branch), most detections first */
  branch_breakdown: z.array(ReportBranch),
  /** the previous period's totals, for comparison (null when nothing was counted then) */
  previous: z
    .object({
      report_date: z.iso.date(),
      total_detections: z.int().nonnegative(),
      total_detected_count: z.int().nonnegative(),
      unique_person_count: z.int().nonnegative(),
    })
    .nullable(),
});
export type ReportData = z.infer<typeof ReportData>;

/** A generated report (`GET /api/v1/reports/:type` 200). */
export const CountingReport = z.object({
  id: Id,
  report_type: ReportType,
  /** the period's first site-local day */
  report_date: z.iso.date(),
  /** the period's last site-local day */
  period_end: z.iso.date(),
  /** the branch of a branch report; null for a group or all-branch report */
  branch_id: Id.nullable(),
  /** the group of a group report; null otherwise */
  group_id: Id.nullable(),
  /** what the report covers, as a person reads it: the branch's or group's name, or "All branches" */
  scope_name: z.string(),
  /** the time zone its periods are read in (the branch's; for several branches, the server's) */
  timezone: z.string(),
  /** the branches counted */
  branch_ids: z.array(Id),
  /** detection records in the period */
  total_detections: z.int().nonnegative(),
  /** sum of `detected_count` (people counted) */
  total_detected_count: z.int().nonnegative(),
  /** distinct persons in the period over the scope (a person at two branches counts once) */
  unique_person_count: z.int().nonnegative(),
  generated_at: IsoDateTime,
  /** detections arrived for the period after it was generated; a regeneration is on its way */
  stale: z.boolean(),
  /** detections the last regeneration added (late, store-and-forward ones); 0 for a first generation */
  late_detections: z.int().nonnegative(),
  /** the regeneration job when `stale` (the console hears `report_ready` when it is done) */
  job_id: Id.nullable(),
  report_data: ReportData,
});
export type CountingReport = z.infer<typeof CountingReport>;

/** `GET /api/v1/reports/:type` 202: the report is being generated; `report_ready` follows. */
export const ReportPending = z.object({
  report_id: Id,
  job_id: Id,
  report_type: ReportType,
  report_date: z.iso.date(),
  status: z.literal('generating'),
});
export type ReportPending = z.infer<typeof ReportPending>;

/** `GET /api/v1/reports/:id/export` query. */
export const ReportExportQuery = z.object({
  format: ReportFormat,
  /** language of the PDF's and the spreadsheets' labels (default English) */
  lang: ReportLanguage.default('en'),
});
export type ReportExportQuery = z.infer<typeof ReportExportQuery>;

/**
 * Who receives a branch's or a group's daily report on WhatsApp, as a PDF in `language`, each
 * morning after it is made (01:00 in the branch's zone; a group's when its last branch's day is
 * over). Deliveries are tracked like alerts (`kind: 'report'`, `report_id`).
 */
export const ReportRecipients = z.object({
  id: Id,
  /** exactly one of branch_id and group_id */
  branch_id: Id.nullable(),
  group_id: Id.nullable(),
  /** the branch's or group's name now */
  scope_name: z.string(),
  /** E.164 */
  phones: z.array(z.string()),
  language: ReportLanguage,
  enabled: z.boolean(),
  updated_at: IsoDateTime,
});
export type ReportRecipients = z.infer<typeof ReportRecipients>;

/** Most numbers on one branch's or group's report. */
export const MAX_REPORT_RECIPIENTS = 20;

/** `PUT /api/v1/report-recipients`: set a branch's or a group's recipients (created or replaced). */
export const ReportRecipientsPut = z
  .object({
    branch_id: z.int().positive().optional(),
    group_id: z.int().positive().optional(),
    phones: z
      .array(PhoneNumber)
      .max(MAX_REPORT_RECIPIENTS)
      .refine((a) => new Set(a).size === a.length, { message: 'a number is listed twice' }),
    language: ReportLanguage.default('id'),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.branch_id === undefined) !== (b.group_id === undefined), {
    message: 'give exactly one of branch_id and group_id',
    path: ['branch_id'],
  });
export type ReportRecipientsPut = z.input<typeof ReportRecipientsPut>;
