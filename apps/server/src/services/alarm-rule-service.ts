/**
 * Alarm rules, arming and the watchlist (issue 14): their administration. Which detection is an
 * alarm is decided on the detection path (alarm-rule-matcher.ts) from what this service stores.
 *
 * - Rules belong to a branch. Every signed-in user reads the rules of the branches in their
 *   scope; admins of the branch write them (out of scope = 404 NOT_FOUND, as everywhere). A
 *   rule's cameras must be cameras of its branch (VALIDATION_ERROR naming `device_ids`). Every
 *   branch starts with {@link DEFAULT_RULE} (this service follows `branch.changed`, so a new
 *   branch gets it in its creating transaction; the migration gave it to existing ones).
 * - Arming: an operator or admin of the branch arms or disarms it, or switches its arming mode;
 *   broadcast as `arming_updated`. A disarmed branch raises no alarms; its detections are still
 *   events.
 * - The watchlist is the organisation's (a person is watched wherever they appear): operators
 *   and admins put a person on it with a reason, or take them off.
 *
 * Every change is audited (entity `alarm_rule`, `arming`, `watchlist`).
 */
import {
  ArmingScheduleBody,
  PantauError,
  defaultPriorityFor,
  type AlarmRule,
  type AlarmRuleCreate,
  type AlarmRuleUpdate,
  type AlarmRulePreview,
  type AlarmRulePreviewBody,
  type ArmingBody,
  type BranchArming,
  type WatchlistEntry,
} from '@pantau/shared';
import type { z } from 'zod';
import type { AuthUser, Caller } from '../domain/caller.js';
import type { DomainEvents } from '../domain/domain-events.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import { DEFAULT_RULE, type AlarmRuleRepository, type RuleValues } from '../repositories/alarm-rule-repository.js';
import type { WatchlistRepository } from '../repositories/watchlist-repository.js';
import { alarmRuleFor, scheduleOn, type EvaluatedRule } from '../domain/alarm-rule-evaluation.js';
import { addDays, countingZone, dayStartUtc, previousSiteDay } from './site-time.js';

/** The body of a create after its schema's defaults (what the route hands over). */
type CreateInput = z.output<typeof AlarmRuleCreate>;
/** The body of an update after its schema. */
type UpdateInput = z.output<typeof AlarmRuleUpdate>;
/** The body of a preview after its schema. */
type PreviewInput = z.output<typeof AlarmRulePreviewBody>;

/** Most detections one preview replays (a busy branch's day). */
export const PREVIEW_MAX_DETECTIONS = 50_000;

const inScope = (user: AuthUser, branchId: number) => user.branchScope === null || user.branchScope.includes(branchId);

