/** The rule editor's time grid: profile ↔ grid, overnight ranges, "always", painting. */
import { describe, expect, it } from 'vitest';
import type { TimeProfile } from '@pantau/shared';
import { emptyGrid, fullGrid, gridOf, hoursOn, paint, profileOf, weeklyOf } from './time-grid-model.js';

const week = (friday: TimeProfile['weekly'][number]): TimeProfile => ({
  weekly: [[], [], [], [], friday, [], []],
  exceptions: [],
});

describe('time grid', () => {
  it('lights the hours a profile covers, an overnight range into the next day', () => {
    const g = gridOf(week([{ start: '22:00', end: '06:00' }]));
    expect(g[4]!.map((v, h) => (v ? h : -1)).filter((h) => h >= 0)).toEqual([22, 23]);
    expect(g[5]!.map((v, h) => (v ? h : -1)).filter((h) => h >= 0)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(hoursOn(g)).toBe(8);
    // a part of an hour lights the hour
    expect(gridOf(week([{ start: '08:30', end: '09:15' }]))[4]!.slice(8, 10)).toEqual([true, true]);
    // Sunday's overnight range reaches Monday
    const sunday: TimeProfile = {
      weekly: [[], [], [], [], [], [], [{ start: '23:00', end: '01:00' }]],
      exceptions: [],
    };
    expect(gridOf(sunday)[0]![0]).toBe(true);
  });

  it('turns runs of hours back into ranges ending at 24:00, and a full week with no exceptions into "always"', () => {
    const g = paint(paint(paint(emptyGrid(), 0, 8, true), 0, 9, true), 0, 23, true);
    expect(weeklyOf(g)[0]).toEqual([
      { start: '08:00', end: '10:00' },
      { start: '23:00', end: '24:00' },
    ]);
    expect(profileOf(fullGrid())).toBeNull();
    const holiday = [{ date: '2026-12-25', ranges: [] }];
    expect(profileOf(fullGrid(), holiday)?.exceptions).toEqual(holiday);
    expect(gridOf(null)).toEqual(fullGrid());
  });

  it('paints without touching the grid when the cell already has the value', () => {
    const g = emptyGrid();
    expect(paint(g, 2, 5, false)).toBe(g);
    const lit = paint(g, 2, 5, true);
    expect(lit).not.toBe(g);
    expect(lit[2]![5]).toBe(true);
    expect(g[2]![5]).toBe(false);
  });
});
