/**
 * The alarm workflow (issue 5): every event-log row is an alarm, `new` → `acknowledged` →
 * `closed`, with a timeline of who did what, and per-branch escalation.
 *
 * Rules:
 * - Operators and admins act on alarms of the branches in their scope; an alarm outside it
 *   answers 404 NOT_FOUND exactly like one that does not exist (http/access.ts).
 * - Acknowledge needs a `new` alarm; close needs a `new` or `acknowledged` one — closing a
 *   `new` alarm acknowledges it implicitly (both actions land in the timeline, one change).
 *   Anything else is 409 CONFLICT with `details.state` and `details.acknowledged_by_name`.
 * - A bulk acknowledge answers per alarm (like the detection batch): each in its own savepoint
 *   of one transaction, so one taken alarm does not hold back the rest.
 * - Every change appends its timeline row and says `alarm.updated` (a domain event: the
 *   real-time publisher sends it as `alarm_updated` to the alarm's branch) in the same
 *   transaction, so every console updates as soon as it commits.
 * - Escalation ({@link AlarmService.escalateDue}, the scheduler's 5-second tick): an alarm
 *   still `new`, raised since its branch enabled escalation and longer ago than the branch's
 *   `escalate_after_seconds`, gets `escalated_at`, an `escalated` timeline row, an
 *   `alarm_updated` with `escalated: true` and the escalation message to the branch's second
 *   list ({@link EscalationSender}) — all in one transaction, guarded by `escalated_at IS
 *   NULL`, so it happens once per alarm however often the tick runs and across restarts.
 *   Alarms raised before escalation was switched on never escalate (no flood of old alarms).
 * - Escalation settings are for admins of the branch (else 404); every change is audited.
 */
import {
  PantauError,
  type Alarm,
  type AlarmBulkResult,
  type AlarmFilter,
  type AlarmPageMeta,
  type AlarmServiceLevel,
  type AlarmTimelineEntry,
  type AlarmUpdate,
  type EscalationSettings,
  type EscalationSettingsBody,
} from '@pantau/shared';
import type { z } from 'zod';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { DomainEvents } from '../domain/domain-events.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { AlarmRepository } from '../repositories/alarm-repository.js';
import type { AuthUser, Caller } from '../domain/caller.js';
import { serviceLevel } from './alarm-service-level.js';
import { dayWindowUtc } from './site-time.js';

/**
 * Sends an escalation to the branch's second list of numbers (in the server: the WhatsApp
 * alerts' `NotificationDispatcher`). Called inside the escalation's transaction: an
 * implementation must only write (deliveries, jobs) through the same database handle, never do
 * I/O, so the message is queued exactly when the escalation commits.
 */
export interface EscalationSender {
  /**
   * @param eventLogId the escalated alarm
   * @param numbers E.164 numbers, at least one
   * @param now epoch ms
   */
  enqueueEscalation(eventLogId: number, numbers: readonly string[], now: number): void;
}

/** Escalation delay a branch without a stored setting shows, seconds. */
export const DEFAULT_ESCALATE_AFTER_S = 300;

/** Most alarms one escalation tick handles (the rest follow on the next tick). */
export const ESCALATION_BATCH = 500;

/** A parsed alarm list query. */
export type ParsedAlarmFilter = z.output<typeof AlarmFilter>;

const inScope = (user: AuthUser, branchId: number) => user.branchScope === null || user.branchScope.includes(branchId);

/** Alarm rules over the alarm repository. */
export class AlarmService {
  constructor(
    private readonly repo: AlarmRepository,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    private readonly audit: AuditRepository,
    private readonly sender: EscalationSender,
    private readonly now: () => number = Date.now,
  ) {}

  /** A page of alarms in the user's scope, newest first, with the unacknowledged count per branch. */
  list(user: AuthUser, q: ParsedAlarmFilter): { items: Alarm[]; meta: AlarmPageMeta } {
    const scope = user.branchScope;
    const { items, total } = this.repo.page({ ...q, scope });
    return {
      items,
      meta: { page: q.page, per_page: q.per_page, total, unacknowledged: this.repo.unacknowledged(scope) },
    };
  }

  /** @throws PantauError NOT_FOUND (unknown or out of scope) */
  get(user: AuthUser, id: number): Alarm {
    const alarm = this.repo.get(id);
    if (!alarm || !inScope(user, alarm.branch_id))
      throw new PantauError('NOT_FOUND', `alarm ${id} not found`, { field: 'event_id' });
    return alarm;
  }

  /**
   * Who did what to an alarm, oldest first: `created` (the event itself), then every stored action.
   * @throws PantauError NOT_FOUND
   */
  timeline(user: AuthUser, id: number): AlarmTimelineEntry[] {
    const alarm = this.get(user, id);
    return [
      { action: 'created', user_id: null, user_name: null, note: null, at: alarm.created_at },
      ...this.repo.actions(id),
    ];
  }

