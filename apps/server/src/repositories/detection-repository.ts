/**
 * The detection hot path's SQL: idempotency keys, persons, detections and the event log.
 * Raw prepared statements (synchronous) because every call runs inside a transaction at
 * thousands per second (DESIGN §7); the shapes mirror db/schema.ts.
 */
import type SQLite from 'better-sqlite3';

/** What the detection job carries. Timestamps are ISO-8601 UTC with ms. */
export interface DetectionJobPayload {
  re_id: string;
  branch_id: number;
  device_id: string;
  detected_count: number;
  detection_timestamp: string;
  detection_data: Record<string, unknown> | null;
  event_id: string | null;
  received_at: string;
  /** The posted image's stored original (multipart posts only; absent for JSON). */
  snapshot?: SnapshotRef;
}

/** A stored snapshot original: `path` relative to `<dataDir>/storage`, bytes, pixels, type by content. */
export interface SnapshotRef {
  path: string;
  bytes: number;
  width: number;
  height: number;
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
}

export interface PersonCounters {
  total_actual_count: number;
  total_detection_branch_count: number;
  first_detected_at: string;
  last_detected_at: string;
}

/** Prepared statements of the detection path. */
export class DetectionRepository {
  private readonly s: Record<string, SQLite.Statement>;

  constructor(db: SQLite.Database) {
    this.s = {
      idemGet: db.prepare(`SELECT job_id FROM detection_idempotency WHERE device_id = ? AND event_id = ?`),
      idemPut: db.prepare(`INSERT INTO detection_idempotency (device_id, event_id, job_id, created_at) VALUES (?, ?, ?, ?)`),
      branch: db.prepare(`SELECT id, branch_name FROM company_branches WHERE id = ?`),
      device: db.prepare(`SELECT device_id, device_name, branch_id FROM device_masters WHERE device_id = ?`),
      seenAtBranch: db.prepare(`SELECT 1 FROM re_id_branch_detections WHERE re_id = ? AND branch_id = ? LIMIT 1`),
      upsertPerson: db.prepare(
        `INSERT INTO re_id_masters (re_id, first_detected_at, last_detected_at, total_actual_count, total_detection_branch_count, created_at, updated_at)
         VALUES (@re_id, @ts, @ts, @count, 1, @now, @now)
         ON CONFLICT (re_id) DO UPDATE SET
           first_detected_at = MIN(first_detected_at, excluded.first_detected_at),
           last_detected_at = MAX(last_detected_at, excluded.last_detected_at),
           total_actual_count = total_actual_count + excluded.total_actual_count,
           total_detection_branch_count = total_detection_branch_count + @new_branch,
           updated_at = excluded.updated_at
         RETURNING total_actual_count, total_detection_branch_count, first_detected_at, last_detected_at`,
      ),
      insertDetection: db.prepare(
        `INSERT INTO re_id_branch_detections (re_id, branch_id, device_id, detected_count, detection_timestamp, detection_data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO event_logs (branch_id, device_id, re_id, event_type, detected_count, event_timestamp, created_at) VALUES (?, ?, ?, 'person_detected', ?, ?, ?)`,
      ),
    };
  }

  /** The job already accepted for (device, event_id), if any. */
  findIdempotent(deviceId: string, eventId: string): number | undefined {
    return (this.s.idemGet!.get(deviceId, eventId) as { job_id: number } | undefined)?.job_id;
  }

  rememberIdempotent(deviceId: string, eventId: string, jobId: number, now: string): void {
    this.s.idemPut!.run(deviceId, eventId, jobId, now);
  }

  branch(id: number): { id: number; branch_name: string } | undefined {
    return this.s.branch!.get(id) as { id: number; branch_name: string } | undefined;
  }

  device(deviceId: string): { device_id: string; device_name: string; branch_id: number } | undefined {
    return this.s.device!.get(deviceId) as { device_id: string; device_name: string; branch_id: number } | undefined;
  }

  /**
   * Apply one detection: upsert the person, insert the detection and the event.
   * @returns the event id and the person's counters after it
   */
  apply(p: DetectionJobPayload, now: string): { eventId: number; person: PersonCounters } {
    const newBranch = this.s.seenAtBranch!.get(p.re_id, p.branch_id) === undefined ? 1 : 0;
    const person = this.s.upsertPerson!.get({ re_id: p.re_id, ts: p.detection_timestamp, count: p.detected_count, now, new_branch: newBranch }) as PersonCounters;
    this.s.insertDetection!.run(p.re_id, p.branch_id, p.device_id, p.detected_count, p.detection_timestamp, p.detection_data ? JSON.stringify(p.detection_data) : null, now);
    const ev = this.s.insertEvent!.run(p.branch_id, p.device_id, p.re_id, p.detected_count, p.detection_timestamp, now);
    return { eventId: Number(ev.lastInsertRowid), person };
  }
}
