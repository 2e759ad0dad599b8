import { describe, expect, it } from 'vitest';
import type { TimeProfile, TimeRange } from '@pantau/shared';
import {
  alarmRuleFor,
  offlineRulesFor,
  scheduleOn,
  type DetectionFacts,
  type EvaluatedRule,
} from './alarm-rule-evaluation.js';

const WIB = 'Asia/Jakarta'; // UTC+7
const WITA = 'Asia/Makassar'; // UTC+8
const WIT = 'Asia/Jayapura'; // UTC+9
/** An instant from a local wall time with its offset, e.g. at('2026-12-04T22:30', 7). */
const at = (local: string, offsetH: number) =>
  Date.parse(`${local}:00.000${offsetH >= 0 ? '+' : '-'}${String(Math.abs(offsetH)).padStart(2, '0')}:00`);
const none = () => [[], [], [], [], [], [], []] as TimeProfile['weekly'];
/** A profile with the same ranges every weekday. */
const everyDay = (...ranges: TimeRange[]): TimeProfile => ({ weekly: none().map(() => ranges), exceptions: [] });

const rule = (over: Partial<EvaluatedRule> = {}): EvaluatedRule => ({
  id: 1,
  enabled: true,
  device_ids: [],
  condition: { type: 'any_person' },
  schedule: null,
  priority: 'medium',
  modes: [],
  cooldown_s: 60,
  ...over,
});
const facts = (over: Partial<DetectionFacts> = {}): DetectionFacts => ({
  device_id: 'cam-1',
  re_id: 'p-1',
  detected_count: 1,
  at: at('2026-12-04T10:00', 7),
  zone: WIB,
  watchlisted: false,
  branches_today: 1,
  ...over,
});
const armed = { armed: true, mode: null };
const never = () => null;

describe('scheduleOn', () => {
  it('is always on without a profile', () => {
    expect(scheduleOn(null, at('2026-12-04T03:00', 7), WIB)).toBe(true);
  });

  it('reads the wall clock of the branch zone: 22:00–24:00 is 22:00 WIB, WITA and WIT in turn', () => {
    const p = everyDay({ start: '22:00', end: '24:00' });
    // 15:30 UTC is 22:30 WIB, 23:30 WITA, 00:30 WIT the next day
    const instant = Date.parse('2026-12-04T15:30:00.000Z');
    expect(scheduleOn(p, instant, WIB)).toBe(true);
    expect(scheduleOn(p, instant, WITA)).toBe(true);
    expect(scheduleOn(p, instant, WIT)).toBe(false);
    // start inclusive, end exclusive
    expect(scheduleOn(p, at('2026-12-04T22:00', 7), WIB)).toBe(true);
    expect(scheduleOn(p, at('2026-12-04T21:59', 7), WIB)).toBe(false);
    expect(scheduleOn(p, at('2026-12-05T00:00', 7), WIB)).toBe(false);
  });

  it('runs an overnight range into the next day, as part of the day it starts on', () => {
    // only Friday (weekly[4]) 22:00–06:00; 2026-12-04 is a Friday
    const weekly = none();
    weekly[4] = [{ start: '22:00', end: '06:00' }];
    const p: TimeProfile = { weekly, exceptions: [] };
    expect(scheduleOn(p, at('2026-12-04T21:59', 8), WITA)).toBe(false);
    expect(scheduleOn(p, at('2026-12-04T23:30', 8), WITA)).toBe(true);
    expect(scheduleOn(p, at('2026-12-05T05:59', 8), WITA)).toBe(true); // Saturday morning, Friday's range
    expect(scheduleOn(p, at('2026-12-05T06:00', 8), WITA)).toBe(false);
    expect(scheduleOn(p, at('2026-12-05T23:00', 8), WITA)).toBe(false); // Saturday night: no range
    expect(scheduleOn(p, at('2026-12-04T03:00', 8), WITA)).toBe(false); // Thursday's night: none
  });

  it('lets a dated exception (a holiday) replace its weekday, overnight part included', () => {
    const p: TimeProfile = {
      ...everyDay({ start: '08:00', end: '17:00' }, { start: '20:00', end: '02:00' }),
      exceptions: [
        { date: '2026-12-25', ranges: [] }, // Christmas: off all day
        { date: '2026-12-31', ranges: [{ start: '00:00', end: '24:00' }] }, // New Year's Eve: all day
      ],
    };
    expect(scheduleOn(p, at('2026-12-24T10:00', 9), WIT)).toBe(true);
    expect(scheduleOn(p, at('2026-12-25T01:00', 9), WIT)).toBe(true); // the 24th's overnight range
    expect(scheduleOn(p, at('2026-12-25T10:00', 9), WIT)).toBe(false);
    expect(scheduleOn(p, at('2026-12-25T21:00', 9), WIT)).toBe(false);
    expect(scheduleOn(p, at('2026-12-26T01:00', 9), WIT)).toBe(false); // the 25th had no overnight range
    expect(scheduleOn(p, at('2026-12-26T10:00', 9), WIT)).toBe(true);
    expect(scheduleOn(p, at('2026-12-31T05:00', 9), WIT)).toBe(true);
    expect(scheduleOn(p, at('2026-12-31T18:00', 9), WIT)).toBe(true);
  });
});

