/**
 * Which rule, if any, makes a detection an alarm (issue 14): the detection job asks inside its
 * transaction, before the event row is written, and the answer goes into that row.
 *
 * The rules of a branch are parsed once and cached under the branch's `rules_version`
 * (migration 018), which the detection path reads with the branch row it reads anyway: a rule
 * edited or an arming switched on any connection (HTTP thread, detection thread, another
 * process) moves the version in the same commit, so the next detection reloads. The facts that
 * cost a read (watchlist, branches seen today, cooldowns) are read only when a rule that needs
 * them is in force. The decision itself is domain/alarm-rule-evaluation.ts's.
 */
import { z } from 'zod';
import { AlarmCondition, TimeProfile, type AlarmPriority } from '@pantau/shared';
import { alarmRuleFor, offlineRulesFor, type EvaluatedRule } from '../domain/alarm-rule-evaluation.js';
import type { AlarmMatchRepository, StoredRule } from '../repositories/alarm-match-repository.js';
import { storedJson } from '../repositories/stored-json.js';
import { dayStartUtc, siteDay } from './site-time.js';

/** What the detection path knows of the branch (its row, read per detection anyway). */
export interface BranchArmingRow {
  id: number;
  timezone: string;
  armed: number;
  arming_mode: string | null;
  rules_version: number;
}

/** What a detection tells the matcher. */
export interface MatchedDetection {
  device_id: string;
  re_id: string;
  detected_count: number;
  /** epoch ms */
  at: number;
}

/** The alarm a rule raised: what the event row and the follow-ups carry. */
export interface RaisedAlarm {
  rule_id: number;
  rule_name: string;
  priority: AlarmPriority;
  instructions: string;
  ack_target_s: number | null;
  /** epoch ms, or null */
  auto_close_at: number | null;
  /** send the branch's WhatsApp alert */
  notify_whatsapp: boolean;
}

/** A cached rule: what the evaluator needs plus the follow-ups. */
type CachedRule = EvaluatedRule &
  Pick<StoredRule, 'name' | 'instructions' | 'ack_target_s' | 'auto_close_minutes'> & {
    notify_whatsapp: boolean;
  };

interface BranchRules {
  version: number;
  rules: CachedRule[];
}

const StringList = z.array(z.string());

/** Parse a stored rule; a row that no longer parses (edited by hand) is left out, never fatal. */
function parseRule(r: StoredRule): CachedRule | null {
  const condition = storedJson(r.condition, AlarmCondition);
  const schedule = r.schedule === null ? null : storedJson(r.schedule, TimeProfile);
  const devices = storedJson(r.device_ids, StringList);
  const modes = storedJson(r.modes, StringList);
  if (!condition || schedule === undefined || !devices || !modes) return null;
  return {
    id: r.id,
    enabled: r.enabled === 1,
    device_ids: devices,
    condition,
    schedule,
    priority: r.priority,
    modes,
    cooldown_s: r.cooldown_s,
    name: r.name,
    instructions: r.instructions,
    ack_target_s: r.ack_target_s,
    auto_close_minutes: r.auto_close_minutes,
    notify_whatsapp: r.notify_whatsapp === 1,
  };
}

/** The alarm a rule raises at `now` (epoch ms). */
function raised(rule: CachedRule, now: number): RaisedAlarm {
  return {
    rule_id: rule.id,
    rule_name: rule.name,
    priority: rule.priority,
    instructions: rule.instructions,
    ack_target_s: rule.ack_target_s,
    auto_close_at: rule.auto_close_minutes === null ? null : now + rule.auto_close_minutes * 60_000,
    notify_whatsapp: rule.notify_whatsapp,
  };
}

/** Decides alarms for the detection job; one per connection (its cache follows the versions). */
export class AlarmRuleMatcher {
  private readonly cache = new Map<number, BranchRules>();

  constructor(private readonly repo: AlarmMatchRepository) {}

  /**
   * The alarm this detection raises, or null (a plain event). Call inside the detection's
   * transaction: a rule with a cooldown remembers this alarm there.
   * @param zone the branch's counting zone (the schedule's wall clock)
   * @param now the job's clock, epoch ms (an auto-close counts from when the alarm is raised)
   * @throws RangeError when the zone is unknown
   */
  match(branch: BranchArmingRow, zone: string, d: MatchedDetection, now: number): RaisedAlarm | null {
    if (branch.armed !== 1) return null;
    const rules = this.rulesOf(branch);
    if (rules.length === 0) return null;
    let watchlisted: boolean | undefined;
    let branchesToday: number | undefined;
    const needs = (t: AlarmCondition['type']) => rules.some((r) => r.enabled && r.condition.type === t);
    if (needs('watchlist')) watchlisted = this.repo.watchlisted(d.re_id);
    if (needs('multi_branch'))
      branchesToday = this.repo.branchesSince(d.re_id, dayStartUtc(siteDay(d.at, zone), zone), branch.id);
    const rule = alarmRuleFor(
      rules,
      { armed: true, mode: branch.arming_mode },
      {
        device_id: d.device_id,
        re_id: d.re_id,
        detected_count: d.detected_count,
        at: d.at,
        zone,
        watchlisted: watchlisted ?? false,
        branches_today: branchesToday ?? 1,
      },
      (ruleId, deviceId, reId) => this.repo.lastAlarmAt(ruleId, deviceId, reId),
    ) as CachedRule | null;
    if (!rule) return null;
    if (rule.cooldown_s > 0) this.repo.rememberAlarm(rule.id, d.device_id, d.re_id, d.at);
    return raised(rule, now);
  }

  /**
   * The camera_offline alarms due now at a branch: for each offline camera, each rule whose
   * threshold it passed and that has not raised for this outage yet (the outage is told apart
   * by when it began: remembered as the rule's cooldown for the camera with no person). Call
   * inside the transaction that inserts them: they are remembered here.
   * @param cameras the branch's offline cameras and since when, epoch ms
   * @param now epoch ms
   * @throws RangeError when the zone is unknown
   */
  offlineAlarms(
    branch: BranchArmingRow,
    zone: string,
    cameras: ReadonlyArray<{ device_id: string; since: number }>,
    now: number,
  ): Array<{ device_id: string; since: number; alarm: RaisedAlarm }> {
    if (branch.armed !== 1) return [];
    const rules = this.rulesOf(branch);
    const due: Array<{ device_id: string; since: number; alarm: RaisedAlarm }> = [];
    for (const cam of cameras) {
      const offlineS = (now - cam.since) / 1000;
      const matched = offlineRulesFor(
        rules,
        { armed: true, mode: branch.arming_mode },
        cam.device_id,
        offlineS,
        now,
        zone,
      ) as CachedRule[];
      for (const rule of matched) {
        if (this.repo.lastAlarmAt(rule.id, cam.device_id, '') === cam.since) continue;
        this.repo.rememberAlarm(rule.id, cam.device_id, '', cam.since);
        due.push({ device_id: cam.device_id, since: cam.since, alarm: raised(rule, now) });
      }
    }
    return due;
  }

  private rulesOf(branch: BranchArmingRow): CachedRule[] {
    const hit = this.cache.get(branch.id);
    if (hit && hit.version === branch.rules_version) return hit.rules;
    const rules = this.repo
      .rulesOf(branch.id)
      .map(parseRule)
      .filter((r): r is CachedRule => r !== null);
    this.cache.set(branch.id, { version: branch.rules_version, rules });
    return rules;
  }
}
