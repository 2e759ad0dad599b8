/**
 * The alarm rules' SQL on the detection path (issue 14): a branch's rules (read only when its
 * `rules_version` moved: services/alarm-rule-matcher.ts caches them), the cooldown memory, the
 * watchlist and the branches a person was seen at since an instant. Raw prepared statements
 * (synchronous) because they run inside the detection job's transaction; row shapes are
 * db/schema-alarm-rules.ts's.
 */
import type SQLite from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { AlarmRulesTable } from '../db/schema.js';

/** A stored rule as the matcher reads it (JSON columns still text). */
export type StoredRule = Omit<Selectable<AlarmRulesTable>, 'created_at' | 'updated_at' | 'branch_id'>;

/** Prepared statements of the alarm rules on the detection path. */
export class AlarmMatchRepository {
  private readonly s: Record<string, SQLite.Statement>;

  constructor(db: SQLite.Database) {
    this.s = {
      rules: db.prepare(
        `SELECT id, name, enabled, device_ids, condition, schedule, priority, modes, cooldown_s, notify_whatsapp,
           auto_close_minutes, ack_target_s, instructions
         FROM alarm_rules WHERE branch_id = ? ORDER BY id`,
      ),
      lastAlarm: db.prepare(`SELECT last_at FROM alarm_cooldowns WHERE rule_id = ? AND device_id = ? AND re_id = ?`),
      remember: db.prepare(
        `INSERT INTO alarm_cooldowns (rule_id, device_id, re_id, last_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET last_at = MAX(last_at, excluded.last_at)`,
      ),
      watchlisted: db.prepare(`SELECT 1 FROM watchlist WHERE re_id = ?`),
      // person_branches is keyed (re_id, branch_id): one short range of the b-tree
      branchesSince: db.prepare(
        `SELECT COUNT(*) AS n FROM person_branches WHERE re_id = ? AND (last_detection >= ? OR branch_id = ?)`,
      ),
      forgetBefore: db.prepare(`DELETE FROM alarm_cooldowns WHERE last_at < ?`),
    };
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
    return (this.s.branchesSince!.get(reId, since, branchId) as { n: number }).n;
  }

  /**
   * Forget cooldowns older than an instant (no rule cools down longer than a day).
   * @param before epoch ms
   * @returns rows deleted
   */
  forgetCooldownsBefore(before: number): number {
    return this.s.forgetBefore!.run(before).changes;
  }
}
