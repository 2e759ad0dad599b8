/**
 * The alarm rules' SQL for their administration (issue 14): rules and a branch's arming (the
 * watchlist is watchlist-repository.ts). Synchronous (Kysely-built, run by the SyncExecutor), for use inside the service's
 * transactions. Every write to a branch's rules also moves its `rules_version` (migration 018),
 * which is how the detection path learns of it. Scope is a list of branch ids, or null for every
 * branch. JSON columns are parsed here; the shapes were checked by the shared schemas on the way in.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { z } from 'zod';
import { ArmingScheduleEntry as ArmingScheduleEntrySchema } from '@pantau/shared';
import type { AlarmCondition, AlarmRule, ArmingScheduleEntry, BranchArming, TimeProfile } from '@pantau/shared';
import type { AlarmRulesTable, Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { storedJson } from './stored-json.js';
import { idList } from './id-list.js';

/** A rule's fields as stored (the shared `AlarmRule` without ids, names and times). */
export type RuleValues = Omit<AlarmRule, 'id' | 'branch_id' | 'branch_name' | 'created_at' | 'updated_at'>;

const toColumns = (v: Partial<RuleValues>) => {
  const c: Record<string, unknown> = {};
  if (v.name !== undefined) c.name = v.name;
  if (v.enabled !== undefined) c.enabled = v.enabled ? 1 : 0;
  if (v.device_ids !== undefined) c.device_ids = JSON.stringify(v.device_ids);
  if (v.condition !== undefined) c.condition = JSON.stringify(v.condition);
  if (v.schedule !== undefined) c.schedule = v.schedule === null ? null : JSON.stringify(v.schedule);
  if (v.priority !== undefined) c.priority = v.priority;
  if (v.modes !== undefined) c.modes = JSON.stringify(v.modes);
  if (v.cooldown_s !== undefined) c.cooldown_s = v.cooldown_s;
  if (v.notify_whatsapp !== undefined) c.notify_whatsapp = v.notify_whatsapp ? 1 : 0;
  if (v.auto_close_minutes !== undefined) c.auto_close_minutes = v.auto_close_minutes;
  if (v.ack_target_s !== undefined) c.ack_target_s = v.ack_target_s;
  if (v.instructions !== undefined) c.instructions = v.instructions;
  return c;
};

const ArmingSchedule = z.array(ArmingScheduleEntrySchema);

/** The default rule every branch starts with: any person, always, medium, every detection, WhatsApp on. */
export const DEFAULT_RULE: RuleValues = {
  name: 'Any person',
  enabled: true,
  device_ids: [],
  condition: { type: 'any_person' },
  schedule: null,
  priority: 'medium',
  modes: [],
  cooldown_s: 0,
  notify_whatsapp: true,
  auto_close_minutes: null,
  ack_target_s: null,
  instructions: '',
};