  /**
   * `new` → `acknowledged`.
   * @throws PantauError NOT_FOUND, CONFLICT (no longer new: `details.state`, `details.acknowledged_by_name`)
   */
  acknowledge(c: Caller, id: number, note: string | undefined): Alarm {
    return this.write(() => this.acknowledgeOne(c, id, note ?? null));
  }

  /**
   * Acknowledge many alarms; each one succeeds or fails on its own.
   * @returns one result per id, in order, with the counts
   */
  acknowledgeMany(c: Caller, ids: readonly number[], note: string | undefined): AlarmBulkResult {
    const results = this.write(() =>
      ids.map((id) => {
        try {
          this.exec.tx(() => this.acknowledgeOne(c, id, note ?? null));
          return { event_id: id, status: 'acknowledged' as const };
        } catch (err) {
          if (!(err instanceof PantauError)) throw err;
          return { event_id: id, status: 'rejected' as const, error: { code: err.code, message: err.message } };
        }
      }),
    );
    const acknowledged = results.filter((r) => r.status === 'acknowledged').length;
    return { acknowledged, rejected: results.length - acknowledged, results };
  }

  /**
   * `acknowledged` → `closed`; a `new` alarm is acknowledged and closed in one step.
   * @throws PantauError NOT_FOUND, CONFLICT (already closed)
   */
  close(c: Caller, id: number, note: string | undefined): Alarm {
    return this.write(() => {
      const before = this.get(c.user, id);
      if (before.alarm_state === 'closed') throw conflict(before, 'this alarm is already closed');
      const at = this.iso();
      if (before.alarm_state === 'new') {
        this.repo.acknowledge(id, c.user.id, at);
        this.repo.addAction(id, 'acknowledged', c.user.id, null, at);
      }
      this.repo.close(id, c.user.id, at);
      this.repo.addAction(id, 'closed', c.user.id, note ?? null, at);
      return this.announce(c, id, 'closed', note ?? null);
    });
  }

  /**
   * Adds a note to an alarm's timeline, in any state.
   * @throws PantauError NOT_FOUND
   */
  addNote(c: Caller, id: number, note: string): Alarm {
    return this.write(() => {
      this.get(c.user, id);
      this.repo.addAction(id, 'note', c.user.id, note, this.iso());
      return this.announce(c, id, 'note', note);
    });
  }

  /**
   * Escalates every alarm due now (see the module comment). Idempotent: the database says
   * what is already escalated.
   * @returns the escalated alarms' ids
   */
  escalateDue(): number[] {
    const now = this.now();
    const at = new Date(now).toISOString();
    const escalated = this.exec.tx(() => {
      const done: number[] = [];
      for (const s of this.repo.settings(null, true)) {
        if (s.enabled_since === null || done.length >= ESCALATION_BATCH) continue;
        const cutoff = new Date(now - s.escalate_after_seconds * 1000).toISOString();
        for (const due of this.repo.dueForEscalation(
          s.branch_id,
          s.enabled_since,
          cutoff,
          ESCALATION_BATCH - done.length,
        )) {
          if (!this.repo.markEscalated(due.id, at)) continue;
          this.repo.addAction(due.id, 'escalated', null, null, at);
          if (s.numbers.length > 0) this.sender.enqueueEscalation(due.id, s.numbers, now);
          this.say(this.repo.get(due.id)!, 'escalated', null, null, null);
          done.push(due.id);
        }
      }
      return done;
    });
    return escalated;
  }

  /**
   * Closes every open alarm whose rule's auto-close time passed (issue 14), as the system (no
   * user; the timeline says `closed`). Idempotent like {@link escalateDue}.
   * @returns the closed alarms' ids
   */
  autoCloseDue(): number[] {
    const at = new Date(this.now()).toISOString();
    return this.exec.tx(() => {
      const done: number[] = [];
      for (const id of this.repo.dueForAutoClose(at, ESCALATION_BATCH)) {
        if (!this.repo.autoClose(id, at)) continue;
        this.repo.addAction(id, 'closed', null, null, at);
        this.say(this.repo.get(id)!, 'closed', null, null, null);
        done.push(id);
      }
      return done;
    });
  }

  /**
   * The acknowledgement service level of the branches in the user's scope (or one of them) over
   * site-local days: see alarm-service-level.ts.
   * @throws PantauError NOT_FOUND (branch unknown or out of scope)
   */
  serviceLevel(user: AuthUser, q: { from: string; to: string; branch_id?: number | undefined }): AlarmServiceLevel {
    if (q.branch_id !== undefined) this.branchInScope(user, q.branch_id);
    const ids = q.branch_id !== undefined ? [q.branch_id] : this.repo.branches(user.branchScope).map((b) => b.id);
    // every zone's days fit inside these UTC bounds (dayWindowUtc: UTC−14 … UTC+14); read outside
    // a transaction, which would hold the process's write lock (the detection thread's) meanwhile
    const rows = this.repo.raisedBetween(dayWindowUtc(q.from).from, dayWindowUtc(q.to).to, ids);
    return serviceLevel(rows, q.from, q.to, this.now());
  }

  // ---- escalation settings -------------------------------------------------

