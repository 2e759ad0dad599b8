/**
 * The alarm rules' SQL on the detection path (issue 14): a branch's rules (read only when its
 * `rules_version` moved: services/alarm-rule-matcher.ts caches them), the cooldown memory, the
 * watchlist and the branches a person was seen at since an instant; and what the camera-offline
 * sweep reads and writes (services/camera-offline-alarms.ts). Raw prepared statements
 * (synchronous) because they run inside the detection job's transaction; row shapes are
 * db/schema-alarm-rules.ts's.
 */
import type { SqlConnection, SqlStatement } from '../db/connection.js';
import { greatest, jsonField, returningId } from '../db/sql-fragments.js';
import type { Selectable } from 'kysely';
import type { AlarmRulesTable } from '../db/schema.js';
import type { DetectionBranch, EventAlarm } from './detection-repository.js';

/** A branch as the offline sweep reads it. */
export type OfflineBranch = DetectionBranch;

/** A stored rule as the matcher reads it (JSON columns still text). */
export type StoredRule = Omit<Selectable<AlarmRulesTable>, 'created_at' | 'updated_at' | 'branch_id'>;

/** Prepared statements of the alarm rules on the detection path. */
export class AlarmMatchRepository {
  private readonly s: Record<string, SqlStatement>;

  constructor(db: SqlConnection) {
    const e = db.engine;
    this.s = {
      rules: db.prepare(
        `SELECT id, name, enabled, device_ids, condition, schedule, priority, modes, cooldown_s, notify_whatsapp,
           auto_close_minutes, ack_target_s, instructions
         FROM alarm_rules WHERE branch_id = ? ORDER BY id`,
      ),
      lastAlarm: db.prepare(`SELECT last_at FROM alarm_cooldowns WHERE rule_id = ? AND device_id = ? AND re_id = ?`),
      remember: db.prepare(
        `INSERT INTO alarm_cooldowns (rule_id, device_id, re_id, last_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (rule_id, device_id, re_id) DO UPDATE SET last_at = ${greatest(e, 'alarm_cooldowns.last_at', 'excluded.last_at')}`,
      ),
      watchlisted: db.prepare(`SELECT 1 FROM watchlist WHERE re_id = ?`),
      // person_branches is keyed (re_id, branch_id): one short range of the b-tree. The rule is
      // asked before the detection's own row is written, so a first visit here counts itself.
      branchesSince: db.prepare(
        `SELECT COUNT(*) + CASE WHEN EXISTS (SELECT 1 FROM person_branches WHERE re_id = @re_id AND branch_id = @branch) THEN 0 ELSE 1 END
           AS n FROM person_branches WHERE re_id = @re_id AND (last_detection >= @since OR branch_id = @branch)`,
      ),
      offlineRuleBranches: db.prepare(
        `SELECT DISTINCT branch_id FROM alarm_rules WHERE enabled = 1 AND ${jsonField(e, 'condition', 'type')} = 'camera_offline' ORDER BY branch_id`,
      ),
      branchArming: db.prepare(
        `SELECT id, branch_name, timezone, armed, arming_mode, rules_version FROM company_branches WHERE id = ?`,
      ),
      // since: when the camera last went offline (device_status_history, migration 003), or, never
      // seen online, when it was added
      offlineCameras: db.prepare(
        `SELECT d.device_id, d.device_name,
           COALESCE((SELECT h.changed_at FROM device_status_history h WHERE h.device_id = d.device_id AND h.to_status = 'offline'
             ORDER BY h.id DESC LIMIT 1), d.created_at) AS since
         FROM device_masters d WHERE d.branch_id = ? AND d.device_type = 'camera' AND d.status = 'offline' ORDER BY d.device_id`,
      ),
      insertOfflineAlarm: db.prepare(
        `INSERT INTO event_logs (branch_id, device_id, re_id, event_type, detected_count, event_timestamp, created_at,
           alarm_state, priority, rule_id, rule_name, instructions, ack_target_s, auto_close_at)
         VALUES (?, ?, '', 'camera_offline', 0, ?, ?, 'new', ?, ?, ?, ?, ?, ?)${returningId(e)}`,
      ),
    };
  }

  /** Branches with an enabled camera_offline rule, by id. */
  offlineRuleBranches(): number[] {
    return (this.s.offlineRuleBranches!.all() as Array<{ branch_id: number }>).map((r) => r.branch_id);
  }

  /** A branch's row with its arming (as the detection path reads it), or undefined. */
  branchArming(id: number): OfflineBranch | undefined {
    return this.s.branchArming!.get(id) as OfflineBranch | undefined;
  }

  /** A branch's offline cameras and since when (ISO-8601 UTC; null when no change is recorded). */
  offlineCameras(branchId: number): Array<{ device_id: string; device_name: string; since: string | null }> {
    return this.s.offlineCameras!.all(branchId) as Array<{
      device_id: string;
      device_name: string;
      since: string | null;
    }>;
  }

  /**
   * Insert a camera_offline alarm (an event-log row with no person).
   * @param at when it is raised, ISO-8601 UTC (also its event time)
   * @returns the event id
   */
  insertOfflineAlarm(branchId: number, deviceId: string, at: string, a: EventAlarm): number {
    return Number(
      this.s.insertOfflineAlarm!.run(
        branchId,
        deviceId,
        at,
        at,
        a.priority,
        a.rule_id,
        a.rule_name,
        a.instructions,
        a.ack_target_s,
        a.auto_close_at === null ? null : new Date(a.auto_close_at).toISOString(),
      ).lastInsertRowid,
    );
  }

  /** A branch's rules by id. */
  rulesOf(branchId: number): StoredRule[] {
    return this.s.rules!.all(branchId) as StoredRule[];
  }

  /** The last alarm (epoch ms) a rule raised for a camera and person, or null. */
  lastAlarmAt(ruleId: number, deviceId: string, reId: string): number | null {
    return (this.s.lastAlarm!.get(ruleId, deviceId, reId) as { last_at: number } | undefined)?.last_at ?? null;
  }

  /** Remember an alarm of a rule for a camera and person (the latest instant wins), epoch ms. */
  rememberAlarm(ruleId: number, deviceId: string, reId: string, at: number): void {
    this.s.remember!.run(ruleId, deviceId, reId, at);
  }

  /** Whether a person is on the watchlist. */
  watchlisted(reId: string): boolean {
    return this.s.watchlisted!.get(reId) !== undefined;
  }

  /**
   * Distinct branches a person was last seen at since an instant, the given branch always
   * counted (the detection being evaluated is there).
   * @param since epoch ms
   */
  branchesSince(reId: string, since: number, branchId: number): number {
    return (this.s.branchesSince!.get({ re_id: reId, since, branch: branchId }) as { n: number }).n;
  }
}
