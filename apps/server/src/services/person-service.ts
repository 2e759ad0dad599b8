/**
 * Person tracking (S8, issue 12): the persons list, a person's detail, detection history and
 * journey, each limited to the caller's scope (a person never seen in scope is 404, as if
 * unknown), and the label, note and status operators and admins set, audited.
 *
 * The journey: the person's detections in time order, cut into visits: consecutive detections
 * at one branch, none more than {@link VISIT_GAP_MS} (30 min) after the one before. A detection
 * at another branch, or a longer gap, starts a new visit.
 */
import {
  JOURNEY_MAX_VISITS,
  PantauError,
  VISIT_GAP_MS,
  type PageMeta,
  type Person,
  type PersonDetection,
  type PersonJourney,
  type PersonListQuery,
  type PersonSummary,
  type PersonUpdate,
  type PersonVisit,
} from '@pantau/shared';
import type { AuthUser, Caller } from '../domain/caller.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { JourneyRow, PersonRepository } from '../repositories/person-repository.js';
import type { ReadService } from './read-service.js';
import { nowIso } from '../db/database.js';

/** Detections read for a journey: enough for {@link JOURNEY_MAX_VISITS} visits of a few detections each. */
const JOURNEY_MAX_DETECTIONS = 20_000;

/** Branch ids in a user's scope, narrowed to a group or a branch (the dashboard's repository answers it). */
export type BranchesIn = (
  scope: readonly number[] | null,
  filter: { group_id?: number; branch_id?: number },
) => Array<{ id: number }>;

/** Persons, scope-checked. */
export class PersonService {
  constructor(
    private readonly repo: PersonRepository,
    private readonly reads: Pick<ReadService, 'person'>,
    private readonly branchesIn: BranchesIn,
    private readonly exec: SyncExecutor,
    private readonly audit: AuditRepository,
  ) {}

  /** A page of the persons seen in the user's scope (and the query's branch, group, days). */
  list(user: Pick<AuthUser, 'branchScope'>, q: PersonListQuery): { items: PersonSummary[]; meta: PageMeta } {
    let branches: number[] | null = user.branchScope === null ? null : [...user.branchScope];
    // days are looked up per branch (person_days' key): name every branch in scope
    if (q.branch_id !== undefined || q.group_id !== undefined || q.from !== undefined || q.to !== undefined)
      branches = this.branchesIn(user.branchScope, {
        ...(q.branch_id !== undefined ? { branch_id: q.branch_id } : {}),
        ...(q.group_id !== undefined ? { group_id: q.group_id } : {}),
      }).map((b) => b.id);
    const r = this.repo.page({
      page: q.page,
      per_page: q.per_page,
      branches,
      from: q.from,
      to: q.to,
      status: q.status,
      q: q.q,
    });
    return { items: r.items, meta: { page: q.page, per_page: q.per_page, total: r.total } };
  }

  /**
   * A person with the branch summary of the user's scope.
   * @throws PantauError NOT_FOUND (field `re_id`) when unknown or never seen in scope
   */
  get(user: Pick<AuthUser, 'branchScope'>, reId: string): Person {
    return this.reads.person(user, reId);
  }

  /**
   * A page of the person's detections in scope, newest first.
   * @throws PantauError NOT_FOUND (field `re_id`) when unknown or never seen in scope
   */
  detections(
    user: Pick<AuthUser, 'branchScope'>,
    reId: string,
    q: { page: number; per_page: number },
  ): { items: PersonDetection[]; meta: PageMeta } {
    this.mustSee(user, reId);
    const r = this.repo.detections(reId, user.branchScope, q.page, q.per_page);
    return { items: r.items, meta: { page: q.page, per_page: q.per_page, total: r.total } };
  }

  /**
   * The person's visits in scope, in time order (the newest {@link JOURNEY_MAX_VISITS}).
   * @throws PantauError NOT_FOUND (field `re_id`) when unknown or never seen in scope
   */
  journey(user: Pick<AuthUser, 'branchScope'>, reId: string): PersonJourney {
    this.mustSee(user, reId);
    const rows = this.repo.journeyRows(reId, user.branchScope, JOURNEY_MAX_DETECTIONS);
    const visits = visitsOf(rows);
    const truncated = visits.length > JOURNEY_MAX_VISITS || rows.length === JOURNEY_MAX_DETECTIONS;
    return { re_id: reId, visits: visits.slice(-JOURNEY_MAX_VISITS), truncated };
  }

  /**
   * Set a person's label and note (operators and admins) or status (admins); audited.
   * @throws PantauError FORBIDDEN (field `status`) when a non-admin sets the status
   * @throws PantauError NOT_FOUND (field `re_id`) when unknown or never seen in scope
   */
  update(c: Caller, reId: string, body: PersonUpdate): Person {
    if (body.status !== undefined && c.user.role !== 'admin')
      throw new PantauError('FORBIDDEN', 'only an admin may change a person’s status', { field: 'status' });
    this.mustSee(c.user, reId);
    return this.exec.tx(() => {
      const before = this.repo.update(reId, body, nowIso());
      if (!before) throw new PantauError('NOT_FOUND', `person ${reId} not found`, { field: 're_id' });
      const after = this.reads.person(c.user, reId);
      this.audit.record(c.actor, 'update', 'person', reId, before, {
        person_label: after.person_label,
        note: after.note,
        status: after.status,
      });
      return after;
    });
  }

  private mustSee(user: Pick<AuthUser, 'branchScope'>, reId: string): void {
    if (!this.repo.seenIn(reId, user.branchScope))
      throw new PantauError('NOT_FOUND', `person ${reId} not found`, { field: 're_id' });
  }
}

/**
 * Cut time-ordered detections into visits (see the module comment).
 * @param rows oldest first
 */
export function visitsOf(rows: readonly JourneyRow[]): PersonVisit[] {
  const visits: Array<PersonVisit & { lastAt: number }> = [];
  for (const r of rows) {
    const v = visits[visits.length - 1];
    if (v && v.branch_id === r.branch_id && r.at - v.lastAt <= VISIT_GAP_MS) {
      v.lastAt = r.at;
      v.last_detection = new Date(r.at).toISOString();
      v.detection_count++;
      if (!v.device_ids.includes(r.device_id)) v.device_ids.push(r.device_id);
    } else {
      const at = new Date(r.at).toISOString();
      visits.push({
        branch_id: r.branch_id,
        branch_name: r.branch_name,
        device_ids: [r.device_id],
        first_detection: at,
        last_detection: at,
        detection_count: 1,
        lastAt: r.at,
      });
    }
  }
  return visits.map(({ lastAt: _, ...v }) => v);
}
