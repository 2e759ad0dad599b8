/**
 * The detection hot path's SQL: idempotency keys, persons, detections, the event log and the
 * rollups (through RollupRepository).
 * Raw prepared statements (synchronous) because every call runs inside a transaction at
 * thousands per second (DESIGN §7); the row shapes are picked from db/schema.ts.
 */
import type { SqlConnection, SqlStatement } from '../db/connection.js';
import { greatest, least, returningId } from '../db/sql-fragments.js';
import type { Selectable } from 'kysely';
import type { CompanyBranchesTable, ReIdMastersTable } from '../db/schema.js';
import type { BranchRow, DeviceRow } from './organisation-repository.js';
import type { DetectionJobPayload } from '../queue/job-payloads.js';
import { RollupRepository } from './rollup-repository.js';

/** A person's counters in re_id_masters after a detection (times ISO-8601 UTC). */
export type PersonCounters = Pick<
  Selectable<ReIdMastersTable>,
  'total_actual_count' | 'total_detection_branch_count' | 'first_detected_at' | 'last_detected_at'
>;

/** The branch row the detection path reads (with its arming: migration 018). */
export type DetectionBranch = Pick<BranchRow, 'id' | 'branch_name' | 'timezone'> &
  Pick<Selectable<CompanyBranchesTable>, 'armed' | 'arming_mode' | 'rules_version'>;

/** The alarm columns of an event row (migration 018); null for a plain event. */
export interface EventAlarm {
  rule_id: number;
  rule_name: string;
  priority: string;
  instructions: string;
  ack_target_s: number | null;
  /** epoch ms, or null */
  auto_close_at: number | null;
}

/** Prepared statements of the detection path. */
export class DetectionRepository {
  private readonly s: Record<string, SqlStatement>;
  private readonly rollups: RollupRepository;

