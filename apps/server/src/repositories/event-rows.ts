/**
 * The one query behind every event row the API answers with (`GET /events`, the alarm routes):
 * the event with its branch and device names and its alarm workflow columns (migration 007),
 * including the names of who acknowledged and closed it. Callers add their filters, order and
 * extra columns.
 */
import { sql, type Kysely } from 'kysely';
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
    ]);
}
