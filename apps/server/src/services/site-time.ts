/**
 * Site-local days (DESIGN 1: every site has a time zone, default Asia/Jakarta, and daily work
 * uses the site's local day). Pure functions: which zones the schedule must run in, and which
 * local day an instant falls on. A day is a `YYYY-MM-DD` string; a zone is an IANA name.
 */

/** One `Intl.DateTimeFormat` per zone: building one costs far more than formatting with it. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(zone: string): Intl.DateTimeFormat {
  let f = dayFormats.get(zone);
  if (!f) {
    // en-CA formats a date as YYYY-MM-DD
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(zone, f);
  }
  return f;
}

/**
 * The local day an instant falls on in a zone.
 * @param instant a Date, epoch ms, or an ISO-8601 string (as stored in the database)
 * @param zone IANA time zone name
 * @returns YYYY-MM-DD
 * @throws RangeError when the zone is unknown or the instant is not a valid time
 */
export function siteDay(instant: Date | number | string, zone: string): string {
  const at = typeof instant === 'string' ? Date.parse(instant) : instant;
  return dayFormat(zone).format(at);
}

/**
 * A calendar day shifted by whole days (no time zone involved, so no 23- or 25-hour days).
 * @param day YYYY-MM-DD
 * @param n days, may be negative
 * @returns YYYY-MM-DD
 * @throws RangeError when `day` is not YYYY-MM-DD
 */
export function addDays(day: string, n: number): string {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00.000Z`) : NaN;
  if (Number.isNaN(t)) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return new Date(t + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The local day before the one `now` falls on in a zone ("yesterday" for a daily job).
 * @param zone IANA time zone name
 * @param now default: the current time
 * @returns YYYY-MM-DD
 * @throws RangeError when the zone is unknown
 */
export function previousSiteDay(zone: string, now: Date | number = Date.now()): string {
  return addDays(siteDay(now, zone), -1);
}

/**
 * The `days` local days before the one `now` falls on in a zone, newest first (today excluded):
 * the days a catch-up looks at.
 * @throws RangeError when the zone is unknown
 */
export function recentSiteDays(zone: string, days: number, now: Date | number = Date.now()): string[] {
  const today = siteDay(now, zone);
  return Array.from({ length: Math.max(0, days) }, (_, i) => addDays(today, -(i + 1)));
}

/**
 * UTC instants that surely enclose a local day in any zone (offsets span UTC−12..UTC+14):
 * a coarse range for a query on an indexed timestamp, refined with {@link siteDay}.
 * @param day YYYY-MM-DD
 * @returns ISO-8601 instants, half-open `[from, to)`, 52 h apart
 * @throws RangeError when `day` is not YYYY-MM-DD
 */
export function dayWindowUtc(day: string): { from: string; to: string } {
  const start = Date.parse(`${addDays(day, 0)}T00:00:00.000Z`);
  return { from: new Date(start - 14 * 3600_000).toISOString(), to: new Date(start + 38 * 3600_000).toISOString() };
}

/** Whether `name` is a time zone this runtime knows (IANA name, e.g. Asia/Jayapura). */
export function isTimeZone(name: string): boolean {
  try {
    dayFormat(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zones site-local daily work must run in: the distinct, known zones of the branches, plus
 * the server's zone (work that belongs to no site, e.g. deliveries without a branch).
 * Unknown zone names are left out (the API only accepts known ones; see `invalidZones`).
 * @param branches branch rows (or just their time zones)
 * @param serverZone the server's zone (`config.timezone`), always included
 * @returns IANA names, sorted, no duplicates
 */
export function zonesInUse(branches: Iterable<{ timezone: string }>, serverZone: string): string[] {
  const zones = new Set([serverZone]);
  for (const b of branches) if (isTimeZone(b.timezone)) zones.add(b.timezone);
  return [...zones].sort();
}

/** The branch zones {@link zonesInUse} leaves out because the runtime does not know them. */
export function invalidZones(branches: Iterable<{ timezone: string }>): string[] {
  const bad = new Set<string>();
  for (const b of branches) if (!isTimeZone(b.timezone)) bad.add(b.timezone);
  return [...bad].sort();
}

/** Formats giving a zone's wall clock (for {@link utcOffsetMs}), one per zone. */
const clockFormats = new Map<string, Intl.DateTimeFormat>();
/** Offsets already worked out: `zone|quarter-hour number` → ms ahead of UTC. */
const offsetCache = new Map<string, number>();
const QUARTER_HOUR_MS = 900_000;

/**
 * How far a zone's wall clock is ahead of UTC at an instant, in ms (Asia/Jakarta: 25 200 000).
 * Cached per zone and UTC quarter hour: every offset change in the tz database falls on a
 * quarter hour of UTC (zones are whole, half or three-quarter hours from UTC and switch at a
 * local hh:00 or hh:30), so one lookup serves the 15 minutes around it. This is on the detection
 * path (the rollups), where `Intl.DateTimeFormat#formatToParts` per detection would cost ~5 µs.
 * @throws RangeError when the zone is unknown
 */
export function utcOffsetMs(zone: string, at: number): number {
  const key = `${zone}|${Math.floor(at / QUARTER_HOUR_MS)}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  let f = clockFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    clockFormats.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  const offset = wall - (at - (((at % 1000) + 1000) % 1000));
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/**
 * An instant as a Date whose UTC fields read the zone's wall clock (`toISOString()` gives the
 * local time; Excel cells, which have no zone, show it as it is).
 * @param at epoch ms
 * @throws RangeError when the zone is unknown or `at` is not a valid time
 */
export function wallClock(at: number, zone: string): Date {
  return new Date(at + utcOffsetMs(zone, at));
}

/**
 * The local day and hour an instant falls on in a zone: the rollups' bucket.
 * @param at epoch ms
 * @param zone IANA time zone name
 * @returns `{ day: 'YYYY-MM-DD', hour: 0–23 }`
 * @throws RangeError when the zone is unknown or `at` is not a valid time
 */
export function siteHour(at: number, zone: string): { day: string; hour: number } {
  const local = wallClock(at, zone).toISOString();
  return { day: local.slice(0, 10), hour: Number(local.slice(11, 13)) };
}

/**
 * The instant a local day starts in a zone (local midnight; where a DST change skips midnight,
 * the first instant of the day).
 * @param day YYYY-MM-DD
 * @returns epoch ms
 * @throws RangeError when `day` is not YYYY-MM-DD or the zone is unknown
 */
export function dayStartUtc(day: string, zone: string): number {
  const wall = Date.parse(`${addDays(day, 0)}T00:00:00.000Z`);
  // two steps: the offset just before midnight can differ from the one after it
  const guess = wall - utcOffsetMs(zone, wall);
  return wall - utcOffsetMs(zone, guess);
}

/** DESIGN §1's default site zone. */
export const DEFAULT_ZONE = 'Asia/Jakarta';

/**
 * The zone a branch's site-local days are counted in: its own, or {@link DEFAULT_ZONE} when the
 * runtime does not know it (a database edited by hand; the API only accepts known zones, and the
 * site schedule warns of such branches). The rollups and their readers both go through here, so
 * they agree.
 */
export function countingZone(zone: string): string {
  return isTimeZone(zone) ? zone : DEFAULT_ZONE;
}
