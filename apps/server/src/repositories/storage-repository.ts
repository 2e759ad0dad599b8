/**
 * SQL of the file registry `storage_files` (migration 004) and the event's image link
 * (event_logs.image_path). Synchronous prepared statements: every call runs inside a
 * transaction (the detection accept, the detection job, the image job's effects, cleanup).
 */
import type { SqlConnection, SqlStatement } from '../db/connection.js';
import type { Selectable } from 'kysely';
import type { EventLogsTable, StorageFilesTable } from '../db/schema.js';
import type { BranchRow, DeviceRow } from './organisation-repository.js';

/** One registered file (a row of `storage_files`; see its table type for units). `path` is relative to `<dataDir>/storage`. */
export type StoredFile = Selectable<StorageFilesTable>;

/** What is registered for a new file. */
export type NewStoredFile = Omit<StoredFile, 'id'>;

/**
 * The event a snapshot belongs to, for access checks and the stamp: event_logs columns with its
 * branch's name and IANA time zone, and its camera's name (the device id when the camera is gone).
 */
export type SnapshotEvent = Pick<
  Selectable<EventLogsTable>,
  'id' | 'branch_id' | 'device_id' | 'event_timestamp' | 'image_path'
> &
  Pick<BranchRow, 'branch_name' | 'timezone'> &
  Pick<DeviceRow, 'device_name'>;

/** Prepared statements of the file registry. */
export class StorageRepository {
  private readonly s: Record<string, SqlStatement>;

  constructor(private readonly db: SqlConnection) {
    this.s = {
      upsert: db.prepare(
        `INSERT INTO storage_files (kind, path, bytes, width, height, mime, branch_id, event_log_id, created_at)
         VALUES (@kind, @path, @bytes, @width, @height, @mime, @branch_id, @event_log_id, @created_at)
         ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, bytes = excluded.bytes, width = excluded.width, height = excluded.height,
           mime = excluded.mime, branch_id = excluded.branch_id, event_log_id = excluded.event_log_id
         RETURNING id`,
      ),
      linkEvent: db.prepare(`UPDATE storage_files SET event_log_id = ? WHERE path = ?`),
      setImage: db.prepare(`UPDATE event_logs SET image_path = ? WHERE id = ?`),
      byId: db.prepare(`SELECT * FROM storage_files WHERE id = ?`),
      ofEvent: db.prepare(`SELECT * FROM storage_files WHERE event_log_id = ? ORDER BY id`),
      event: db.prepare(
        `SELECT e.id, e.branch_id, b.branch_name, b.timezone, e.device_id, COALESCE(d.device_name, e.device_id) AS device_name, e.event_timestamp, e.image_path
         FROM event_logs e JOIN company_branches b ON b.id = e.branch_id LEFT JOIN device_masters d ON d.device_id = e.device_id WHERE e.id = ?`,
      ),
      olderThan: db.prepare(`SELECT * FROM storage_files WHERE created_at < ? ORDER BY created_at, id LIMIT ?`),
      remove: db.prepare(`DELETE FROM storage_files WHERE id = ?`),
      clearImage: db.prepare(`UPDATE event_logs SET image_path = NULL WHERE id = ? AND image_path = ?`),
    };
  }

  /** Register a file, or update the row of the same path (a retried job). @returns its id */
  upsert(f: NewStoredFile): number {
    return (this.s.upsert!.get(f) as { id: number }).id;
  }

  /** Attach the original at `path` to the event made from its detection. */
  linkToEvent(path: string, eventLogId: number): void {
    this.s.linkEvent!.run(eventLogId, path);
  }

  /** Point an event at its processed image. */
  setEventImage(eventLogId: number, path: string): void {
    this.s.setImage!.run(path, eventLogId);
  }

  byId(id: number): StoredFile | undefined {
    return this.s.byId!.get(id) as StoredFile | undefined;
  }

  /** Every file of an event, oldest first. */
  filesOfEvent(eventLogId: number): StoredFile[] {
    return this.s.ofEvent!.all(eventLogId) as StoredFile[];
  }

  event(eventLogId: number): SnapshotEvent | undefined {
    return this.s.event!.get(eventLogId) as SnapshotEvent | undefined;
  }

  /** Up to `limit` files registered before `isoTime`, oldest first. */
  olderThan(isoTime: string, limit: number): StoredFile[] {
    return this.s.olderThan!.all(isoTime, limit) as StoredFile[];
  }

  /**
   * Which of `paths` are registered (for the orphan sweep). Queried in chunks of 500 so a
   * directory of any size stays under SQLite's bound-parameter limit.
   */
  registered(paths: string[]): Set<string> {
    const found = new Set<string>();
    for (let i = 0; i < paths.length; i += 500) {
      const chunk = paths.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT path FROM storage_files WHERE path IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as Array<{ path: string }>;
      for (const r of rows) found.add(r.path);
    }
    return found;
  }

  /** Forget a file; an event whose image it was no longer points at it. */
  remove(f: Pick<StoredFile, 'id' | 'path' | 'event_log_id'>): void {
    this.s.remove!.run(f.id);
    if (f.event_log_id !== null) this.s.clearImage!.run(f.event_log_id, f.path);
  }
}
