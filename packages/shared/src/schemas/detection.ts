/**
 * Detection ingestion (S2) and person tracking reads (S8).
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { DeviceExternalId } from './organisation.js';
import { AlarmFields } from './alarms.js';

/** Upper bound of `detection_data` once serialised as JSON, in bytes. */
export const DETECTION_DATA_MAX_BYTES = 16 * 1024;

/** A re-identification id as the edge model emits it. */
export const ReId = z.string().trim().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** Body of `POST /api/v1/detection/log`. */
export const DetectionLogBody = z.object({
  re_id: ReId,
  /** The branch's numeric id. */
  branch_id: Id,
  /** The device's own string id. */
  device_id: DeviceExternalId,
  detected_count: z.int().min(1).max(10_000),
  /** When the camera saw the person; default: time of arrival. */
  detection_timestamp: IsoDateTime.optional(),
  /** Free-form JSON object from the edge model (bounding boxes, confidence…), ≤ 16 KiB. */
  detection_data: z
    .record(z.string(), z.unknown())
    .refine((d) => new TextEncoder().encode(JSON.stringify(d)).length <= DETECTION_DATA_MAX_BYTES, {
      message: `larger than ${DETECTION_DATA_MAX_BYTES} bytes as JSON`,
    })
    .optional(),
  /** Client idempotency key: a repeated (device_id, event_id) is not counted twice. */
  event_id: z.string().trim().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
});
export type DetectionLogBody = z.infer<typeof DetectionLogBody>;

/** `data` of the 202 (accepted) or 200 (duplicate) answer. */
export const DetectionAccepted = z.object({
  status: z.enum(['processing', 'duplicate']),
  job_id: Id,
});
export type DetectionAccepted = z.infer<typeof DetectionAccepted>;

/** One branch line of a person's detection summary. */
export const PersonBranchSummary = z.object({
  branch_id: Id,
  branch_name: z.string(),
  /** Number of detection records. */
  detection_count: z.int(),
  /** Sum of detected_count. */
  total_detected_count: z.int(),
  first_detection: IsoDateTime,
  last_detection: IsoDateTime,
});

/** `GET /api/v1/persons/:re_id`. */
export const Person = z.object({
  re_id: z.string(),
  person_label: z.string().nullable(),
  status: z.enum(['active', 'inactive']),
  first_detected_at: IsoDateTime,
  last_detected_at: IsoDateTime,
  /** Sum of detected_count over all the person's detections. */
  total_actual_count: z.int(),
  /** Number of distinct branches the person was seen at. */
  total_detection_branch_count: z.int(),
  branches: z.array(PersonBranchSummary),
});
export type Person = z.infer<typeof Person>;

/** One row of the event log (and the `data` of a `detection_update` event). */
export const EventLog = z.object({
  id: Id,
  event_type: z.string(),
  branch_id: Id,
  branch_name: z.string(),
  device_id: z.string(),
  device_name: z.string(),
  re_id: z.string(),
  detected_count: z.int(),
  event_timestamp: IsoDateTime,
  created_at: IsoDateTime,
  acknowledged_by: Id.nullable(),
  acknowledged_at: IsoDateTime.nullable(),
  /** The alarm workflow (schemas/alarms.ts); absent = a `new` alarm. */
  ...AlarmFields.shape,
  /** The event's snapshot image (S5): `pending` while the image job runs, `ready` once `GET /events/:id/snapshot` has links; null/absent = none posted. */
  snapshot: z.enum(['pending', 'ready']).nullable().optional(),
});
export type EventLog = z.infer<typeof EventLog>;

/** `GET /api/v1/events?branch_id=&limit=&before_id=` newest first. */
export const EventListQuery = z.object({
  branch_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before_id: z.coerce.number().int().positive().optional(),
});
export type EventListQuery = z.infer<typeof EventListQuery>;
