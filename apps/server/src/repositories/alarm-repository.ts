/**
 * The alarm workflow's SQL (issue 5): the alarm columns of `event_logs`, the `alarm_actions`
 * timeline and `alarm_escalation_settings`. Synchronous (Kysely-built, run by the
 * SyncExecutor), for use inside the service's transactions. Scope is a list of branch ids, or
 * null for every branch.
 */
import { sql, type Kysely, type NotNull } from 'kysely';
import type { Alarm, AlarmBranchCount, AlarmPriority, AlarmState, AlarmTimelineEntry } from '@pantau/shared';
import type { AlarmActionsTable, Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { selectEventRows } from './event-rows.js';

/** A stored escalation setting, `numbers` parsed. */
export interface EscalationRow {
  branch_id: number;
  branch_name: string;
  enabled: boolean;
  escalate_after_seconds: number;
  numbers: string[];
  enabled_since: string | null;
  updated_at: string;
}

/** An alarm due to escalate. */
export interface DueAlarm {
  id: number;
  branch_id: number;
}

/** An alarm as the service level reads it (times ISO-8601 UTC). */
export interface RaisedAlarmRow {
  branch_id: number;
  branch_name: string;
  timezone: string;
  created_at: string;
  acknowledged_at: string | null;
  acknowledged_by: number | null;
  acknowledged_by_name: string | null;
  ack_target_s: number | null;
  /** when it was closed (an auto-close closes without an acknowledgement) */
  closed_at: string | null;
}

/** Values of a setting to store. */
export interface EscalationValues {
  enabled: boolean;
  escalate_after_seconds: number;
  numbers: readonly string[];
  enabled_since: string | null;
}

const inScope = (scope: readonly number[] | null): number[] | null =>
  scope === null ? null : scope.length ? [...scope] : [-1];

/** Reads and writes alarms, their timeline and the escalation settings. */
export class AlarmRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /**
   * Alarm rows (events a rule raised: state not null) with their branch, device and the names of
   * who acknowledged and closed them.
   */
  private alarms() {
    return selectEventRows(this.db)
      .where('e.alarm_state', 'is not', null)
      .$narrowType<{ alarm_state: NotNull; priority: NotNull }>();
  }

  /** One alarm, or undefined. */
  get(id: number): Alarm | undefined {
    return this.exec.first(this.alarms().where('e.id', '=', id));
  }

  /** A page of alarms newest first, and how many match. */
  page(q: {
    state?: AlarmState | undefined;
    priority?: AlarmPriority | undefined;
    branch_id?: number | undefined;
    escalated?: boolean | undefined;
    page: number;
    per_page: number;
    scope: readonly number[] | null;
  }): { items: Alarm[]; total: number } {
    let base = this.db.selectFrom('event_logs as e').where('e.alarm_state', 'is not', null);
    if (q.priority !== undefined) base = base.where('e.priority', '=', q.priority);
    if (q.state !== undefined) base = base.where('e.alarm_state', '=', q.state);
    if (q.branch_id !== undefined) base = base.where('e.branch_id', '=', q.branch_id);
    if (q.escalated !== undefined) base = base.where('e.escalated_at', q.escalated ? 'is not' : 'is', null);
    const scope = inScope(q.scope);
    if (scope !== null) base = base.where('e.branch_id', 'in', scope);
    const total = Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n);
    let s = this.alarms();
    if (q.priority !== undefined) s = s.where('e.priority', '=', q.priority);
    if (q.state !== undefined) s = s.where('e.alarm_state', '=', q.state);
    if (q.branch_id !== undefined) s = s.where('e.branch_id', '=', q.branch_id);
    if (q.escalated !== undefined) s = s.where('e.escalated_at', q.escalated ? 'is not' : 'is', null);
    if (scope !== null) s = s.where('e.branch_id', 'in', scope);
    const items = this.exec.all(
      s
        .orderBy('e.id', 'desc')
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page),
    );
    return { items, total };
  }

  /** Unacknowledged (`new`) alarms per branch in scope, branches with none left out, by branch id. */
  unacknowledged(scope: readonly number[] | null): AlarmBranchCount[] {
    let s = this.db
      .selectFrom('event_logs as e')
      .innerJoin('company_branches as b', 'b.id', 'e.branch_id')
      .select([
        'e.branch_id',
        'b.branch_name',
        sql<number>`COUNT(*)`.as('unacknowledged'),
        sql<number>`COUNT(e.escalated_at)`.as('escalated'),
      ])
      .where('e.alarm_state', '=', 'new')
      .groupBy(['e.branch_id', 'b.branch_name'])
      .orderBy('e.branch_id');
    const ids = inScope(scope);
    if (ids !== null) s = s.where('e.branch_id', 'in', ids);
    return this.exec.all(s);
  }

  /** `new` → `acknowledged`. @returns whether the row changed (false: it was no longer new) */
  acknowledge(id: number, userId: number, at: string): boolean {
    return (
      this.exec.run(
        this.db
          .updateTable('event_logs')
          .set({ alarm_state: 'acknowledged', acknowledged_by: userId, acknowledged_at: at })
          .where('id', '=', id)
          .where('alarm_state', '=', 'new'),
      ).changes === 1
    );
  }

  /** `acknowledged` → `closed`. @returns whether the row changed */
  close(id: number, userId: number, at: string): boolean {
    return (
      this.exec.run(
        this.db
          .updateTable('event_logs')
          .set({ alarm_state: 'closed', closed_by: userId, closed_at: at })
          .where('id', '=', id)
          .where('alarm_state', '=', 'acknowledged'),
      ).changes === 1
    );
  }

  /** Marks a `new`, not yet escalated alarm escalated. @returns whether the row changed */
  markEscalated(id: number, at: string): boolean {
    return (
      this.exec.run(
        this.db
          .updateTable('event_logs')
          .set({ escalated_at: at })
          .where('id', '=', id)
          .where('alarm_state', '=', 'new')
          .where('escalated_at', 'is', null),
      ).changes === 1
    );
  }

  /**
   * Up to `limit` open alarms (new or acknowledged) whose rule closes them by itself at or
   * before `at` (ISO-8601 UTC), soonest first. The literal conditions let SQLite use the partial
   * index `event_logs_auto_close_idx` (migration 018).
   */
  dueForAutoClose(at: string, limit: number): number[] {
    return this.exec
      .all(
        this.db
          .selectFrom('event_logs as e')
          .select('e.id')
          .where(sql<boolean>`e.auto_close_at IS NOT NULL AND e.alarm_state IN ('new', 'acknowledged')`)
          .where('e.auto_close_at', '<=', at)
          .orderBy('e.auto_close_at')
          .limit(limit),
      )
      .map((r) => r.id);
  }

  /** An open alarm → `closed` by the system (no user). @returns whether the row changed */
  autoClose(id: number, at: string): boolean {
    return (
      this.exec.run(
        this.db
          .updateTable('event_logs')
          .set({ alarm_state: 'closed', closed_by: null, closed_at: at })
          .where('id', '=', id)
          .where('alarm_state', 'in', ['new', 'acknowledged']),
      ).changes === 1
    );
  }

  /**
   * Alarms of the branches in scope raised in [from, to) (ISO-8601 UTC), with their branch's
   * zone, when and by whom they were acknowledged and their rule's target: what the service
   * level is computed from. Read per branch through `event_logs_alarm_time_idx`.
   */
  raisedBetween(from: string, to: string, branchIds: readonly number[]): RaisedAlarmRow[] {
    if (branchIds.length === 0) return [];
    return this.exec.all(
      this.db
        .selectFrom('event_logs as e')
        .innerJoin('company_branches as b', 'b.id', 'e.branch_id')
        .leftJoin('users as u', 'u.id', 'e.acknowledged_by')
        .select([
          'e.branch_id',
          'b.branch_name',
          'b.timezone',
          'e.created_at',
          'e.acknowledged_at',
          'e.acknowledged_by',
          sql<string | null>`u.name`.as('acknowledged_by_name'),
          'e.ack_target_s',
          'e.closed_at',
        ])
        .where('e.branch_id', 'in', [...branchIds])
        .where(sql<boolean>`e.alarm_state IS NOT NULL`)
        .where('e.created_at', '>=', from)
        .where('e.created_at', '<', to),
    );
  }

  /** Appends one timeline entry. */
  addAction(
    eventLogId: number,
    action: AlarmActionsTable['action'],
    userId: number | null,
    note: string | null,
    at: string,
  ): void {
    this.exec.run(
      this.db.insertInto('alarm_actions').values({ event_log_id: eventLogId, action, user_id: userId, note, at }),
    );
  }

  /** The stored timeline of an alarm, in the order it happened (without the `created` entry). */
  actions(eventLogId: number): AlarmTimelineEntry[] {
    return this.exec.all(
      this.db
        .selectFrom('alarm_actions as a')
        .leftJoin('users as u', 'u.id', 'a.user_id')
        .select(['a.action', 'a.user_id', sql<string | null>`u.name`.as('user_name'), 'a.note', 'a.at'])
        .where('a.event_log_id', '=', eventLogId)
        .orderBy('a.id'),
    );
  }

  /** A user's display name, or null. */
  userName(userId: number): string | null {
    return this.exec.first(this.db.selectFrom('users').select('name').where('id', '=', userId))?.name ?? null;
  }

  /** Whether a branch exists, with its name. */
  branch(id: number): { id: number; branch_name: string } | undefined {
    return this.exec.first(this.db.selectFrom('company_branches').select(['id', 'branch_name']).where('id', '=', id));
  }

  /**
   * Up to `limit` alarms of a branch that are still `new`, not escalated, raised at or after
   * `since` and at or before `cutoff` (ISO-8601 UTC), oldest first. The literal conditions let
   * SQLite use the partial index `event_logs_escalation_idx`.
   */
  dueForEscalation(branchId: number, since: string, cutoff: string, limit: number): DueAlarm[] {
    return this.exec.all(
      this.db
        .selectFrom('event_logs as e')
        .select(['e.id', 'e.branch_id'])
        .where('e.branch_id', '=', branchId)
        .where(sql<boolean>`e.alarm_state = 'new' AND e.escalated_at IS NULL`)
        .where('e.created_at', '>=', since)
        .where('e.created_at', '<=', cutoff)
        .orderBy('e.created_at')
        .limit(limit),
    );
  }

  /** Stored escalation settings, of the branches in scope, by branch id. */
  settings(scope: readonly number[] | null, onlyEnabled = false): EscalationRow[] {
    let s = this.db
      .selectFrom('alarm_escalation_settings as s')
      .innerJoin('company_branches as b', 'b.id', 's.branch_id')
      .select([
        's.branch_id',
        'b.branch_name',
        's.enabled',
        's.escalate_after_seconds',
        's.numbers',
        's.enabled_since',
        's.updated_at',
      ])
      .orderBy('s.branch_id');
    const ids = inScope(scope);
    if (ids !== null) s = s.where('s.branch_id', 'in', ids);
    if (onlyEnabled) s = s.where('s.enabled', '=', 1);
    return this.exec
      .all(s)
      .map((r) => ({ ...r, enabled: r.enabled === 1, numbers: JSON.parse(r.numbers) as string[] }));
  }

  /** One branch's stored setting, or undefined. */
  setting(branchId: number): EscalationRow | undefined {
    return this.settings([branchId])[0];
  }

  /** Branches in scope (id, name), by id: the rows of the settings list. */
  branches(scope: readonly number[] | null): Array<{ id: number; branch_name: string }> {
    let s = this.db.selectFrom('company_branches').select(['id', 'branch_name']).orderBy('id');
    const ids = inScope(scope);
    if (ids !== null) s = s.where('id', 'in', ids);
    return this.exec.all(s);
  }

  /** Creates or replaces a branch's setting. */
  upsertSetting(branchId: number, v: EscalationValues, at: string): void {
    const values = {
      enabled: v.enabled ? 1 : 0,
      escalate_after_seconds: v.escalate_after_seconds,
      numbers: JSON.stringify(v.numbers),
      enabled_since: v.enabled_since,
      updated_at: at,
    };
    this.exec.run(
      this.db
        .insertInto('alarm_escalation_settings')
        .values({ branch_id: branchId, ...values, created_at: at })
        .onConflict((oc) => oc.column('branch_id').doUpdateSet(values)),
    );
  }

  /** @returns whether a setting was there */
  deleteSetting(branchId: number): boolean {
    return (
      this.exec.run(this.db.deleteFrom('alarm_escalation_settings').where('branch_id', '=', branchId)).changes === 1
    );
  }
}
