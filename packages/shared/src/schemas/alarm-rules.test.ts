import { describe, expect, it } from 'vitest';
import { AlarmCondition, TimeProfile, TimeRange } from './alarm-rules.js';

const none = () => [[], [], [], [], [], [], []];

describe('rule shapes', () => {
  it('refuses bad time ranges and profiles, naming the field', () => {
    expect(TimeRange.safeParse({ start: '22:00', end: '06:00' }).success).toBe(true);
    expect(TimeRange.safeParse({ start: '00:00', end: '24:00' }).success).toBe(true);
    const bad = (v: unknown) => TimeRange.safeParse(v).error?.issues[0]?.path.join('.');
    expect(bad({ start: '24:00', end: '06:00' })).toBe('start');
    expect(bad({ start: '08:00', end: '08:00' })).toBe('end');
    expect(bad({ start: '8:00', end: '09:00' })).toBe('start');
    expect(bad({ start: '08:00', end: '24:30' })).toBe('end');
    expect(TimeProfile.safeParse({ weekly: none().slice(0, 6) }).success).toBe(false);
    const twice = TimeProfile.safeParse({
      weekly: none(),
      exceptions: [
        { date: '2026-12-25', ranges: [] },
        { date: '2026-12-25', ranges: [] },
      ],
    });
    expect(twice.error?.issues[0]?.path).toEqual(['exceptions']);
    expect(AlarmCondition.safeParse({ type: 'count_at_least', value: 0 }).success).toBe(false);
    expect(AlarmCondition.safeParse({ type: 'multi_branch', value: 1 }).success).toBe(false);
  });
});
