/**
 * Event snapshots (S5): the signed, expiring links to an event's stamped image and thumbnail.
 */
import { z } from 'zod';
import { IsoDateTime } from './common.js';

/** `GET /api/v1/events/:id/snapshot`: links valid until `expires_at` (default 10 minutes). */
export const SnapshotLinks = z.object({
  /** Path of the stamped image on the server (`/files/<token>`): resolve against the server's URL. */
  image_url: z.string(),
  /** Path of the 320×240 thumbnail, likewise. */
  thumbnail_url: z.string(),
  expires_at: IsoDateTime,
  /** The stamped image's size, px. */
  width: z.int(),
  height: z.int(),
});
export type SnapshotLinks = z.infer<typeof SnapshotLinks>;

/** Name of the image file part of a multipart `POST /api/v1/detection/log`. */
export const SNAPSHOT_FIELD = 'snapshot';
