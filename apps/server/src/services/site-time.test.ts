/** Site-local days and the zones in use (site-time.ts): pure functions. */
import { describe, expect, it } from 'vitest';
import { addDays, dayWindowUtc, invalidZones, isTimeZone, previousSiteDay, recentSiteDays, siteDay, zonesInUse } from './site-time.js';

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

  it('takes yesterday from the zone\'s own calendar', () => {
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
    const branches = [{ timezone: 'Asia/Jayapura' }, { timezone: 'Asia/Jakarta' }, { timezone: 'Asia/Jayapura' }, { timezone: 'Nowhere/Land' }];
    expect(zonesInUse(branches, 'Asia/Jakarta')).toEqual(['Asia/Jakarta', 'Asia/Jayapura']);
    expect(zonesInUse([], 'Asia/Makassar')).toEqual(['Asia/Makassar']);
    expect(zonesInUse(branches, 'UTC')).toEqual(['Asia/Jakarta', 'Asia/Jayapura', 'UTC']);
    expect(invalidZones(branches)).toEqual(['Nowhere/Land']);
    expect(isTimeZone('Asia/Jayapura')).toBe(true);
    expect(isTimeZone('Nowhere/Land')).toBe(false);
  });
});
