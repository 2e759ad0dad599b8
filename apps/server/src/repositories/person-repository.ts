/**
 * Person tracking's reads and writes (S8, issue 12): the persons list, a person's detection
 * history and the detections a journey is made of, and the label, note and status an operator or
 * admin sets. The detail with its branch summary is ReadRepository.person.
 *
 * The list walks `re_id_masters_last_idx` newest first; one branch's list reads that branch's
 * rows of `person_branches` (migration 014) by last detection; several branches probe its key
 * per person walked; days go through `person_days` (a row per person, branch and site-local
 * day), so "seen at this branch this week" reads that week's rows of one branch, not its
 * detections.
 */
import { likeCi } from '../db/sql-fragments.js';
import { sql, type Kysely } from 'kysely';
import type { PersonDetection, PersonStatus, PersonSummary } from '@pantau/shared';
import type { Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { idList } from './id-list.js';

/** One detection of a person as a journey needs it (time in epoch ms). */
export interface JourneyRow {
  branch_id: number;
  branch_name: string;
  device_id: string;
  at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A person's stored appearance features (re_id_masters.appearance_features, JSON text) as an object, or null. */
export function parseFeatures(text: string | null): Record<string, unknown> | null {
  return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
}

/** Persons: list, history, journey rows, updates. */
export class PersonRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /**
   * A page of persons, newest last detection first.
   * @param q.branches persons seen at one of these branches (null: anywhere); with `from`/`to`, on
   *   those local days (pass the branch ids in scope rather than null with days: person_days is
   *   keyed by branch first)
   */
  page(q: {
    page: number;
    per_page: number;
    branches: readonly number[] | null;
    from?: string | undefined;
    to?: string | undefined;
    status?: PersonStatus | undefined;
    q?: string | undefined;
  }): { items: PersonSummary[]; total: number } {
    const like = q.q !== undefined && q.q !== '' ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const columns = [
      'm.re_id',
      'm.person_label',
      'm.status',
      'm.first_detected_at',
      'm.last_detected_at',
      'm.total_actual_count',
      'm.total_detection_branch_count',
      'm.note',
      'm.appearance_features',
    ] as const;
    const decode = (rows: Array<PersonSummary & { appearance_features: string | null }>) =>
      rows.map((r) => ({ ...r, appearance_features: parseFeatures(r.appearance_features) }));

    if (q.branches !== null && q.branches.length === 1 && q.from === undefined && q.to === undefined) {
      // one branch: its persons newest first straight off person_branches (branch_id, last_detection)
      let one = this.db
        .selectFrom('person_branches as pb')
        .innerJoin('re_id_masters as m', 'm.re_id', 'pb.re_id')
        .where('pb.branch_id', '=', q.branches[0]!);
      if (q.status !== undefined) one = one.where('m.status', '=', q.status);
      if (like !== null)
        one = one.where((eb) =>
          eb.or([
            sql<boolean>`m.re_id ${sql.raw(likeCi(this.exec.conn.engine))} ${like} ESCAPE '\\'`,
            sql<boolean>`m.person_label ${sql.raw(likeCi(this.exec.conn.engine))} ${like} ESCAPE '\\'`,
          ]),
        );
      const total = Number(this.exec.first(one.select(sql<number>`COUNT(*)`.as('n')))?.n ?? 0);
      const rows = this.exec.all(
        one
          .select(columns)
          .orderBy('pb.last_detection', 'desc')
          .limit(q.per_page)
          .offset((q.page - 1) * q.per_page),
      );
      return { items: decode(rows as never), total };
    }

    let base = this.db.selectFrom('re_id_masters as m');
    if (q.from !== undefined || q.to !== undefined) {
      // seen on those days: person_days by (branch, day), its key order, branch by branch
      const branches = q.branches;
      base = base.where('m.re_id', 'in', (eb) => {
        let sub = eb.selectFrom('person_days as pd').select('pd.re_id');
        if (branches !== null) sub = sub.where('pd.branch_id', 'in', idList(branches));
        if (q.from !== undefined) sub = sub.where('pd.local_day', '>=', q.from);
        if (q.to !== undefined) sub = sub.where('pd.local_day', '<=', q.to);
        return sub;
      });
    } else if (q.branches !== null) {
      // several branches: one probe of person_branches' key (re_id, branch_id) per person walked
      const branches = q.branches;
      base = base.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('person_branches as pb')
            .select(sql`1`.as('one'))
            .whereRef('pb.re_id', '=', 'm.re_id')
            .where('pb.branch_id', 'in', idList(branches)),
        ),
      );
    }
    if (q.status !== undefined) base = base.where('m.status', '=', q.status);
    if (like !== null)
      base = base.where((eb) =>
        eb.or([
          sql<boolean>`m.re_id ${sql.raw(likeCi(this.exec.conn.engine))} ${like} ESCAPE '\\'`,
          sql<boolean>`m.person_label ${sql.raw(likeCi(this.exec.conn.engine))} ${like} ESCAPE '\\'`,
        ]),
      );
    const total = Number(this.exec.first(base.select(sql<number>`COUNT(*)`.as('n')))?.n ?? 0);
    const rows = this.exec.all(
      base
        .select(columns)
        .orderBy('m.last_detected_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page),
    );
    return { items: decode(rows as never), total };
  }

  /** Whether the person was ever seen at one of these branches (null: at all). */
  seenIn(reId: string, scope: readonly number[] | null): boolean {
    let q = this.db.selectFrom('person_branches').select('branch_id').where('re_id', '=', reId).limit(1);
    if (scope !== null) q = q.where('branch_id', 'in', idList(scope));
    return this.exec.first(q) !== undefined;
  }

  /** A page of the person's detections at these branches (null: all), newest first. */
  detections(
    reId: string,
    scope: readonly number[] | null,
    page: number,
    perPage: number,
  ): { items: PersonDetection[]; total: number } {
    let base = this.db.selectFrom('re_id_branch_detections as d').where('d.re_id', '=', reId);
    if (scope !== null) base = base.where('d.branch_id', 'in', idList(scope));
    const total = Number(this.exec.first(base.select(sql<number>`COUNT(*)`.as('n')))?.n ?? 0);
    const rows = this.exec.all(
      base
        .innerJoin('company_branches as b', 'b.id', 'd.branch_id')
        .leftJoin('device_masters as v', 'v.device_id', 'd.device_id')
        .leftJoin('event_logs as e', 'e.id', 'd.event_log_id')
        .select([
          'd.id',
          'd.branch_id',
          'b.branch_name',
          'd.device_id',
          'v.device_name',
          'd.detected_count',
          'd.detection_timestamp',
          'd.event_log_id',
          sql<number>`e.image_path IS NOT NULL`.as('has_snapshot'),
        ])
        .orderBy('d.detection_timestamp', 'desc')
        .orderBy('d.id', 'desc')
        .limit(perPage)
        .offset((page - 1) * perPage),
    );
    return {
      items: rows.map((r) => ({
        ...r,
        device_name: r.device_name ?? null,
        detection_timestamp: iso(r.detection_timestamp),
        has_snapshot: Boolean(r.has_snapshot),
      })),
      total,
    };
  }

  /** The person's newest `limit` detections at these branches (null: all), oldest first. */
  journeyRows(reId: string, scope: readonly number[] | null, limit: number): JourneyRow[] {
    let q = this.db
      .selectFrom('re_id_branch_detections as d')
      .innerJoin('company_branches as b', 'b.id', 'd.branch_id')
      .select(['d.branch_id', 'b.branch_name', 'd.device_id', 'd.detection_timestamp as at'])
      .where('d.re_id', '=', reId)
      .orderBy('d.detection_timestamp', 'desc')
      .orderBy('d.id', 'desc')
      .limit(limit);
    if (scope !== null) q = q.where('d.branch_id', 'in', idList(scope));
    return this.exec.all(q).reverse();
  }

  /**
   * Set fields of a person. Call inside a transaction.
   * @returns the row before the change, or undefined when there is no such person
   */
  update(
    reId: string,
    change: { person_label?: string | null; note?: string | null; status?: PersonStatus },
    at: string,
  ): { person_label: string | null; note: string | null; status: PersonStatus } | undefined {
    const before = this.exec.first(
      this.db.selectFrom('re_id_masters').select(['person_label', 'note', 'status']).where('re_id', '=', reId),
    );
    if (!before) return undefined;
    this.exec.run(
      this.db
        .updateTable('re_id_masters')
        .set({ ...change, updated_at: at })
        .where('re_id', '=', reId),
    );
    return before;
  }
}