/** Administers alarm rules, arming and the watchlist. */
export class AlarmRuleService {
  constructor(
    private readonly repo: AlarmRuleRepository,
    private readonly watchlistRepo: WatchlistRepository,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    private readonly audit: AuditRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /** Give each new branch the default rule, in the transaction that creates it. */
  follow(): void {
    this.events.on('branch.changed', (e) => {
      if (e.action === 'created') this.repo.insert(e.branch_id, DEFAULT_RULE, this.iso());
    });
  }

  // ---- rules ----------------------------------------------------------------

  /** Rules of the branches in the user's scope (or one of them), by branch then id. */
  list(user: AuthUser, branchId?: number): AlarmRule[] {
    if (branchId !== undefined) this.branchInScope(user, branchId);
    return this.repo.list(user.branchScope, branchId);
  }

  /** @throws PantauError NOT_FOUND (unknown or out of scope) */
  get(user: AuthUser, id: number): AlarmRule {
    const r = this.repo.get(id);
    if (!r || !inScope(user, r.branch_id))
      throw new PantauError('NOT_FOUND', `alarm rule ${id} not found`, { field: 'id' });
    return r;
  }

  /**
   * A new rule; its priority defaults by condition ({@link defaultPriorityFor}).
   * @throws PantauError NOT_FOUND (branch unknown or out of scope), VALIDATION_ERROR (a camera not of the branch)
   */
  create(c: Caller, body: CreateInput): AlarmRule {
    return this.exec.tx(() => {
      this.branchInScope(c.user, body.branch_id);
      const { branch_id, ...rest } = body;
      const values: RuleValues = { ...rest, priority: body.priority ?? defaultPriorityFor(body.condition) };
      this.checkCameras(branch_id, values.device_ids);
      const id = this.repo.insert(branch_id, values, this.iso());
      const after = this.repo.get(id)!;
      this.audit.record(c.actor, 'create', 'alarm_rule', id, null, after);
      return after;
    });
  }

  /** @throws PantauError NOT_FOUND, VALIDATION_ERROR (a camera not of the branch) */
  update(c: Caller, id: number, patch: UpdateInput): AlarmRule {
    return this.exec.tx(() => {
      const before = this.get(c.user, id);
      if (patch.device_ids !== undefined) this.checkCameras(before.branch_id, patch.device_ids);
      this.repo.update(id, before.branch_id, patch, this.iso());
      const after = this.repo.get(id)!;
      this.audit.record(c.actor, 'update', 'alarm_rule', id, before, after);
      return after;
    });
  }

  /** Delete a rule; the alarms it raised keep its name, priority and instructions. @throws PantauError NOT_FOUND */
  delete(c: Caller, id: number): void {
    this.exec.tx(() => {
      const before = this.get(c.user, id);
      this.repo.delete(id, before.branch_id);
      this.audit.record(c.actor, 'delete', 'alarm_rule', id, before, null);
    });
  }

  private checkCameras(branchId: number, deviceIds: readonly string[], field = 'device_ids'): void {
    const i = deviceIds.findIndex((d) => !this.repo.cameraOf(branchId, d));
    if (i >= 0)
      throw new PantauError(
        'VALIDATION_ERROR',
        `${field}.${i}: ${deviceIds[i]} is not a camera of branch ${branchId}`,
        {
          field,
        },
      );
  }

  /**
   * Forget cooldowns no rule can still be in: older than a day (the longest cooldown), and the
   * outage memories of cameras back online (see the repository).
   * @returns rows deleted
   */
  pruneCooldowns(): number {
    const now = this.now();
    return this.exec.tx(() => this.repo.forgetCooldownsBefore(now - 86_400_000));
  }

  /**
   * Replay a draft list of a branch's rules over the detections of one of its site-local days
   * (default yesterday): how many would have raised alarms, and how many each rule. The facts are
   * those known now (the watchlist as it is; branches per person from that day's rollup), the
   * cooldowns run in memory in time order, and the branch counts as armed in `mode` (default its
   * current one). Reads at most {@link PREVIEW_MAX_DETECTIONS} detections.
   * @throws PantauError NOT_FOUND (branch unknown or out of scope), VALIDATION_ERROR (a camera not of the branch)
   */
  preview(user: AuthUser, body: PreviewInput): AlarmRulePreview {
    this.branchInScope(user, body.branch_id);
    // reads only, outside a transaction: a write transaction would hold the process's write lock
    // (the detection thread's) for the whole replay
    {
      const b = this.repo.branchZone(body.branch_id)!;
      const zone = countingZone(b.timezone);
      const day = body.day ?? previousSiteDay(zone, this.now());
      const rules: EvaluatedRule[] = body.rules.map((r, i) => {
        this.checkCameras(body.branch_id, r.device_ids, `rules.${i}.device_ids`);
        return { ...r, id: i + 1, priority: r.priority ?? defaultPriorityFor(r.condition) };
      });
      const from = dayStartUtc(day, zone);
      const to = dayStartUtc(addDays(day, 1), zone);
      const rows = this.repo.detectionsBetween(body.branch_id, from, to, PREVIEW_MAX_DETECTIONS + 1);
      const truncated = rows.length > PREVIEW_MAX_DETECTIONS;
      if (truncated) rows.length = PREVIEW_MAX_DETECTIONS;
      const persons = [...new Set(rows.map((r) => r.re_id))];
      const needs = (t: string) => rules.some((r) => r.enabled && r.condition.type === t);
      const watched = needs('watchlist') ? this.watchlistRepo.watchedAmong(persons) : new Set<string>();
      const branches = needs('multi_branch') ? this.repo.branchesOnDay(day, persons) : new Map<string, number>();
      const last = new Map<string, number>();
      const perRule = rules.map(() => 0);
      const arming = { armed: true, mode: body.mode === undefined ? b.arming_mode : body.mode };
      for (const d of rows) {
        const rule = alarmRuleFor(
          rules,
          arming,
          {
            device_id: d.device_id,
            re_id: d.re_id,
            detected_count: d.detected_count,
            at: d.detection_timestamp,
            zone,
            watchlisted: watched.has(d.re_id),
            branches_today: branches.get(d.re_id) ?? 1,
          },
          (ruleId, deviceId, reId) => last.get(`${ruleId}|${deviceId}|${reId}`) ?? null,
        );
        if (!rule) continue;
        perRule[rule.id - 1]!++;
        if (rule.cooldown_s > 0) last.set(`${rule.id}|${d.device_id}|${d.re_id}`, d.detection_timestamp);
      }
      return {
        day,
        zone,
        detections: rows.length,
        alarms: perRule.reduce((a, n) => a + n, 0),
        per_rule: perRule,
        truncated,
      };
    }
  }

  // ---- arming ---------------------------------------------------------------

  /** The arming of every branch in the user's scope, by branch id. */
  armings(user: AuthUser): BranchArming[] {
    return this.repo.armings(user.branchScope);
  }

  /**
   * Arm or disarm a branch, or switch its mode (`mode` absent keeps the current one). Audited and
   * broadcast to the branch.
   * @throws PantauError NOT_FOUND (unknown or out of scope)
   */
  setArming(c: Caller, branchId: number, body: ArmingBody): BranchArming {
    return this.exec.tx(() => {
      this.branchInScope(c.user, branchId);
      const before = this.repo.armings(null, branchId)[0]!;
      const mode = body.mode === undefined ? before.mode : body.mode;
      this.repo.setArming(branchId, body.armed, mode, c.user.id, this.iso());
      const after = this.repo.armings(null, branchId)[0]!;
      this.audit.record(
        c.actor,
        body.armed === before.armed ? 'update' : body.armed ? 'arm' : 'disarm',
        'arming',
        branchId,
        { armed: before.armed, mode: before.mode },
        { armed: after.armed, mode: after.mode },
      );
      this.events.emit('arming.updated', after);
      return after;
    });
  }

  /**
   * Set a branch's arming schedule (the modes it switches to by time) and apply it now. Audited.
   * @throws PantauError NOT_FOUND (unknown or out of scope)
   */
  setArmingSchedule(c: Caller, branchId: number, body: z.output<typeof ArmingScheduleBody>): BranchArming {
    return this.exec.tx(() => {
      this.branchInScope(c.user, branchId);
      const before = this.repo.armings(null, branchId)[0]!;
      this.repo.setSchedule(branchId, body.entries);
      this.audit.record(
        c.actor,
        'update',
        'arming_schedule',
        branchId,
        { entries: before.schedule },
        { entries: body.entries },
      );
      const switched = this.applyArmingSchedules();
      const after = this.repo.armings(null, branchId)[0]!;
      // a switch said it already (with the new schedule in it)
      if (!switched.includes(branchId)) this.events.emit('arming.updated', after);
      return after;
    });
  }

  /**
   * Switch each scheduled branch to the mode its schedule says now, at the schedule's
   * boundaries only: a branch whose schedule still says what it last set keeps whatever mode an
   * operator chose since. Audited as the system; broadcast. The scheduler runs it every 5 s.
   * @returns the ids of the branches switched
   */
  applyArmingSchedules(): number[] {
    const now = this.now();
    const at = new Date(now).toISOString();
    return this.exec.tx(() => {
      const switched: number[] = [];
      for (const b of this.repo.scheduledBranches()) {
        const zone = countingZone(b.timezone);
        const mode = b.schedule.find((e) => scheduleOn(e.schedule, now, zone))?.mode ?? null;
        if ((mode ?? '') === b.arming_scheduled) continue;
        this.repo.applyScheduledMode(b.id, mode, at);
        this.audit.record(
          { id: null, email: null, ip: null, userAgent: null },
          'schedule',
          'arming',
          b.id,
          { mode: b.arming_mode },
          { mode },
        );
        this.events.emit('arming.updated', this.repo.armings(null, b.id)[0]!);
        switched.push(b.id);
      }
      return switched;
    });
  }

  // ---- watchlist ------------------------------------------------------------

  /**
   * The watchlist, newest first: all of it for a user of every branch; for one with a scope, the
   * persons seen at its branches and those they added (a reason can say more than its branches
   * should hear).
   */
  watchlist(user: AuthUser): WatchlistEntry[] {
    return this.watchlistRepo.watchlist(user.branchScope, user.id);
  }

  /**
   * Put a person on the watchlist, or change the reason. Audited. A user with a scope may change
   * only an entry they added (the watchlist is everyone's: another branch's entry is not theirs
   * to rewrite).
   * @throws PantauError FORBIDDEN (someone else's entry, for a scoped user)
   */
  watch(c: Caller, reId: string, reason: string, onlyNew = false): WatchlistEntry {
    return this.exec.tx(() => {
      const before = this.watchlistRepo.watched(reId) ?? null;
      if (before) {
        // an entry the user cannot see is not described to them (who added it, or why)
        const visible = this.watchlistRepo.watchlist(c.user.branchScope, c.user.id).some((w) => w.re_id === reId);
        if (onlyNew)
          throw new PantauError('CONFLICT', `${reId} is on the watchlist already`, {
            field: 're_id',
            ...(visible ? { reason: before.reason, added_by_name: before.added_by_name } : {}),
          });
        this.mayChange(c.user, before);
      }
      this.watchlistRepo.watch(reId, reason, c.user.id, this.iso());
      const after = this.watchlistRepo.watched(reId)!;
      this.audit.record(c.actor, before ? 'update' : 'create', 'watchlist', reId, before, after);
      return after;
    });
  }

  /**
   * Take a person off the watchlist. Audited; the same rule as {@link watch}.
   * @throws PantauError NOT_FOUND (not on it, or not visible to the user), FORBIDDEN (someone else's entry, for a scoped user)
   */
  unwatch(c: Caller, reId: string): void {
    this.exec.tx(() => {
      const before = this.watchlistRepo.watched(reId);
      const visible =
        before && this.watchlistRepo.watchlist(c.user.branchScope, c.user.id).some((w) => w.re_id === reId);
      if (!before || !visible)
        throw new PantauError('NOT_FOUND', `${reId} is not on the watchlist`, { field: 're_id' });
      this.mayChange(c.user, before);
      this.watchlistRepo.unwatch(reId);
      this.audit.record(c.actor, 'delete', 'watchlist', reId, before, null);
    });
  }

  private mayChange(user: AuthUser, entry: WatchlistEntry): void {
    if (user.branchScope !== null && entry.added_by !== user.id)
      throw new PantauError(
        'FORBIDDEN',
        `${entry.re_id} is on the watchlist by someone else's hand: only they or an admin of every branch may change it`,
        { field: 're_id' },
      );
  }

  // ---------------------------------------------------------------------------

  private branchInScope(user: AuthUser, branchId: number): { id: number; branch_name: string } {
    const branch = this.repo.branch(branchId);
    if (!branch || !inScope(user, branchId))
      throw new PantauError('NOT_FOUND', `branch ${branchId} not found`, { field: 'branch_id' });
    return branch;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
