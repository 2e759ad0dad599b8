/**
 * The dashboard (D5, issue 12): KPIs and series for the caller's scope, optionally one group or
 * branch. "Today" is each branch's own site-local day (a branch in Asia/Jayapura turns the day two
 * hours before one in Asia/Jakarta); the counts come from the rollups the detection transaction
 * writes (migration 012), so they are exact.
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';

/** `GET /api/v1/dashboard` query: the whole scope, one group (province) or one branch. */
export const DashboardQuery = z.object({
  group_id: z.coerce.number().int().positive().optional(),
  branch_id: z.coerce.number().int().positive().optional(),
});
export type DashboardQuery = z.infer<typeof DashboardQuery>;

/** Detections in one site-local hour (0–23). */
export const HourCount = z.object({
  hour: z.int().min(0).max(23),
  detections: z.int().nonnegative(),
});
export type HourCount = z.infer<typeof HourCount>;

/** One branch's day so far. */
export const BranchToday = z.object({
  branch_id: Id,
  branch_name: z.string(),
  detections: z.int().nonnegative(),
  unique_persons: z.int().nonnegative(),
});
export type BranchToday = z.infer<typeof BranchToday>;

/** Unique persons on one day: `days_ago` 0 is today (each branch's own), `date` is that day in the server's zone. */
export const DayPersons = z.object({
  days_ago: z.int().nonnegative(),
  date: z.iso.date(),
  unique_persons: z.int().nonnegative(),
  detections: z.int().nonnegative(),
});
export type DayPersons = z.infer<typeof DayPersons>;

/** Queue health, for admins: jobs waiting, running and failed over every queue. */
export const DashboardQueues = z.object({
  pending: z.int().nonnegative(),
  running: z.int().nonnegative(),
  failed: z.int().nonnegative(),
});
export type DashboardQueues = z.infer<typeof DashboardQueues>;

/** `GET /api/v1/dashboard` data. */
export const Dashboard = z.object({
  /** What the figures cover: the group or branch asked for (null: the caller's whole scope) and how many branches that is. */
  scope: z.object({
    group_id: Id.nullable(),
    branch_id: Id.nullable(),
    branches: z.int().nonnegative(),
    /** the branches counted (a live client keeps to their `stats_updated`) */
    branch_ids: z.array(Id),
  }),
  generated_at: IsoDateTime,
  detections_today: z.int().nonnegative(),
  /** sum of detected_count today */
  detected_count_today: z.int().nonnegative(),
  /** persons seen today, per branch and summed: a person seen at two branches counts at each */
  unique_persons_today: z.int().nonnegative(),
  cameras_online: z.int().nonnegative(),
  cameras_offline: z.int().nonnegative(),
  nvrs_online: z.int().nonnegative(),
  nvrs_offline: z.int().nonnegative(),
  /** alarms not yet acknowledged or closed */
  alarms_open: z.int().nonnegative(),
  /** WhatsApp messages queued today (server's day) that the provider accepted, and of those, delivered or read */
  alerts_sent_today: z.int().nonnegative(),
  alerts_delivered_today: z.int().nonnegative(),
  /** 24 entries, hours 0–23 of today, site-local */
  hourly: z.array(HourCount).length(24),
  hourly_yesterday: z.array(HourCount).length(24),
  /** the 10 branches with most detections today, most first */
  top_branches: z.array(BranchToday).max(10),
  /** the last 14 days, oldest first (today last) */
  daily_persons: z.array(DayPersons).length(14),
  /** admins only (null for others) */
  queues: DashboardQueues.nullable(),
});
export type Dashboard = z.infer<typeof Dashboard>;
