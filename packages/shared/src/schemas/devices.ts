/**
 * The device API (S11, S13): heartbeats, store-and-forward batches, and the read API for
 * integrators (detections, counting summaries).
 */
import { z } from 'zod';
import { Id, IsoDateTime, PageQuery } from './common.js';
import { DeviceExternalId, DeviceStatus } from './organisation.js';
import { DetectionLogBody } from './detection.js';

/** `POST /api/v1/devices/heartbeat`: a device (or an NVR for its cameras) says it is alive. */
export const HeartbeatBody = z.object({
  device_id: DeviceExternalId,
  /** Default `online`; `maintenance` to say so on purpose. */
  status: z.enum(['online', 'maintenance']).optional(),
  /** An NVR's report on its cameras. */
  cameras: z
    .array(z.object({ device_id: DeviceExternalId, status: DeviceStatus.exclude(['maintenance']) }))
    .max(256)
    .optional(),
});
export type HeartbeatBody = z.infer<typeof HeartbeatBody>;

export const HeartbeatResult = z.object({
  device_id: z.string(),
  status: DeviceStatus,
  /** Seconds without a heartbeat after which the device counts as offline. */
  timeout_s: z.int(),
  cameras: z.array(z.object({ device_id: z.string(), status: DeviceStatus })),
});
export type HeartbeatResult = z.infer<typeof HeartbeatResult>;

/** Most detections one batch may carry. */
export const BATCH_MAX = 500;

/** `POST /api/v1/detection/batch`: what a device buffered while cut off, each with its event_id and original time. */
export const DetectionBatchBody = z.object({
  detections: z.array(z.unknown()).min(1).max(BATCH_MAX),
});
/** One item of a batch (checked one by one: a bad item is rejected, the rest go through). */
export const BatchItem = DetectionLogBody.extend({ event_id: DetectionLogBody.shape.event_id.unwrap() });

export const BatchItemResult = z.object({
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  job_id: Id.optional(),
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }).optional(),
});
export const DetectionBatchResult = z.object({
  accepted: z.int(),
  duplicate: z.int(),
  rejected: z.int(),
  /** One entry per item, in order. */
  results: z.array(BatchItemResult),
});
export type DetectionBatchResult = z.infer<typeof DetectionBatchResult>;

/** `GET /api/v1/detections` (key-authenticated, `detections:read`). */
export const DetectionQuery = PageQuery.omit({ q: true }).extend({
  branch_id: z.coerce.number().int().positive().optional(),
  device_id: DeviceExternalId.optional(),
  re_id: z.string().max(128).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
});

export const DetectionRecord = z.object({
  id: Id,
  re_id: z.string(),
  branch_id: Id,
  device_id: z.string(),
  detected_count: z.int(),
  detection_timestamp: IsoDateTime,
  detection_data: z.record(z.string(), z.unknown()).nullable(),
  created_at: IsoDateTime,
});
export type DetectionRecord = z.infer<typeof DetectionRecord>;

/** `GET /api/v1/counting/summary` (key-authenticated, `reports:read`): per branch and site-local day. */
export const CountingQuery = z.object({
  branch_id: z.coerce.number().int().positive().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

export const CountingRow = z.object({
  branch_id: Id,
  /** The branch's local day, YYYY-MM-DD. */
  date: z.iso.date(),
  detections: z.int(),
  total_detected_count: z.int(),
  unique_persons: z.int(),
});
export type CountingRow = z.infer<typeof CountingRow>;
