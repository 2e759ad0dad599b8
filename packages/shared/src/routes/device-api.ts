/**
 * The device and integrator API (S2, S7, S11), key-authenticated (`X-API-Key` + `X-API-Secret`)
 * with the route's permission, the credential's scope and its hourly limit: detection log and
 * batch, heartbeat, and the reads `GET /api/v1/detections` and `GET /api/v1/counting/summary`.
 */
import { z } from 'zod';
import { PageMeta } from '../schemas/common.js';
import { DetectionAccepted, DetectionLogBody } from '../schemas/detection.js';
import {
  CountingQuery,
  CountingRow,
  DetectionBatchBody,
  DetectionBatchResult,
  DetectionQuery,
  DetectionRecord,
  HeartbeatBody,
  HeartbeatResult,
} from '../schemas/devices.js';
import { SNAPSHOT_FIELD } from '../schemas/snapshots.js';
import { defineRoute } from './route.js';

export const deviceApiRoutes = {
  /** Post one detection; `{ status: 202, data }` when new, `{ status: 200, data }` for a repeated `event_id`. */
  logDetection: defineRoute({
    method: 'POST',
    path: '/api/v1/detection/log',
    access: 'device',
    permission: 'detections:write',
    tags: ['device API'],
    summary: 'Post a detection',
    description:
      'Post one person detection (202 once its job is committed; 200 for a repeated event_id)' +
      '\n\n' +
      `JSON, or multipart/form-data with the same fields as text parts (\`detection_data\` as JSON text) and one image file part \`${SNAPSHOT_FIELD}\`: ` +
      'JPEG, PNG or WebP judged by content (415 otherwise), at most 10 MB and 50 megapixels (413), complete (a truncated or corrupt image: 400). ' +
      'The original is stored before the 202; an image job then stamps it and makes a 320×240 thumbnail (`snapshot_ready` event). ' +
      '503 with `Retry-After` when the server is taking detections faster than it stores or applies them: nothing was stored; send it again after that many seconds.',
    consumes: ['application/json', 'multipart/form-data'],
    body: DetectionLogBody,
    status: [202, 200],
    data: DetectionAccepted,
    errors: [400, 401, 404, 413, 415, 429, 503],
  }),
  /** Store and forward: up to 500 buffered detections; one result per item, in order. */
  logDetectionBatch: defineRoute({
    method: 'POST',
    path: '/api/v1/detection/batch',
    access: 'device',
    permission: 'detections:write',
    tags: ['device API'],
    summary: 'Post buffered detections (store and forward)',
    description:
      'Store and forward: up to 500 buffered detections, each with its event_id and original time; one result per item, in order' +
      '\n\n' +
      '503 with `Retry-After` when the server is overloaded: the whole batch was refused and nothing stored; send it again after that many seconds.',
    body: DetectionBatchBody,
    data: DetectionBatchResult,
    errors: [400, 401, 503],
  }),
  /** A device heartbeat (an NVR may report its cameras). */
  heartbeat: defineRoute({
    summary: 'Report a device heartbeat',
    method: 'POST',
    path: '/api/v1/devices/heartbeat',
    access: 'device',
    permission: 'devices:heartbeat',
    tags: ['device API'],
    body: HeartbeatBody,
    data: HeartbeatResult,
  }),
  /** Detections in the credential's scope, newest first. */
  detections: defineRoute({
    summary: 'List detections',
    method: 'GET',
    path: '/api/v1/detections',
    access: 'device',
    permission: 'detections:read',
    tags: ['integrator API'],
    query: DetectionQuery,
    data: z.array(DetectionRecord),
    meta: PageMeta,
  }),
  /** Counts per branch and site-local day in the credential's scope. */
  countingSummary: defineRoute({
    summary: 'Counts per branch and day',
    method: 'GET',
    path: '/api/v1/counting/summary',
    access: 'device',
    permission: 'reports:read',
    tags: ['integrator API'],
    query: CountingQuery,
    data: z.array(CountingRow),
  }),
};
