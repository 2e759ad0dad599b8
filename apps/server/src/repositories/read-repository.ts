/**
 * Reads for operators: a person with per-branch summary (S8) and the event log (D4).
 */
import { sql, type Kysely } from 'kysely';
import type { EventLog, Person } from '@pantau/shared';
import type { Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';

/** Person and event reads, scope-filtered (scope null = every branch). */
export class ReadRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /**
   * A person and the branches they were seen at. With a scope, both the branch list and the
   * totals are limited to the branches in scope.
   * @returns undefined when the person is unknown or never seen in scope
   */
  person(reId: string, scope: readonly number[] | null): Person | undefined {
    const master = this.exec.first(this.db.selectFrom('re_id_masters').selectAll().where('re_id', '=', reId));
    if (!master) return undefined;
    let q = this.db
      .selectFrom('re_id_branch_detections as d')
      .innerJoin('company_branches as b', 'b.id', 'd.branch_id')
      .select([
        'd.branch_id',
        'b.branch_name',
        sql<number>`COUNT(*)`.as('detection_count'),
        sql<number>`SUM(d.detected_count)`.as('total_detected_count'),
        sql<string>`MIN(d.detection_timestamp)`.as('first_detection'),
        sql<string>`MAX(d.detection_timestamp)`.as('last_detection'),
      ])
      .where('d.re_id', '=', reId)
      .groupBy(['d.branch_id', 'b.branch_name'])
      .orderBy('d.branch_id');
    if (scope !== null) q = q.where('d.branch_id', 'in', scope.length ? [...scope] : [-1]);
    const branches = this.exec.all(q);
    if (scope === null) {
      return {
        re_id: master.re_id,
        person_label: master.person_label,
        status: master.status,
        first_detected_at: master.first_detected_at,
        last_detected_at: master.last_detected_at,
        total_actual_count: master.total_actual_count,
        total_detection_branch_count: master.total_detection_branch_count,
        branches,
      };
    }
    if (branches.length === 0) return undefined;
    return {
      re_id: master.re_id,
      person_label: master.person_label,
      status: master.status,
      first_detected_at: branches.reduce((m, b) => (b.first_detection < m ? b.first_detection : m), branches[0]!.first_detection),
      last_detected_at: branches.reduce((m, b) => (b.last_detection > m ? b.last_detection : m), branches[0]!.last_detection),
      total_actual_count: branches.reduce((s, b) => s + b.total_detected_count, 0),
      total_detection_branch_count: branches.length,
      branches,
    };
  }

  /** Events newest first, optionally of one branch and before an id (paging). */
  events(q: { branch_id?: number | undefined; limit: number; before_id?: number | undefined; scope: readonly number[] | null }): EventLog[] {
    let s = this.db
      .selectFrom('event_logs as e')
      .innerJoin('company_branches as b', 'b.id', 'e.branch_id')
      .leftJoin('device_masters as d', 'd.device_id', 'e.device_id')
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
        'e.acknowledged_by',
        'e.acknowledged_at',
      ])
      .orderBy('e.id', 'desc')
      .limit(q.limit);
    if (q.branch_id !== undefined) s = s.where('e.branch_id', '=', q.branch_id);
    if (q.before_id !== undefined) s = s.where('e.id', '<', q.before_id);
    if (q.scope !== null) s = s.where('e.branch_id', 'in', q.scope.length ? [...q.scope] : [-1]);
    return this.exec.all(s);
  }
}
