/**
 * Snapshot files are served only through signed URLs that expire (S5).
 *
 * A user whose scope holds the event's branch asks `GET /api/v1/events/:id/snapshot` and gets
 * `/files/<token>` links for the image and the thumbnail. A token is
 * `base64url("v1.<file id>.<user id>.<expires ms>") + "." + base64url(HMAC-SHA256)`; the key is
 * HKDF-SHA256 (RFC 5869) of the server's live-ticket key with the info `pantau/file-urls/v1`,
 * so it never leaves the server and rotates with the master key. `GET /files/<token>` checks
 * the signature in constant time and the expiry, then streams the file. An `<img>` cannot
 * send a bearer token, which is why the link itself carries the authorisation — and why it
 * is short-lived (default 10 minutes, `PANTAU_FILE_URL_TTL_S`).
 *
 * Every grant and every fetch, allowed or refused, is appended to
 * `<dataDir>/logs/file_access/YYYY-MM-DD.log` (JSON Lines, site-local day): time, user,
 * file, event, outcome, ip.
 */
import crypto from 'node:crypto';
import type fs from 'node:fs';
import { PantauError, type SnapshotLinks } from '@pantau/shared';
import type { DailyJsonLog } from '../repositories/request-log.js';
import type { StorageDisk } from '../repositories/storage-disk.js';
import type { StorageRepository, StoredFile } from '../repositories/storage-repository.js';

/** Default lifetime of a signed link, ms. */
export const DEFAULT_FILE_URL_TTL_MS = 10 * 60_000;

/** What happened to one request for a file. */
export type FileAccessOutcome =
  'granted' | 'served' | 'not_found' | 'out_of_scope' | 'no_snapshot' | 'expired' | 'invalid' | 'missing';

/** One line of the file access log. */
export interface FileAccessLogEntry {
  /** ISO-8601. */
  time: string;
  user_id: number | null;
  event_log_id: number | null;
  file_id: number | null;
  kind: StoredFile['kind'] | null;
  path: string | null;
  outcome: FileAccessOutcome;
  ip: string | null;
}

/** The caller of a link request: who and which branches they may see (null = every branch). */
export interface SnapshotViewer {
  id: number;
  branchScope: readonly number[] | null;
}

/** A file ready to stream. */
export interface ServedFile {
  stream: fs.ReadStream;
  mime: string;
  /** Bytes. */
  bytes: number;
  /** Seconds the link stays valid: a cache may keep the file that long, no longer. */
  maxAgeS: number;
}

/** Derive the link-signing key from the server's live-ticket key (HKDF-SHA256, RFC 5869). */
export function fileUrlKey(liveTicketKey: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', liveTicketKey, Buffer.alloc(0), 'pantau/file-urls/v1', 32));
}

