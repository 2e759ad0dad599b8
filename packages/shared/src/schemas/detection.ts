/**
 * Detection ingestion (S2) and person tracking reads (S8).
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { DeviceExternalId } from './organisation.js';

/** Upper bound of `detection_data` once serialised as JSON, in bytes. */
export const DETECTION_DATA_MAX_BYTES = 16 * 1024;

/**
 * How deep `detection_data` and `appearance_features` may nest (objects and arrays, the top
 * object being depth 1). An edge model's boxes and keypoints nest 3–5 levels; a bound keeps a
 * hostile body (5,000 levels) from overflowing the stack of `JSON.stringify` (issue 16).
 */
export const DETECTION_DATA_MAX_DEPTH = 32;

/**
 * Whether a parsed JSON value nests at most `maxDepth` objects/arrays deep. Iterative (an
 * explicit stack), so it cannot itself overflow the call stack; stops at the first too-deep node.
 * @param value a value from `JSON.parse`
 * @param maxDepth depth allowed, the outermost object or array counting 1
 */
export function jsonDepthWithin(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return true;
}

/**
 * A free-form JSON object from an edge device: at most {@link DETECTION_DATA_MAX_DEPTH} deep,
 * then at most {@link DETECTION_DATA_MAX_BYTES} as JSON (depth first: a deep value is refused
 * before it is stringified).
 */
const EdgeJsonObject = z.record(z.string(), z.unknown()).superRefine((d, ctx) => {
  if (!jsonDepthWithin(d, DETECTION_DATA_MAX_DEPTH)) {
    ctx.addIssue({ code: 'custom', message: `nested deeper than ${DETECTION_DATA_MAX_DEPTH} levels` });
    return;
  }
  if (new TextEncoder().encode(JSON.stringify(d)).length > DETECTION_DATA_MAX_BYTES)
    ctx.addIssue({ code: 'custom', message: `larger than ${DETECTION_DATA_MAX_BYTES} bytes as JSON` });
});

/** A re-identification id as the edge model emits it. */
export const ReId = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

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
  detection_data: EdgeJsonObject.optional(),
  /**
   * What the edge model saw of the person (clothing colours, carried items, an embedding…),
   * ≤ 16 KiB as JSON; the latest sent is kept on the person and shown on their page.
   */
  appearance_features: EdgeJsonObject.optional(),
  /** Client idempotency key: a repeated (device_id, event_id) is not counted twice. */
  event_id: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
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
  /** An operator's note on the person (watchlist reason, who they are), or null. */
  note: z.string().nullable(),
  /** The latest appearance features a device sent for the person, or null. */
  appearance_features: z.record(z.string(), z.unknown()).nullable(),
  branches: z.array(PersonBranchSummary),
});
export type Person = z.infer<typeof Person>;