describe('alarmRuleFor', () => {
  it('raises nothing when the branch is disarmed, and the rule when armed', () => {
    const rules = [rule()];
    expect(alarmRuleFor(rules, { armed: false, mode: null }, facts(), never)).toBeNull();
    expect(alarmRuleFor(rules, armed, facts(), never)?.id).toBe(1);
  });

  it('keeps to its cameras, its schedule and its arming modes', () => {
    const onCam2 = rule({ device_ids: ['cam-2'] });
    expect(alarmRuleFor([onCam2], armed, facts(), never)).toBeNull();
    expect(alarmRuleFor([onCam2], armed, facts({ device_id: 'cam-2' }), never)?.id).toBe(1);
    const nights = rule({ schedule: everyDay({ start: '22:00', end: '06:00' }) });
    expect(alarmRuleFor([nights], armed, facts(), never)).toBeNull(); // 10:00
    expect(alarmRuleFor([nights], armed, facts({ at: at('2026-12-04T23:00', 7) }), never)?.id).toBe(1);
    const night = rule({ modes: ['night'] });
    expect(alarmRuleFor([night], armed, facts(), never)).toBeNull();
    expect(alarmRuleFor([night], { armed: true, mode: 'office hours' }, facts(), never)).toBeNull();
    expect(alarmRuleFor([night], { armed: true, mode: 'night' }, facts(), never)?.id).toBe(1);
    expect(alarmRuleFor([rule({ enabled: false })], armed, facts(), never)).toBeNull();
  });

  it('meets each condition: crowding, watchlist, a journey across branches', () => {
    const crowd = rule({ condition: { type: 'count_at_least', value: 5 } });
    expect(alarmRuleFor([crowd], armed, facts({ detected_count: 4 }), never)).toBeNull();
    expect(alarmRuleFor([crowd], armed, facts({ detected_count: 5 }), never)?.id).toBe(1);
    const watch = rule({ condition: { type: 'watchlist' } });
    expect(alarmRuleFor([watch], armed, facts(), never)).toBeNull();
    expect(alarmRuleFor([watch], armed, facts({ watchlisted: true }), never)?.id).toBe(1);
    const journey = rule({ condition: { type: 'multi_branch', value: 3 } });
    expect(alarmRuleFor([journey], armed, facts({ branches_today: 2 }), never)).toBeNull();
    expect(alarmRuleFor([journey], armed, facts({ branches_today: 3 }), never)?.id).toBe(1);
    // an offline condition is not a detection's
    const offline = rule({ condition: { type: 'camera_offline', value: 60 } });
    expect(alarmRuleFor([offline], armed, facts(), never)).toBeNull();
  });

  it('picks the most urgent matching rule, then the lowest id', () => {
    const rules = [
      rule({ id: 4, priority: 'low' }),
      rule({ id: 3, priority: 'high' }),
      rule({ id: 2, priority: 'high' }),
      rule({ id: 1, priority: 'critical', condition: { type: 'watchlist' } }),
    ];
    expect(alarmRuleFor(rules, armed, facts(), never)?.id).toBe(2);
    expect(alarmRuleFor(rules, armed, facts({ watchlisted: true }), never)?.id).toBe(1);
  });

  it('cools down per rule, camera and person, either side of the last alarm', () => {
    const r = rule({ cooldown_s: 120 });
    const t = at('2026-12-04T10:00', 7);
    const last = new Map([['1|cam-1|p-1', t]]);
    const lastAt = (id: number, dev: string, re: string) => last.get(`${id}|${dev}|${re}`) ?? null;
    expect(alarmRuleFor([r], armed, facts({ at: t + 119_000 }), lastAt)).toBeNull();
    expect(alarmRuleFor([r], armed, facts({ at: t + 120_000 }), lastAt)?.id).toBe(1);
    // a buffered detection from a minute before the last alarm is the same visit
    expect(alarmRuleFor([r], armed, facts({ at: t - 60_000 }), lastAt)).toBeNull();
    // another person, another camera: their own cooldowns
    expect(alarmRuleFor([r], armed, facts({ at: t + 1000, re_id: 'p-2' }), lastAt)?.id).toBe(1);
    expect(alarmRuleFor([r], armed, facts({ at: t + 1000, device_id: 'cam-2' }), lastAt)?.id).toBe(1);
    // while the most urgent rule that matches cools down, a less urgent one raises nothing
    // either (the person is already alarmed, and louder): one alarm, not one per detection
    const second = rule({ id: 2, priority: 'low', cooldown_s: 0 });
    expect(alarmRuleFor([r, second], armed, facts({ at: t + 1000 }), lastAt)).toBeNull();
    // a more urgent rule than the cooling one still raises
    const louder = rule({ id: 3, priority: 'critical', cooldown_s: 0 });
    expect(alarmRuleFor([r, second, louder], armed, facts({ at: t + 1000 }), lastAt)?.id).toBe(3);
  });
});

describe('offlineRulesFor', () => {
  it('fires past the rule’s seconds, on its cameras, while armed and scheduled', () => {
    const r = rule({ condition: { type: 'camera_offline', value: 60 }, device_ids: ['cam-1'] });
    const t = at('2026-12-04T10:00', 7);
    expect(offlineRulesFor([r], armed, 'cam-1', 60, t, WIB)).toEqual([]);
    expect(offlineRulesFor([r], armed, 'cam-1', 61, t, WIB).map((x) => x.id)).toEqual([1]);
    expect(offlineRulesFor([r], armed, 'cam-2', 61, t, WIB)).toEqual([]);
    expect(offlineRulesFor([r], { armed: false, mode: null }, 'cam-1', 61, t, WIB)).toEqual([]);
    expect(offlineRulesFor([rule()], armed, 'cam-1', 61, t, WIB)).toEqual([]);
  });
});
