/** The rule editor's draft: a stored schedule kept unless painted, "always", real days, the priority by condition. */
import { describe, expect, it } from 'vitest';
import type { AlarmRule } from '@pantau/shared';
import { bodyOf, draftOf, realDay } from './alarm-rule-draft.js';
import { fullGrid, paint } from './time-grid-model.js';

const rule = (over: Partial<AlarmRule>): AlarmRule => ({
  id: 1,
  branch_id: 1,
  branch_name: 'Jakarta',
  name: 'Back door at night',
  enabled: true,
  device_ids: [],
  condition: { type: 'any_person' },
  schedule: null,
  priority: 'high',
  modes: [],
  cooldown_s: 60,
  notify_whatsapp: true,
  auto_close_minutes: null,
  ack_target_s: null,
  instructions: '',
  created_at: '2026-12-01T00:00:00.000Z',
  updated_at: '2026-12-01T00:00:00.000Z',
  ...over,
});

describe('rule draft', () => {
  it('sends a stored schedule back as it was unless its grid was painted', () => {
    const schedule = {
      weekly: [[{ start: '22:30', end: '06:00' }], [], [], [], [], [], []],
      exceptions: [{ date: '2026-12-25', ranges: [] }],
    };
    const d = draftOf(rule({ schedule }));
    expect(bodyOf({ ...d, name: 'Renamed' }).schedule).toEqual(schedule);
    const painted = bodyOf({ ...d, grid: paint(d.grid, 2, 9, true), gridTouched: true }).schedule!;
    expect(painted.weekly[0]).toEqual([{ start: '22:00', end: '24:00' }]);
    expect(painted.weekly[2]).toEqual([{ start: '09:00', end: '10:00' }]);
    expect(painted.exceptions).toEqual(schedule.exceptions);
  });

  it('turns every hour on with no exceptions into "always", and starts "always" off from an empty week', () => {
    const d = draftOf(null);
    expect(d.always).toBe(true);
    expect(d.grid.flat().some(Boolean)).toBe(false);
    expect(bodyOf({ ...d, name: 'x', always: false, grid: fullGrid(), gridTouched: true }).schedule).toBeNull();
    expect(bodyOf({ ...d, name: 'x' }).schedule).toBeNull();
  });

  it('gives a watchlist rule critical unless a priority was chosen', () => {
    const d = { ...draftOf(null), name: 'w', type: 'watchlist' as const };
    expect(bodyOf(d).priority).toBe('critical');
    expect(bodyOf({ ...d, priority: 'low', priorityChosen: true }).priority).toBe('low');
  });

  it('takes real calendar days only', () => {
    expect(realDay('2026-12-25')).toBe(true);
    expect(realDay('2026-02-30')).toBe(false);
    expect(realDay('2026-13-01')).toBe(false);
    expect(realDay('25-12-2026')).toBe(false);
  });
});
