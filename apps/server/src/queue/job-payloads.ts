/**
 * The job map: every job type and the schema of its payload, in one place. Producers enqueue
 * with `queue.enqueue('detection.process', payload)`, which type-checks the payload against
 * this map; the worker decodes each claimed job's payload with its schema before the handler
 * sees it, so a row that does not match (written by an older version, or by hand) fails its job
 * with a clear error instead of reaching the handler. Each job's queue, retry schedule, timeout
 * and handler are declared beside its service (`defineJob`, queue/job-definition.ts).
 *
 * (The model is Immich's `JobItem` map, server/src/types.ts, with its handlers declared by
 * `@OnJob` in each service.)
 *
 * Timestamps are ISO-8601 UTC with ms. Schemas check shapes, not every format: the payloads are
 * written by this server, and decoding must stay cheap on the detection path.
 */
import { z } from 'zod';

/** A stored snapshot original: `path` relative to `<dataDir>/storage`, bytes, pixels, type by content. */
export const SnapshotRef = z.object({
  path: z.string().min(1),
  bytes: z.int().min(0),
  width: z.int().positive(),
  height: z.int().positive(),
  mime: z.enum(['image/jpeg', 'image/png', 'image/webp']),
});
export type SnapshotRef = z.infer<typeof SnapshotRef>;

/** `detection.process`: one posted detection, checked against the organisation when accepted. */
export const DetectionJobPayload = z.object({
  re_id: z.string().min(1),
  branch_id: z.int().positive(),
  device_id: z.string().min(1),
  detected_count: z.int().positive(),
  detection_timestamp: z.string(),
  detection_data: z.record(z.string(), z.unknown()).nullable(),
  /** Sent with the detection (absent in jobs stored before issue 12). */
  appearance_features: z.record(z.string(), z.unknown()).nullable().optional(),
  event_id: z.string().nullable(),
  received_at: z.string(),
  /** The posted image's stored original (multipart posts only; absent for JSON). */
  snapshot: SnapshotRef.optional(),
});
export type DetectionJobPayload = z.infer<typeof DetectionJobPayload>;

/** `image.process`: stamp and thumbnail one event's original (`original` relative to `<dataDir>/storage`). */
export const ImageJobPayload = z.object({
  event_log_id: z.int().positive(),
  branch_id: z.int().positive(),
  original: z.string().min(1),
});
export type ImageJobPayload = z.infer<typeof ImageJobPayload>;

/** `notification.whatsapp`: send one delivery. */
export const WhatsAppJobPayload = z.object({
  delivery_id: z.int().positive(),
  /** Times this delivery was put back because of a rate limit (not counted as attempts). */
  deferrals: z.int().min(0).optional(),
  /** Set on the jobs of a delivery held for a provider that is down (see whatsapp-sender.ts). */
  held: z.boolean().optional(),
});
export type WhatsAppJobPayload = z.infer<typeof WhatsAppJobPayload>;

/** `maintenance.cleanup`: one batch of the retention cleanup. */
export const CleanupJobPayload = z.object({
  /** The instant the retention window is measured from, ms since the epoch (kept across batches); default: now. */
  as_of: z.number().optional(),
});
export type CleanupJobPayload = z.infer<typeof CleanupJobPayload>;

/** `report.generate`: generate (or regenerate) one counting report's row (services/report-service.ts). */
export const ReportJobPayload = z.object({ report_id: z.int().positive() });
export type ReportJobPayload = z.infer<typeof ReportJobPayload>;

/** Every job type's payload schema. */
export const JOB_PAYLOADS = {
  'detection.process': DetectionJobPayload,
  'image.process': ImageJobPayload,
  'notification.whatsapp': WhatsAppJobPayload,
  'maintenance.cleanup': CleanupJobPayload,
  'report.generate': ReportJobPayload,
} as const;

/** Job type → payload. */
export type JobMap = { [K in keyof typeof JOB_PAYLOADS]: z.infer<(typeof JOB_PAYLOADS)[K]> };

/** A job type of the product. */
export type JobType = keyof JobMap;

/** The payload schemas of a job map (the worker decodes with these). */
export type PayloadSchemas<M> = { readonly [K in keyof M]: z.ZodType<M[K]> };
