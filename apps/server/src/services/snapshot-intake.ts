/**
 * Taking a detection posted with an image (S5): read the multipart form, check the image by
 * content, store the original durably, then accept the detection with the original's path.
 *
 * The promise: when the 202 goes out, the original is on disk (atomic write + fsync) and its
 * job and storage_files row are committed together. On any error — bad fields, a refused
 * image, an unknown branch, a credential out of scope — nothing remains: the file is removed
 * and no job, row or idempotency key was committed. A repeated event_id (200 duplicate)
 * keeps the first post's snapshot and drops this one's file.
 *
 * Form layout (documented in the OpenAPI summary of the route): the fields of
 * `DetectionLogBody` as text parts (`detection_data` as JSON text) and at most one file part
 * named {@link SNAPSHOT_FIELD}.
 */
import type { MultipartFile, Multipart } from '@fastify/multipart';
import { PantauError, SNAPSHOT_FIELD, type DetectionAccepted, type DetectionLogBody } from '@pantau/shared';
import type { SnapshotRef } from '../queue/job-payloads.js';
import { originalPath, type StorageDisk } from '../repositories/storage-disk.js';
import type { CredentialRow } from '../repositories/credential-repository.js';
import type { DetectionService } from './detection-service.js';
import { SNAPSHOT_MAX_BYTES, inspectImage, type InspectedImage } from './snapshot-image.js';

/** Limits handed to the multipart parser: one file ≤ 10 MB, a few small text fields. */
export const MULTIPART_LIMITS = {
  fileSize: SNAPSHOT_MAX_BYTES,
  files: 1,
  fields: 16,
  fieldSize: 32 * 1024,
  parts: 17,
  fieldNameSize: 64,
  headerPairs: 50,
} as const;

/** A checked upload waiting to be stored. */
export interface SnapshotUpload extends InspectedImage {
  data: Buffer;
}

/** Numeric fields of the detection form (text parts arrive as strings). */
const NUMERIC_FIELDS = new Set(['branch_id', 'detected_count']);

/**
 * Read a multipart detection form into the JSON body shape and the checked image.
 * Numbers are converted where they are whole decimal numbers and `detection_data` parsed as
 * JSON; anything else is left as sent, for the body schema to refuse with its usual field error.
 * @param parts the request's parts iterator (`request.parts()`)
 * @throws PantauError PAYLOAD_TOO_LARGE (file > 10 MB, too many parts or fields, image > 50 megapixels),
 *   UNSUPPORTED_MEDIA_TYPE (not JPEG/PNG/WebP by content), VALIDATION_ERROR (unknown file field, truncated or corrupt image, malformed form)
 */
export async function readDetectionForm(
  parts: AsyncIterableIterator<Multipart>,
): Promise<{ body: Record<string, unknown>; upload: SnapshotUpload | null }> {
  const body: Record<string, unknown> = {};
  let file: Buffer | null = null;
  try {
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== SNAPSHOT_FIELD) {
          await (part as MultipartFile).toBuffer();
          throw new PantauError(
            'VALIDATION_ERROR',
            `unknown file field "${part.fieldname}": send the image as "${SNAPSHOT_FIELD}"`,
            { field: part.fieldname },
          );
        }
        file = await (part as MultipartFile).toBuffer();
        continue;
      }
      if (part.valueTruncated)
        throw new PantauError(
          'PAYLOAD_TOO_LARGE',
          `${part.fieldname}: longer than ${MULTIPART_LIMITS.fieldSize} bytes`,
          { field: part.fieldname },
        );
      const raw = typeof part.value === 'string' ? part.value : String(part.value);
      body[part.fieldname] = formValue(part.fieldname, raw);
    }
  } catch (err) {
    throw multipartError(err);
  }
  return { body, upload: file === null ? null : { ...(await inspectImage(file, SNAPSHOT_FIELD)), data: file } };
}

function formValue(name: string, raw: string): unknown {
  if (NUMERIC_FIELDS.has(name) && /^\d{1,15}$/.test(raw)) return Number(raw);
  if (name === 'detection_data') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

/** The multipart parser's errors (codes of @fastify/multipart and busboy) as PantauErrors. */
function multipartError(err: unknown): PantauError {
  if (err instanceof PantauError) return err;
  const code = (err as { code?: string }).code ?? '';
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new PantauError('PAYLOAD_TOO_LARGE', `${SNAPSHOT_FIELD}: larger than ${SNAPSHOT_MAX_BYTES} bytes`, {
        field: SNAPSHOT_FIELD,
        limit_bytes: SNAPSHOT_MAX_BYTES,
      });
    case 'FST_FILES_LIMIT':
      return new PantauError('PAYLOAD_TOO_LARGE', `at most one file (${SNAPSHOT_FIELD})`, { field: SNAPSHOT_FIELD });
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new PantauError('PAYLOAD_TOO_LARGE', 'too many form fields', { field: 'body' });
    default:
      return new PantauError(
        'VALIDATION_ERROR',
        `malformed multipart form: ${err instanceof Error ? err.message : String(err)}`,
        { field: 'body' },
      );
  }
}

/** Stores originals and accepts their detections. */
export class SnapshotIntake {
  constructor(
    private readonly disk: StorageDisk,
    private readonly detections: Pick<DetectionService, 'accept' | 'overloaded'>,
    /** Site time zone: the day directories follow its calendar. */
    private readonly timeZone: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Store the original under `events/YYYY/MM/DD/{timestamp}_{uuid}.{ext}` (atomically,
   * fsync'd), then accept the detection with it. Resolves after both are durable.
   * @returns as {@link DetectionService.accept}
   * @throws whatever accept throws (the stored file is removed first), or the file system's error
   */
  async accept(
    body: DetectionLogBody,
    credential: Pick<CredentialRow, 'branch_id' | 'device_id'>,
    upload: SnapshotUpload,
  ): Promise<DetectionAccepted> {
    // refused before the file is written: an overloaded server writes nothing
    const busy = this.detections.overloaded();
    if (busy) throw busy;
    const path = originalPath(new Date(this.now()), this.timeZone, upload.ext);
    const ref: SnapshotRef = {
      path,
      bytes: upload.data.length,
      width: upload.width,
      height: upload.height,
      mime: upload.mime,
    };
    await this.disk.writeAtomic(path, upload.data);
    let result: DetectionAccepted;
    try {
      result = await this.detections.accept(body, credential, ref, true);
    } catch (err) {
      await this.disk.remove(path);
      throw err;
    }
    if (result.status === 'duplicate') await this.disk.remove(path);
    return result;
  }
}
