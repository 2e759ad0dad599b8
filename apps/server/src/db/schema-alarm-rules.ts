/**
 * Kysely table types of the alarm rules (migration 018, issue 14): the rules, their cooldowns
 * and the watchlist. Conventions as in schema.ts, which re-exports these and lists them in
 * `Database`.
 */
import type { Generated } from 'kysely';
import type { AlarmPriority } from '@pantau/shared';

/**
 * One alarm rule of a branch. JSON columns: `device_ids` (string[]; empty = every camera),
 * `condition` (`AlarmCondition`), `schedule` (`TimeProfile`, null = always), `modes` (string[];
 * empty = every arming mode).
 */
export interface AlarmRulesTable {
  id: Generated<number>;
  branch_id: number;
  name: string;
  enabled: number;
  device_ids: string;
  condition: string;
  schedule: string | null;
  priority: AlarmPriority;
  modes: string;
  cooldown_s: number;
  notify_whatsapp: number;
  auto_close_minutes: number | null;
  ack_target_s: number | null;
  instructions: string;
  created_at: string;
  updated_at: string;
}

/** The last alarm (epoch ms) a rule raised for a camera and person: the cooldown's memory. */
export interface AlarmCooldownsTable {
  rule_id: number;
  device_id: string;
  re_id: string;
  last_at: number;
}

/** A person on the watchlist. */
export interface WatchlistTable {
  re_id: string;
  reason: string;
  added_by: number | null;
  added_at: string;
}
