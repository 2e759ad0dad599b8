/**
 * The rule editor's time-profile grid (issue 14), as pure functions: a week of 7 days (Monday
 * first, as `TimeProfile.weekly`) × 24 hours, each hour on or off, painted by dragging.
 *
 * From a profile to the grid, an hour is on when any part of it is covered (a range belongs to
 * the day it starts: 22:00–06:00 on Friday lights Friday 22–24 and Saturday 0–6). From the grid
 * to a profile, each day's runs of hours become ranges (the last hour ends at 24:00), so an
 * overnight range comes back as two (Friday 22:00–24:00, Saturday 00:00–06:00): the same hours,
 * though a dated exception on the Saturday then also decides its morning. The dated exceptions
 * are kept as they are.
 */
import type { TimeProfile, TimeRange } from '@pantau/shared';

/** 7 × 24 booleans: `grid[day][hour]`, day 0 = Monday. */
export type WeekGrid = boolean[][];

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** An empty grid (nothing on). */
export function emptyGrid(): WeekGrid {
  return Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => false));
}

/** A full grid (always on). */
export function fullGrid(): WeekGrid {
  return Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => true));
}

/** The grid of a profile's weekly ranges (null = always: every hour on). */
export function gridOf(profile: TimeProfile | null): WeekGrid {
  if (profile === null) return fullGrid();
  const grid = emptyGrid();
  const light = (day: number, fromMin: number, toMin: number) => {
    for (let h = Math.floor(fromMin / 60); h * 60 < toMin && h < 24; h++) grid[day]![h] = true;
  };
  profile.weekly.forEach((ranges, day) => {
    for (const r of ranges) {
      const s = minutes(r.start);
      const e = minutes(r.end);
      if (e > s) light(day, s, e);
      else {
        light(day, s, 24 * 60);
        light((day + 1) % 7, 0, e);
      }
    }
  });
  return grid;
}

/** Each day's runs of lit hours as ranges. */
export function weeklyOf(grid: WeekGrid): TimeRange[][] {
  return grid.map((hours) => {
    const ranges: TimeRange[] = [];
    let start: number | null = null;
    for (let h = 0; h <= 24; h++) {
      const on = h < 24 && hours[h] === true;
      if (on && start === null) start = h;
      if (!on && start !== null) {
        ranges.push({ start: hh(start), end: h === 24 ? '24:00' : hh(h) });
        start = null;
      }
    }
    return ranges;
  });
}

/** The profile a grid stands for (every hour on and no exceptions = null, "always"). */
export function profileOf(grid: WeekGrid, exceptions: TimeProfile['exceptions'] = []): TimeProfile | null {
  if (exceptions.length === 0 && grid.every((d) => d.every(Boolean))) return null;
  return { weekly: weeklyOf(grid), exceptions };
}

/** Paint one cell (a drag sets every cell it passes to the value of the first). */
export function paint(grid: WeekGrid, day: number, hour: number, on: boolean): WeekGrid {
  if (grid[day]![hour] === on) return grid;
  return grid.map((hours, d) => (d === day ? hours.map((v, h) => (h === hour ? on : v)) : hours));
}

/** How many hours of the week are on. */
export function hoursOn(grid: WeekGrid): number {
  return grid.reduce((n, d) => n + d.filter(Boolean).length, 0);
}
