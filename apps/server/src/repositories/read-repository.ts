/**
 * Reads for operators: a person with per-branch summary (S8) and the event log (D4).
 */
import { sql, type Kysely } from 'kysely';
import type { CountingRow, DetectionRecord, EventLog, PageMeta, Person } from '@pantau/shared';
import type { Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { selectEventRows } from './event-rows.js';

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
    let s = selectEventRows(this.db)
      .select(
        // the snapshot (004): ready once the image job set image_path, pending while only the original exists
        sql<'pending' | 'ready' | null>`CASE WHEN e.image_path IS NOT NULL THEN 'ready' WHEN EXISTS (SELECT 1 FROM storage_files f WHERE f.event_log_id = e.id AND f.kind = 'original') THEN 'pending' END`.as('snapshot'),
      )
      .orderBy('e.id', 'desc')
      .limit(q.limit);
    if (q.branch_id !== undefined) s = s.where('e.branch_id', '=', q.branch_id);
    if (q.before_id !== undefined) s = s.where('e.id', '<', q.before_id);
    if (q.scope !== null) s = s.where('e.branch_id', 'in', q.scope.length ? [...q.scope] : [-1]);
    return this.exec.all(s);
  }

  /** Detections for integrators, newest first, paged; `branch_id`/`device_id` already narrowed to the credential's scope. */
  detections(q: { page: number; per_page: number; branch_id?: number | undefined; device_id?: string | undefined; re_id?: string | undefined; from?: string | undefined; to?: string | undefined }): { items: DetectionRecord[]; meta: PageMeta } {
    let base = this.db.selectFrom('re_id_branch_detections');
    if (q.branch_id !== undefined) base = base.where('branch_id', '=', q.branch_id);
    if (q.device_id !== undefined) base = base.where('device_id', '=', q.device_id);
    if (q.re_id !== undefined) base = base.where('re_id', '=', q.re_id);
    if (q.from !== undefined) base = base.where('detection_timestamp', '>=', new Date(q.from).toISOString());
    if (q.to !== undefined) base = base.where('detection_timestamp', '<', new Date(q.to).toISOString());
    const total = Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n);
    const rows = this.exec.all(
      base
        .select(['id', 're_id', 'branch_id', 'device_id', 'detected_count', 'detection_timestamp', 'detection_data', 'created_at'])
        .orderBy('detection_timestamp', 'desc')
        .orderBy('id', 'desc')
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page),
    );
    return {
      items: rows.map((r) => ({ ...r, detection_data: r.detection_data === null ? null : (JSON.parse(r.detection_data) as Record<string, unknown>) })),
      meta: { page: q.page, per_page: q.per_page, total },
    };
  }

  /**
   * Counts per branch and the branch's local day (detections, sum of detected_count, distinct
   * persons). The day boundary uses each branch's UTC offset at the start of the range: exact
   * for Indonesia's zones (no daylight saving), off by an hour around a DST change elsewhere.
   * @param from first day, YYYY-MM-DD (default: 7 days before `to`)
   * @param to last day, YYYY-MM-DD (default: today in UTC)
   */
  counting(q: { branch_ids: number[] | null; from?: string | undefined; to?: string | undefined }): CountingRow[] {
    const to = q.to ?? new Date().toISOString().slice(0, 10);
    const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    let bq = this.db.selectFrom('company_branches').select(['id', 'timezone']).orderBy('id');
    if (q.branch_ids !== null) bq = bq.where('id', 'in', q.branch_ids.length ? q.branch_ids : [-1]);
    const out: CountingRow[] = [];
    for (const b of this.exec.all(bq)) {
      const offsetMin = utcOffsetMinutes(b.timezone, new Date(`${from}T12:00:00Z`));
      const start = new Date(Date.parse(`${from}T00:00:00Z`) - offsetMin * 60_000).toISOString();
      const end = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000 - offsetMin * 60_000).toISOString();
      const rows = this.exec.all(
        this.db
          .selectFrom('re_id_branch_detections')
          .select([
            sql<string>`date(detection_timestamp, ${`${offsetMin >= 0 ? '+' : ''}${offsetMin} minutes`})`.as('date'),
            sql<number>`COUNT(*)`.as('detections'),
            sql<number>`SUM(detected_count)`.as('total_detected_count'),
            sql<number>`COUNT(DISTINCT re_id)`.as('unique_persons'),
          ])
          .where('branch_id', '=', b.id)
          .where('detection_timestamp', '>=', start)
          .where('detection_timestamp', '<', end)
          .groupBy('date')
          .orderBy('date'),
      );
      for (const r of rows) out.push({ branch_id: b.id, ...r });
    }
    return out;
  }
}

/** Minutes a time zone is ahead of UTC at an instant (Asia/Jakarta: 420). */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - at.getTime()) / 60_000);
}