/** Signs links, checks them and opens files. */
export class SnapshotAccess {
  constructor(
    private readonly storage: StorageRepository,
    private readonly disk: StorageDisk,
    private readonly key: Buffer,
    private readonly log: DailyJsonLog,
    /** Link lifetime, ms. */
    readonly ttlMs: number = DEFAULT_FILE_URL_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Signed links to an event's stamped image and thumbnail.
   * @throws PantauError NOT_FOUND when the event does not exist, is outside the viewer's scope
   *   (the same answer, so other sites' events do not leak), or has no processed snapshot (yet)
   */
  links(eventLogId: number, viewer: SnapshotViewer, ip: string | null = null): SnapshotLinks {
    const entry = (outcome: FileAccessOutcome, f: StoredFile | null = null) =>
      this.record({ user_id: viewer.id, event_log_id: eventLogId, file: f, outcome, ip });
    const event = this.storage.event(eventLogId);
    if (!event) {
      entry('not_found');
      throw new PantauError('NOT_FOUND', `event ${eventLogId} not found`, { field: 'id' });
    }
    if (viewer.branchScope !== null && !viewer.branchScope.includes(event.branch_id)) {
      entry('out_of_scope');
      throw new PantauError('NOT_FOUND', `event ${eventLogId} not found`, { field: 'id' });
    }
    const files = this.storage.filesOfEvent(eventLogId);
    const image = files.find((f) => f.kind === 'image');
    const thumbnail = files.find((f) => f.kind === 'thumbnail');
    if (!image || !thumbnail) {
      entry('no_snapshot');
      throw new PantauError(
        'NOT_FOUND',
        `event ${eventLogId} has no snapshot${files.some((f) => f.kind === 'original') ? ' yet (processing)' : ''}`,
        { field: 'id' },
      );
    }
    const expires = this.now() + this.ttlMs;
    entry('granted', image);
    return {
      image_url: `/files/${this.sign(image.id, viewer.id, expires)}`,
      thumbnail_url: `/files/${this.sign(thumbnail.id, viewer.id, expires)}`,
      expires_at: new Date(expires).toISOString(),
      width: image.width,
      height: image.height,
    };
  }

  /** A token for one file, one user, until `expiresMs` (ms since epoch). */
  sign(fileId: number, userId: number, expiresMs: number): string {
    const body = Buffer.from(`v1.${fileId}.${userId}.${expiresMs}`).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /**
   * Check a token and open its file.
   * @throws PantauError FORBIDDEN (`details.reason` `invalid` or `expired`), NOT_FOUND when the file is gone
   */
  async open(token: string, ip: string | null = null): Promise<ServedFile> {
    const claim = this.verify(token);
    if (claim === null) {
      this.record({ user_id: null, event_log_id: null, file: null, outcome: 'invalid', ip });
      throw new PantauError('FORBIDDEN', 'this file link is not valid', { field: 'token', reason: 'invalid' });
    }
    const file = this.storage.byId(claim.fileId) ?? null;
    const base = { user_id: claim.userId, event_log_id: file?.event_log_id ?? null, file, ip };
    const left = claim.expiresMs - this.now();
    if (left <= 0) {
      this.record({ ...base, outcome: 'expired' });
      throw new PantauError('FORBIDDEN', 'this file link has expired: ask for a new one', {
        field: 'token',
        reason: 'expired',
      });
    }
    const bytes = file ? await this.disk.size(file.path) : null;
    if (!file || bytes === null) {
      this.record({ ...base, outcome: 'missing' });
      throw new PantauError('NOT_FOUND', 'file not found (removed by retention?)', { field: 'token' });
    }
    this.record({ ...base, outcome: 'served' });
    return {
      stream: this.disk.stream(file.path),
      mime: file.mime,
      bytes,
      maxAgeS: Math.max(0, Math.floor(left / 1000)),
    };
  }

  /** The claim of a well-signed token (expired or not), or null. */
  private verify(token: string): { fileId: number; userId: number; expiresMs: number } | null {
    const m = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const given = Buffer.from(m[2]!, 'base64url');
    const want = Buffer.from(this.mac(m[1]!), 'base64url');
    if (given.length !== want.length || !crypto.timingSafeEqual(given, want)) return null;
    const parts = /^v1\.(\d{1,15})\.(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(m[1]!, 'base64url').toString('utf8'));
    if (!parts) return null;
    return { fileId: Number(parts[1]), userId: Number(parts[2]), expiresMs: Number(parts[3]) };
  }

  private mac(body: string): string {
    return crypto.createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private record(e: {
    user_id: number | null;
    event_log_id: number | null;
    file: StoredFile | null;
    outcome: FileAccessOutcome;
    ip: string | null;
  }): void {
    const line: FileAccessLogEntry = {
      time: new Date(this.now()).toISOString(),
      user_id: e.user_id,
      event_log_id: e.event_log_id,
      file_id: e.file?.id ?? null,
      kind: e.file?.kind ?? null,
      path: e.file?.path ?? null,
      outcome: e.outcome,
      ip: e.ip,
    };
    this.log.append(line);
  }
}
