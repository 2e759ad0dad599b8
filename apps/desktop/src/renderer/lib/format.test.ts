import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_ZONE, formatClock, formatDate, formatDateTime, formatNumber, zoneLabel } from './format.js';

const T = '2026-11-21T03:04:05.000Z';

describe('formatting in the site’s time zone and the user’s locale', () => {
  it('prints a clock in the site’s zone, not the workstation’s', () => {
    expect(formatClock(T, { timeZone: 'Asia/Jakarta' })).toBe('10:04:05');
    expect(formatClock(T, { timeZone: 'Asia/Makassar' })).toBe('11:04:05');
    expect(formatClock(T, { timeZone: 'Asia/Jayapura' })).toBe('12:04:05');
    expect(formatClock(T)).toBe(formatClock(T, { timeZone: DEFAULT_TIME_ZONE }));
  });

  it('uses a 24-hour clock in both locales, with Indonesian separators in id-ID', () => {
    expect(formatClock('2026-11-21T10:04:05.000Z', { locale: 'en-GB', timeZone: 'Asia/Jakarta' })).toBe('17:04:05');
    expect(formatClock('2026-11-21T10:04:05.000Z', { locale: 'id-ID', timeZone: 'Asia/Jakarta' })).toBe('17.04.05');
  });

  it('prints dates with the locale’s month names, on the site’s calendar day', () => {
    // 20:00 UTC on the 21st is already the 22nd in Jakarta
    expect(formatDate('2026-11-21T20:00:00.000Z', { locale: 'en-GB', timeZone: 'Asia/Jakarta' })).toBe('22 Nov 2026');
    expect(formatDate('2026-08-21T20:00:00.000Z', { locale: 'id-ID', timeZone: 'Asia/Jakarta' })).toBe('22 Agu 2026');
    expect(formatDateTime(T, { locale: 'id-ID', timeZone: 'Asia/Makassar' })).toMatch(/^21 Nov 2026.*11\.04\.05$/);
    expect(formatDateTime(T, { locale: 'en-GB', timeZone: 'Asia/Jakarta' })).toMatch(/^21 Nov 2026.*10:04:05$/);
  });

  it('shows a placeholder for missing or bad timestamps and survives an unknown zone', () => {
    expect(formatClock('nope')).toBe('--:--:--');
    expect(formatClock(null)).toBe('--:--:--');
    expect(formatDateTime(null)).toBe('—');
    expect(formatClock(T, { timeZone: 'Mars/Olympus' })).toBe('10:04:05');
  });

  it('groups digits the locale’s way', () => {
    expect(formatNumber(12345)).toBe('12,345');
    expect(formatNumber(12345, 'id-ID')).toBe('12.345');
  });

  it('names a zone’s offset', () => {
    expect(zoneLabel('Asia/Makassar', Date.parse(T))).toMatch(/GMT\+8|WITA/);
    expect(zoneLabel('Mars/Olympus')).toBe('');
  });
});