  /** The escalation setting of every branch in the admin's scope (defaults where none is stored), by branch id. */
  listSettings(user: AuthUser): EscalationSettings[] {
    const stored = new Map(this.repo.settings(user.branchScope).map((s) => [s.branch_id, s]));
    return this.repo.branches(user.branchScope).map((b) => stored.get(b.id) ?? defaults(b.id, b.branch_name));
  }

  /** @throws PantauError NOT_FOUND (unknown branch or out of scope) */
  getSettings(user: AuthUser, branchId: number): EscalationSettings {
    const branch = this.branchInScope(user, branchId);
    return this.repo.setting(branchId) ?? defaults(branch.id, branch.branch_name);
  }

  /**
   * Replaces a branch's setting. Switching it on starts `enabled_since` now (alarms raised
   * earlier never escalate); changing an enabled setting keeps it; switching off clears it.
   * @throws PantauError NOT_FOUND (unknown branch or out of scope)
   */
  putSettings(c: Caller, branchId: number, body: EscalationSettingsBody): EscalationSettings {
    const branch = this.branchInScope(c.user, branchId);
    return this.exec.tx(() => {
      const before = this.repo.setting(branchId) ?? null;
      const at = this.iso();
      const since = body.enabled ? (before?.enabled && before.enabled_since ? before.enabled_since : at) : null;
      this.repo.upsertSetting(branchId, { ...body, enabled_since: since }, at);
      const after = this.repo.setting(branchId)!;
      this.audit.record(c.actor, before ? 'update' : 'create', 'alarm_escalation', branch.id, before, after);
      return after;
    });
  }

  /**
   * Removes a branch's setting (escalation off, defaults shown).
   * @throws PantauError NOT_FOUND (unknown branch, out of scope, or no setting stored)
   */
  deleteSettings(c: Caller, branchId: number): void {
    this.branchInScope(c.user, branchId);
    this.exec.tx(() => {
      const before = this.repo.setting(branchId);
      if (!before)
        throw new PantauError('NOT_FOUND', `branch ${branchId} has no escalation setting`, { field: 'branch_id' });
      this.repo.deleteSetting(branchId);
      this.audit.record(c.actor, 'delete', 'alarm_escalation', branchId, before, null);
    });
  }

  // ---- rules --------------------------------------------------------------

  /** Inside a transaction. @throws PantauError NOT_FOUND, CONFLICT */
  private acknowledgeOne(c: Caller, id: number, note: string | null): Alarm {
    const before = this.get(c.user, id);
    if (before.alarm_state !== 'new') {
      throw conflict(
        before,
        before.alarm_state === 'closed'
          ? 'this alarm is already closed'
          : `already acknowledged by ${before.acknowledged_by_name ?? 'someone else'}`,
      );
    }
    const at = this.iso();
    this.repo.acknowledge(id, c.user.id, at);
    this.repo.addAction(id, 'acknowledged', c.user.id, note, at);
    return this.announce(c, id, 'acknowledged', note);
  }

  /** Reads the alarm after a change and says `alarm.updated`. */
  private announce(c: Caller, id: number, action: AlarmUpdate['action'], note: string | null): Alarm {
    const after = this.repo.get(id)!;
    this.say(after, action, c.user.id, this.repo.userName(c.user.id), note);
    return after;
  }

  private say(
    a: Alarm,
    action: AlarmUpdate['action'],
    byUserId: number | null,
    byName: string | null,
    note: string | null,
  ): void {
    this.events.emit('alarm.updated', {
      event_id: a.id,
      branch_id: a.branch_id,
      state: a.alarm_state,
      action,
      by_user_id: byUserId,
      by_name: byName,
      note,
      acknowledged_by: a.acknowledged_by,
      acknowledged_by_name: a.acknowledged_by_name,
      acknowledged_at: a.acknowledged_at,
      closed_by: a.closed_by,
      closed_by_name: a.closed_by_name,
      closed_at: a.closed_at,
      escalated: a.escalated_at !== null,
      escalated_at: a.escalated_at,
    });
  }

  private branchInScope(user: AuthUser, branchId: number): { id: number; branch_name: string } {
    const branch = this.repo.branch(branchId);
    if (!branch || !inScope(user, branchId))
      throw new PantauError('NOT_FOUND', `branch ${branchId} not found`, { field: 'branch_id' });
    return branch;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private write<T>(fn: () => T): T {
    return this.exec.tx(fn);
  }
}

/** The 409 of a transition the alarm's state does not allow. */
function conflict(a: Alarm, message: string): PantauError {
  return new PantauError('CONFLICT', message, {
    field: 'event_id',
    state: a.alarm_state,
    acknowledged_by_name: a.acknowledged_by_name,
  });
}

function defaults(branchId: number, branchName: string): EscalationSettings {
  return {
    branch_id: branchId,
    branch_name: branchName,
    enabled: false,
    escalate_after_seconds: DEFAULT_ESCALATE_AFTER_S,
    numbers: [],
    enabled_since: null,
    updated_at: null,
  };
}