/** Reads and writes alarm rules, arming and the watchlist. */
export class AlarmRuleRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  private rules() {
    return this.db
      .selectFrom('alarm_rules as r')
      .innerJoin('company_branches as b', 'b.id', 'r.branch_id')
      .selectAll('r')
      .select('b.branch_name');
  }

  private static parse(row: Selectable<AlarmRulesTable> & { branch_name: string }): AlarmRule {
    return {
      id: row.id,
      branch_id: row.branch_id,
      branch_name: row.branch_name,
      name: row.name,
      enabled: row.enabled === 1,
      device_ids: JSON.parse(row.device_ids) as string[],
      condition: JSON.parse(row.condition) as AlarmCondition,
      schedule: row.schedule === null ? null : (JSON.parse(row.schedule) as TimeProfile),
      priority: row.priority,
      modes: JSON.parse(row.modes) as string[],
      cooldown_s: row.cooldown_s,
      notify_whatsapp: row.notify_whatsapp === 1,
      auto_close_minutes: row.auto_close_minutes,
      ack_target_s: row.ack_target_s,
      instructions: row.instructions,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  /** Rules of the branches in scope (or one branch), by branch then id. */
  list(scope: readonly number[] | null, branchId?: number): AlarmRule[] {
    let s = this.rules().orderBy('r.branch_id').orderBy('r.id');
    const ids = scope === null ? null : idList(scope);
    if (ids !== null) s = s.where('r.branch_id', 'in', ids);
    if (branchId !== undefined) s = s.where('r.branch_id', '=', branchId);
    return this.exec.all(s).map((r) => AlarmRuleRepository.parse(r));
  }

  /** One rule, or undefined. */
  get(id: number): AlarmRule | undefined {
    const r = this.exec.first(this.rules().where('r.id', '=', id));
    return r && AlarmRuleRepository.parse(r);
  }

  /** Insert a rule and move the branch's rules version. @returns its id */
  insert(branchId: number, v: RuleValues, at: string): number {
    const id = Number(
      this.exec.run(
        this.db.insertInto('alarm_rules').values({
          branch_id: branchId,
          ...(toColumns(v) as Omit<Database['alarm_rules'], 'id' | 'branch_id' | 'created_at' | 'updated_at'>),
          created_at: at,
          updated_at: at,
        }),
      ).lastInsertRowid,
    );
    this.bumpVersion(branchId);
    return id;
  }

  /** Change a rule's fields and move its branch's rules version. */
  update(id: number, branchId: number, v: Partial<RuleValues>, at: string): void {
    this.exec.run(
      this.db
        .updateTable('alarm_rules')
        .set({ ...toColumns(v), updated_at: at })
        .where('id', '=', id),
    );
    this.bumpVersion(branchId);
  }

  /** Delete a rule (its cooldowns go with it) and move its branch's rules version. */
  delete(id: number, branchId: number): void {
    this.exec.run(this.db.deleteFrom('alarm_rules').where('id', '=', id));
    this.bumpVersion(branchId);
  }

  private bumpVersion(branchId: number): void {
    this.exec.run(
      this.db
        .updateTable('company_branches')
        .set({ rules_version: sql`rules_version + 1` })
        .where('id', '=', branchId),
    );
  }

  /** Whether a device is a camera of the branch. */
  cameraOf(branchId: number, deviceId: string): boolean {
    return (
      this.exec.first(
        this.db
          .selectFrom('device_masters')
          .select('device_id')
          .where('device_id', '=', deviceId)
          .where('branch_id', '=', branchId)
          .where('device_type', '=', 'camera'),
      ) !== undefined
    );
  }

  /** Branch id and name, or undefined. */
  branch(id: number): { id: number; branch_name: string } | undefined {
    return this.exec.first(this.db.selectFrom('company_branches').select(['id', 'branch_name']).where('id', '=', id));
  }

  /** The arming of the branches in scope (or one), by branch id, with the modes their rules name. */
  armings(scope: readonly number[] | null, branchId?: number): BranchArming[] {
    let s = this.db
      .selectFrom('company_branches as b')
      .leftJoin('users as u', 'u.id', 'b.arming_changed_by')
      .select([
        'b.id as branch_id',
        'b.branch_name',
        'b.armed',
        'b.arming_mode',
        'b.arming_changed_by',
        sql<string | null>`u.name`.as('changed_by_name'),
        'b.arming_changed_at',
        'b.arming_schedule',
        // the modes the branch's rules name, distinct, sorted, as a JSON array (per engine: JSON
        // is text on both, its functions differ)
        (this.exec.conn.engine === 'postgres'
          ? sql<string>`(SELECT COALESCE(json_agg(m ORDER BY m), '[]')::text FROM (SELECT DISTINCT json_array_elements_text(CAST(r.modes AS json)) AS m FROM alarm_rules r WHERE r.branch_id = b.id) x)`
          : sql<string>`(SELECT json_group_array(m) FROM (SELECT DISTINCT j.value AS m FROM alarm_rules r, json_each(r.modes) j WHERE r.branch_id = b.id ORDER BY m))`
        ).as('modes'),
      ])
      .orderBy('b.id');
    const ids = scope === null ? null : idList(scope);
    if (ids !== null) s = s.where('b.id', 'in', ids);
    if (branchId !== undefined) s = s.where('b.id', '=', branchId);
    return this.exec.all(s).map((r) => ({
      branch_id: r.branch_id,
      branch_name: r.branch_name,
      armed: r.armed === 1,
      mode: r.arming_mode,
      modes: JSON.parse(r.modes) as string[],
      changed_by: r.arming_changed_by,
      changed_by_name: r.changed_by_name,
      changed_at: r.arming_changed_at,
      // a row edited by hand that no longer parses reads as no schedule (the tick skips it too)
      schedule: storedJson(r.arming_schedule, ArmingSchedule) ?? [],
    }));
  }

  /** Set a branch's arming schedule; the schedule then applies at its next run (as if never run). */
  setSchedule(branchId: number, entries: readonly ArmingScheduleEntry[]): void {
    this.exec.run(
      this.db
        .updateTable('company_branches')
        .set({ arming_schedule: JSON.stringify(entries), arming_scheduled: null })
        .where('id', '=', branchId),
    );
  }

  /**
   * Branches with an arming schedule: their zone, mode, schedule and the mode it last set (a
   * schedule that no longer parses is left out).
   */
  scheduledBranches(): Array<{
    id: number;
    timezone: string;
    arming_mode: string | null;
    schedule: ArmingScheduleEntry[];
    arming_scheduled: string | null;
  }> {
    return this.exec
      .all(
        this.db
          .selectFrom('company_branches')
          .select(['id', 'timezone', 'arming_mode', 'arming_schedule', 'arming_scheduled'])
          .where('arming_schedule', '!=', '[]')
          .orderBy('id'),
      )
      .flatMap(({ arming_schedule, ...b }) => {
        const schedule = storedJson(arming_schedule, ArmingSchedule);
        return schedule ? [{ ...b, schedule }] : [];
      });
  }

  /** The schedule sets a branch's mode (no user: changed_by null), and remembers what it set. */
  applyScheduledMode(branchId: number, mode: string | null, at: string): void {
    this.exec.run(
      this.db
        .updateTable('company_branches')
        .set({ arming_mode: mode, arming_scheduled: mode ?? '', arming_changed_by: null, arming_changed_at: at })
        .where('id', '=', branchId),
    );
  }

  /** Set a branch's arming. */
  setArming(branchId: number, armed: boolean, mode: string | null, userId: number, at: string): void {
    this.exec.run(
      this.db
        .updateTable('company_branches')
        .set({ armed: armed ? 1 : 0, arming_mode: mode, arming_changed_by: userId, arming_changed_at: at })
        .where('id', '=', branchId),
    );
  }

  /**
   * Forget the cooldowns last raised before an instant (epoch ms), and the outage memories (no
   * person: remembered by when the outage began) of cameras no longer offline. An outage still
   * going on keeps its memory however long it lasts, so it never alarms twice.
   * @returns rows deleted
   */
  forgetCooldownsBefore(before: number): number {
    return this.exec.run(
      this.db
        .deleteFrom('alarm_cooldowns')
        .where((eb) =>
          eb.or([
            eb.and([eb('re_id', '!=', ''), eb('last_at', '<', before)]),
            eb.and([
              eb('re_id', '=', ''),
              eb(
                'device_id',
                'not in',
                eb.selectFrom('device_masters').select('device_id').where('status', '=', 'offline'),
              ),
            ]),
          ]),
        ),
    ).changes;
  }

  /**
   * The detections stored at a branch in [from, to) (epoch ms), oldest first, at most `limit`:
   * what the rules preview replays (re_id_branch_detections' (branch_id, detection_timestamp) index).
   */
  detectionsBetween(
    branchId: number,
    from: number,
    to: number,
    limit: number,
  ): Array<{ re_id: string; device_id: string; detected_count: number; detection_timestamp: number }> {
    return this.exec.all(
      this.db
        .selectFrom('re_id_branch_detections')
        .select(['re_id', 'device_id', 'detected_count', 'detection_timestamp'])
        .where('branch_id', '=', branchId)
        .where('detection_timestamp', '>=', from)
        .where('detection_timestamp', '<', to)
        .orderBy('detection_timestamp')
        .limit(limit),
    );
  }

  /** For each of these persons, at how many branches they were seen on a site-local day (person_days). */
  branchesOnDay(day: string, reIds: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    // in chunks: SQLite's bound-parameter limit
    for (let i = 0; i < reIds.length; i += 500) {
      const chunk = reIds.slice(i, i + 500);
      for (const r of this.exec.all(
        this.db
          .selectFrom('person_days')
          .select(['re_id', sql<number>`COUNT(*)`.as('n')])
          .where('local_day', '=', day)
          .where('re_id', 'in', chunk)
          .groupBy('re_id'),
      ))
        out.set(r.re_id, r.n);
    }
    return out;
  }

  /** A branch's time zone and arming mode, or undefined. */
  branchZone(id: number): { timezone: string; arming_mode: string | null } | undefined {
    return this.exec.first(
      this.db.selectFrom('company_branches').select(['timezone', 'arming_mode']).where('id', '=', id),
    );
  }
}
