/**
 * Reads for operators: a person with per-branch summary (S8) and the event log (D4).
 */
import type { Engine } from '../db/connection.js';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CountingRow, DetectionRecord, EventLog, PageMeta, Person } from '@pantau/shared';
import type { Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { selectEventRows, snapshotState } from './event-rows.js';
import { idList } from './id-list.js';
import { parseFeatures } from './person-repository.js';

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
    // the branch summary is person_branches (migration 014): one row per branch, no GROUP BY
    let q = this.db
      .selectFrom('person_branches as pb')
      .innerJoin('company_branches as b', 'b.id', 'pb.branch_id')
      .select([
        'pb.branch_id',
        'b.branch_name',
        'pb.detection_count',
        'pb.detected_sum as total_detected_count',
        isoFromMs(this.exec.conn.engine, sql`pb.first_detection`).as('first_detection'),
        isoFromMs(this.exec.conn.engine, sql`pb.last_detection`).as('last_detection'),
      ])
      .where('pb.re_id', '=', reId)
      .orderBy('pb.branch_id');
    if (scope !== null) q = q.where('pb.branch_id', 'in', idList(scope));
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
        note: master.note,
        appearance_features: parseFeatures(master.appearance_features),
        branches,
      };
    }
    if (branches.length === 0) return undefined;
    return {
      re_id: master.re_id,
      person_label: master.person_label,
      status: master.status,
      first_detected_at: branches.reduce(
        (m, b) => (b.first_detection < m ? b.first_detection : m),
        branches[0]!.first_detection,
      ),
      last_detected_at: branches.reduce(
        (m, b) => (b.last_detection > m ? b.last_detection : m),
        branches[0]!.last_detection,
      ),
      total_actual_count: branches.reduce((s, b) => s + b.total_detected_count, 0),
      total_detection_branch_count: branches.length,
      note: master.note,
      appearance_features: parseFeatures(master.appearance_features),
      branches,
    };
  }

  /** Events newest first, optionally of one branch and before an id (paging). */
  events(q: {
    branch_id?: number | undefined;
    limit: number;
    before_id?: number | undefined;
    scope: readonly number[] | null;
  }): EventLog[] {
    let s = selectEventRows(this.db).select(snapshotState).orderBy('e.id', 'desc').limit(q.limit);
    if (q.branch_id !== undefined) s = s.where('e.branch_id', '=', q.branch_id);
    if (q.before_id !== undefined) s = s.where('e.id', '<', q.before_id);
    if (q.scope !== null) s = s.where('e.branch_id', 'in', q.scope.length ? [...q.scope] : [-1]);
    return this.exec.all(s);
  }

  /** Detections for integrators, newest first, paged; `branch_id`/`device_id` already narrowed to the credential's scope. */
  detections(q: {
    page: number;
    per_page: number;
    branch_id?: number | undefined;
    device_id?: string | undefined;
    re_id?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
  }): { items: DetectionRecord[]; meta: PageMeta } {
    let base = this.db.selectFrom('re_id_branch_detections');
    if (q.branch_id !== undefined) base = base.where('branch_id', '=', q.branch_id);
    if (q.device_id !== undefined) base = base.where('device_id', '=', q.device_id);
    if (q.re_id !== undefined) base = base.where('re_id', '=', q.re_id);
    if (q.from !== undefined) base = base.where('detection_timestamp', '>=', Date.parse(q.from));
    if (q.to !== undefined) base = base.where('detection_timestamp', '<', Date.parse(q.to));
    const total = Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n);
    const rows = this.exec.all(
      base
        .select([
          'id',
          're_id',
          'branch_id',
          'device_id',
          'detected_count',
          'detection_timestamp',
          'detection_data',
          'created_at',
        ])
        .orderBy('detection_timestamp', 'desc')
        .orderBy('id', 'desc')
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page),
    );
    return {
      items: rows.map((r) => ({
        ...r,
        detection_timestamp: new Date(r.detection_timestamp).toISOString(),
        created_at: new Date(r.created_at).toISOString(),
        detection_data: r.detection_data === null ? null : (JSON.parse(r.detection_data) as Record<string, unknown>),
      })),
      meta: { page: q.page, per_page: q.per_page, total },
    };
  }

  /**
   * Counts per branch and the branch's site-local day (detections, sum of detected_count,
   * unique persons), from the daily rollups (migration 012): exact in every zone, DST included,
   * and a read of one row per branch and day.
   * @param from first day, YYYY-MM-DD (default: 7 days before `to`)
   * @param to last day, YYYY-MM-DD (default: today in UTC)
   */
  counting(q: { branch_ids: number[] | null; from?: string | undefined; to?: string | undefined }): CountingRow[] {
    const to = q.to ?? new Date().toISOString().slice(0, 10);
    const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    let rq = this.db
      .selectFrom('detection_daily')
      .select([
        'branch_id',
        'local_day as date',
        'detections',
        'detected_sum as total_detected_count',
        'unique_persons',
      ])
      .where('local_day', '>=', from)
      .where('local_day', '<=', to)
      .orderBy('branch_id')
      .orderBy('local_day');
    if (q.branch_ids !== null) rq = rq.where('branch_id', 'in', q.branch_ids.length ? q.branch_ids : [-1]);
    return this.exec.all(rq);
  }
}

/**
 * SQL turning epoch ms (re_id_branch_detections' times, migration 011) into the ISO-8601 UTC
 * text the API returns, e.g. `2026-12-02T06:12:55.123Z`; NULL stays NULL. Exact to the ms.
 */
function isoFromMs(engine: Engine, ms: RawBuilder<unknown>): RawBuilder<string> {
  return engine === 'postgres'
    ? sql<string>`to_char(to_timestamp(${ms} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', ${ms} / 1000.0, 'unixepoch')`;
}
