/** Site-local days and the zones in use (site-time.ts): pure functions. */
import { describe, expect, it } from 'vitest';
import {
  addDays,
  countingZone,
  dayStartUtc,
  dayWindowUtc,
  invalidZones,
  isTimeZone,
  previousSiteDay,
  recentSiteDays,
  siteDay,
  siteHour,
  utcOffsetMs,
  zonesInUse,
} from './site-time.js';

// 01:30 on the 21st in Jayapura (UTC+9), 23:30 on the 20th in Jakarta (UTC+7)
const AT = '2026-11-20T16:30:00.000Z';

describe('site time', () => {
  it('puts an instant on the local day of each zone', () => {
    expect(siteDay(AT, 'Asia/Jayapura')).toBe('2026-11-21');
    expect(siteDay(AT, 'Asia/Jakarta')).toBe('2026-11-20');
    expect(siteDay(Date.parse(AT), 'Asia/Makassar')).toBe('2026-11-21');
    expect(siteDay(new Date(AT), 'UTC')).toBe('2026-11-20');
    expect(() => siteDay(AT, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it("takes yesterday from the zone's own calendar", () => {
    expect(previousSiteDay('Asia/Jayapura', new Date(AT))).toBe('2026-11-20');
    expect(previousSiteDay('Asia/Jakarta', new Date(AT))).toBe('2026-11-19');
    expect(recentSiteDays('Asia/Jayapura', 3, new Date(AT))).toEqual(['2026-11-20', '2026-11-19', '2026-11-18']);
    expect(recentSiteDays('Asia/Jakarta', 0, new Date(AT))).toEqual([]);
  });

  it('shifts calendar days across months and years, and rejects what is not a day', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(() => addDays('21-11-2026', 1)).toThrow(RangeError);
  });

  it('has a UTC window that encloses the local day in the zones furthest east and west', () => {
    const w = dayWindowUtc('2026-11-21');
    // the day starts first at UTC+14 and ends last at UTC−12
    expect(Date.parse(w.from)).toBeLessThanOrEqual(Date.parse('2026-11-20T10:00:00.000Z'));
    expect(Date.parse(w.to)).toBeGreaterThanOrEqual(Date.parse('2026-11-22T12:00:00.000Z'));
    expect(siteDay('2026-11-20T10:00:00.000Z', 'Pacific/Kiritimati')).toBe('2026-11-21');
    expect(siteDay('2026-11-22T11:59:59.999Z', 'Etc/GMT+12')).toBe('2026-11-21');
  });

  it('plans the distinct known branch zones plus the server zone, sorted', () => {
    const branches = [
      { timezone: 'Asia/Jayapura' },
      { timezone: 'Asia/Jakarta' },
      { timezone: 'Asia/Jayapura' },
      { timezone: 'Nowhere/Land' },
    ];
    expect(zonesInUse(branches, 'Asia/Jakarta')).toEqual(['Asia/Jakarta', 'Asia/Jayapura']);
    expect(zonesInUse([], 'Asia/Makassar')).toEqual(['Asia/Makassar']);
    expect(zonesInUse(branches, 'UTC')).toEqual(['Asia/Jakarta', 'Asia/Jayapura', 'UTC']);
    expect(invalidZones(branches)).toEqual(['Nowhere/Land']);
    expect(isTimeZone('Asia/Jayapura')).toBe(true);
    expect(isTimeZone('Nowhere/Land')).toBe(false);
  });

  it("puts an instant on the local hour of each zone, Indonesia's three and zones that change their clocks", () => {
    const at = (iso: string) => Date.parse(iso);
    expect(siteHour(at('2026-11-20T15:30:00.000Z'), 'Asia/Makassar')).toEqual({ day: '2026-11-20', hour: 23 });
    expect(siteHour(at('2026-11-20T16:10:00.000Z'), 'Asia/Makassar')).toEqual({ day: '2026-11-21', hour: 0 });
    expect(siteHour(at(AT), 'Asia/Jayapura')).toEqual({ day: '2026-11-21', hour: 1 });
    expect(siteHour(at(AT), 'Asia/Jakarta')).toEqual({ day: '2026-11-20', hour: 23 });
    // Berlin springs forward at 01:00 UTC on 2026-03-29 (02:00 → 03:00 local)
    expect(siteHour(at('2026-03-29T00:59:59.999Z'), 'Europe/Berlin')).toEqual({ day: '2026-03-29', hour: 1 });
    expect(siteHour(at('2026-03-29T01:00:00.000Z'), 'Europe/Berlin')).toEqual({ day: '2026-03-29', hour: 3 });
    // Kathmandu is UTC+5:45, Chatham UTC+13:45 in its summer (changes at 14:00 UTC, a quarter hour of UTC)
    expect(siteHour(at('2026-11-20T18:14:00.000Z'), 'Asia/Kathmandu')).toEqual({ day: '2026-11-20', hour: 23 });
    expect(siteHour(at('2026-11-20T18:15:00.000Z'), 'Asia/Kathmandu')).toEqual({ day: '2026-11-21', hour: 0 });
    expect(utcOffsetMs('Pacific/Chatham', at('2026-01-10T00:00:00.000Z'))).toBe((13 * 60 + 45) * 60_000);
    expect(utcOffsetMs('Asia/Jakarta', at(AT))).toBe(7 * 3_600_000);
    // the same answers from the cache as from Intl, every 7 minutes over a day with a change
    for (let t = at('2026-10-25T00:00:00.000Z'); t < at('2026-10-26T00:00:00.000Z'); t += 7 * 60_000) {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone: 'Europe/London',
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
        })
          .formatToParts(t)
          .map((p) => [p.type, p.value]),
      );
      const wall = `${parts.year}-${parts.month}-${parts.day}, ${parts.hour}`;
      const { day, hour } = siteHour(t, 'Europe/London');
      expect(`${day}, ${String(hour).padStart(2, '0')}`).toBe(wall);
    }
  });

  it("finds a local day's first instant, and counts unknown zones in the default one", () => {
    expect(new Date(dayStartUtc('2026-11-21', 'Asia/Jayapura')).toISOString()).toBe('2026-11-20T15:00:00.000Z');
    expect(new Date(dayStartUtc('2026-03-29', 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(dayStartUtc('2026-03-30', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(countingZone('Asia/Makassar')).toBe('Asia/Makassar');
    expect(countingZone('Nowhere/Land')).toBe('Asia/Jakarta');
  });
});