  constructor(private readonly db: SqlConnection) {
    this.rollups = new RollupRepository(db);
    // PostgreSQL: an upsert names its conflict target and qualifies the row it updates, and the
    // two-argument MIN/MAX are LEAST/GREATEST; the statements are otherwise the same
    const e = db.engine;
    this.s = {
      idemGet: db.prepare(`SELECT job_id FROM detection_idempotency WHERE device_id = ? AND event_id = ?`),
      idemPut: db.prepare(
        `INSERT INTO detection_idempotency (device_id, event_id, job_id, created_at) VALUES (?, ?, ?, ?)`,
      ),
      // with its arming and rules version (migration 018): the alarm rules need no read of their own
      branch: db.prepare(
        `SELECT id, branch_name, timezone, armed, arming_mode, rules_version FROM company_branches WHERE id = ?`,
      ),
      device: db.prepare(`SELECT device_id, device_name, branch_id FROM device_masters WHERE device_id = ?`),
      // the person at this branch (migration 014); detection_count 1 = their first time here
      personBranch: db.prepare(
        `INSERT INTO person_branches (re_id, branch_id, detection_count, detected_sum, first_detection, last_detection)
         VALUES (?, ?, 1, ?, ?, ?)
         ON CONFLICT (re_id, branch_id) DO UPDATE SET detection_count = person_branches.detection_count + 1,
           detected_sum = person_branches.detected_sum + excluded.detected_sum,
           first_detection = ${least(e, 'person_branches.first_detection', 'excluded.first_detection')},
           last_detection = ${greatest(e, 'person_branches.last_detection', 'excluded.last_detection')}
         RETURNING detection_count`,
      ),
      upsertPerson: db.prepare(
        `INSERT INTO re_id_masters (re_id, appearance_features, first_detected_at, last_detected_at, total_actual_count, total_detection_branch_count, created_at, updated_at)
         VALUES (@re_id, @features, @ts, @ts, @count, 1, @now, @now)
         ON CONFLICT (re_id) DO UPDATE SET
           appearance_features = COALESCE(excluded.appearance_features, re_id_masters.appearance_features),
           first_detected_at = ${least(e, 're_id_masters.first_detected_at', 'excluded.first_detected_at')},
           last_detected_at = ${greatest(e, 're_id_masters.last_detected_at', 'excluded.last_detected_at')},
           total_actual_count = re_id_masters.total_actual_count + excluded.total_actual_count,
           total_detection_branch_count = re_id_masters.total_detection_branch_count + @new_branch,
           updated_at = excluded.updated_at
         RETURNING total_actual_count, total_detection_branch_count, first_detected_at, last_detected_at`,
      ),
      insertDetection: db.prepare(
        `INSERT INTO re_id_branch_detections (re_id, branch_id, device_id, detected_count, detection_timestamp, detection_data, created_at, event_log_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO event_logs (branch_id, device_id, re_id, event_type, detected_count, event_timestamp, created_at,
           alarm_state, priority, rule_id, rule_name, instructions, ack_target_s, auto_close_at)
         VALUES (?, ?, ?, 'person_detected', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)${returningId(e)}`,
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

  /**
   * Forget up to `limit` idempotency keys stored before `before` (ISO time), oldest first
   * (`detection_idempotency_created_idx`, migration 010). Call inside a transaction.
   * @returns keys deleted
   */
  forgetIdempotentBefore(before: string, limit: number): number {
    return this.db
      .prepare(
        `DELETE FROM detection_idempotency WHERE (device_id, event_id) IN (
           SELECT device_id, event_id FROM detection_idempotency WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
      )
      .run(before, limit).changes;
  }

  /** A branch's id, name, time zone, arming and rules version, or undefined when there is no such branch. */
  branch(id: number): DetectionBranch | undefined {
    return this.s.branch!.get(id) as DetectionBranch | undefined;
  }

  /** A device's string id, name and branch, or undefined when there is no such device. */
  device(deviceId: string): Pick<DeviceRow, 'device_id' | 'device_name' | 'branch_id'> | undefined {
    return this.s.device!.get(deviceId) as Pick<DeviceRow, 'device_id' | 'device_name' | 'branch_id'> | undefined;
  }

  /**
   * Apply one detection: upsert the person and the person at this branch (migration 014), insert
   * the detection (its times as epoch ms,
   * migration 011) and the event, and count it in the rollups (migration 012) in the hour and
   * day its own timestamp falls on in `zone`. `now` and `p.detection_timestamp` are ISO-8601 UTC.
   * @param zone the branch's IANA time zone
   * @param alarm the alarm a rule raised (the event is then a `new` alarm), or null (a plain event)
   * @returns the event id and the person's counters after it
   * @throws RangeError when the zone is unknown
   */
  apply(
    p: DetectionJobPayload,
    now: string,
    zone: string,
    alarm: EventAlarm | null = null,
  ): { eventId: number; person: PersonCounters } {
    const at = Date.parse(p.detection_timestamp);
    const here = this.s.personBranch!.get(p.re_id, p.branch_id, p.detected_count, at, at) as {
      detection_count: number;
    };
    const newBranch = here.detection_count === 1 ? 1 : 0;
    const person = this.s.upsertPerson!.get({
      re_id: p.re_id,
      features: p.appearance_features ? JSON.stringify(p.appearance_features) : null,
      ts: p.detection_timestamp,
      count: p.detected_count,
      now,
      new_branch: newBranch,
    }) as PersonCounters;
    const ev = this.s.insertEvent!.run(
      p.branch_id,
      p.device_id,
      p.re_id,
      p.detected_count,
      p.detection_timestamp,
      now,
      alarm ? 'new' : null,
      alarm?.priority ?? null,
      alarm?.rule_id ?? null,
      alarm?.rule_name ?? null,
      alarm?.instructions ?? null,
      alarm?.ack_target_s ?? null,
      alarm?.auto_close_at == null ? null : new Date(alarm.auto_close_at).toISOString(),
    );
    this.s.insertDetection!.run(
      p.re_id,
      p.branch_id,
      p.device_id,
      p.detected_count,
      at,
      p.detection_data ? JSON.stringify(p.detection_data) : null,
      Date.parse(now),
      ev.lastInsertRowid,
    );
    this.rollups.add(p.branch_id, p.device_id, p.re_id, p.detected_count, at, zone);
    return { eventId: Number(ev.lastInsertRowid), person };
  }
}
