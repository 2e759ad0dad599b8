/**
 * The one query behind every event row the server hands out (`GET /events`, the alarm routes,
 * and the `detection_update` frames of the real-time feed): the event with its branch and device
 * names and its alarm workflow columns (migrations 007 and 018: state, priority, rule), including
 * the names of who acknowledged and closed it. Callers add their filters, order and extra columns.
 */
import type { SqlConnection, SqlStatement } from '../db/connection.js';
import { sql, type Kysely } from 'kysely';
import type { EventLog } from '@pantau/shared';
import type { Database } from '../db/schema.js';

/** `SELECT` of event rows (alias `e`) with branch, device and user names joined. */
export function selectEventRows(db: Kysely<Database>) {
  return db
    .selectFrom('event_logs as e')
    .innerJoin('company_branches as b', 'b.id', 'e.branch_id')
    .leftJoin('device_masters as d', 'd.device_id', 'e.device_id')
    .leftJoin('users as ua', 'ua.id', 'e.acknowledged_by')
    .leftJoin('users as uc', 'uc.id', 'e.closed_by')
    .select([
      'e.id',
      'e.event_type',
      'e.branch_id',
      'b.branch_name',
      'e.device_id',
      sql<string>`COALESCE(d.device_name, e.device_id)`.as('device_name'),
      'e.re_id',
      'e.detected_count',
      'e.event_timestamp',
      'e.created_at',
      'e.alarm_state',
      'e.acknowledged_by',
      sql<string | null>`ua.name`.as('acknowledged_by_name'),
      'e.acknowledged_at',
      'e.closed_by',
      sql<string | null>`uc.name`.as('closed_by_name'),
      'e.closed_at',
      'e.escalated_at',
      'e.priority',
      'e.rule_id',
      'e.rule_name',
      'e.instructions',
      'e.ack_target_s',
    ]);
}

/**
 * The state of an event's snapshot (migration 004), as the column `snapshot`: `ready` once the
 * image job set `image_path`, `pending` while only the original is stored, null without one.
 */
export const snapshotState = sql<
  'pending' | 'ready' | null
>`CASE WHEN e.image_path IS NOT NULL THEN 'ready' WHEN EXISTS (SELECT 1 FROM storage_files f WHERE f.event_log_id = e.id AND f.kind = 'original') THEN 'pending' END`.as(
  'snapshot',
);

/**
 * One event row by id, through {@link selectEventRows} with its snapshot state: what the
 * real-time publisher sends as a `detection_update`, exactly as `GET /events` would list it.
 * The statement is compiled and prepared once, since it runs for every detection.
 */
export class EventRowRepository {
  private readonly byIdStmt: SqlStatement;

  constructor(db: Kysely<Database>, sqlite: SqlConnection) {
    const c = selectEventRows(db).select(snapshotState).where('e.id', '=', 0).compile();
    if (c.parameters.length !== 1) throw new Error('event row query: expected the id as its only parameter');
    this.byIdStmt = sqlite.prepare(c.sql);
  }

  /** The event row, or undefined when there is no such event. */
  byId(id: number): EventLog | undefined {
    return this.byIdStmt.get(id) as EventLog | undefined;
  }
}
