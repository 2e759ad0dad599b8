/**
 * Display formatting of times, dates and numbers in the user's locale (`id-ID` or `en-GB`,
 * always a 24-hour clock) and in a site's time zone (a branch's `timezone`, default
 * Asia/Jakarta). Intl formatters are cached per (locale, time zone, style): building one
 * costs far more than using it, and the feed formats hundreds of rows per second.
 */

/** A branch's time zone when none is known (DESIGN §1). */
export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

/** Where and how to format: an Intl locale and an IANA time zone. */
export interface FormatOptions {
  /** e.g. `id-ID`, `en-GB` (default `en-GB`). */
  locale?: string;
  /** e.g. `Asia/Makassar` (default {@link DEFAULT_TIME_ZONE}). */
  timeZone?: string;
}

type Style = 'clock' | 'datetime' | 'date';

const STYLES: Record<Style, Intl.DateTimeFormatOptions> = {
  clock: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
  datetime: {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  },
  date: { year: 'numeric', month: 'short', day: '2-digit' },
};

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(style: Style, opts: FormatOptions): Intl.DateTimeFormat {
  const locale = opts.locale ?? 'en-GB';
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const key = `${style}|${locale}|${timeZone}`;
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone });
    } catch {
      // An unknown zone name from old data must not break a screen: fall back to the default.
      f = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone: DEFAULT_TIME_ZONE });
    }
    cache.set(key, f);
  }
  return f;
}

function format(style: Style, iso: string | null | undefined, opts: FormatOptions, invalid: string): string {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? invalid : formatter(style, opts).format(t);
}

/** `HH:MM:SS` (`HH.MM.SS` in id-ID); `--:--:--` for a missing or unparsable timestamp. */
export function formatClock(iso: string | null | undefined, opts: FormatOptions = {}): string {
  return format('clock', iso, opts, '--:--:--');
}

/** Date and time to the second, e.g. `21 Nov 2026, 10:15:00` / `21 Nov 2026 10.15.00`; `—` when missing. */
export function formatDateTime(iso: string | null | undefined, opts: FormatOptions = {}): string {
  return format('datetime', iso, opts, '—');
}

/** A date, e.g. `21 Nov 2026`; `—` when missing. */
export function formatDate(iso: string | null | undefined, opts: FormatOptions = {}): string {
  return format('date', iso, opts, '—');
}

const numbers = new Map<string, Intl.NumberFormat>();

/** An integer or decimal with the locale's grouping, e.g. `12,345` (en-GB) / `12.345` (id-ID). */
export function formatNumber(n: number, locale = 'en-GB'): string {
  let f = numbers.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    numbers.set(locale, f);
  }
  return f.format(n);
}

/** The short offset name of a zone at a moment, e.g. `GMT+7`; '' when unknown. */
export function zoneLabel(timeZone: string, at: number = Date.now(), locale = 'en-GB'): string {
  try {
    const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(at);
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    return '';
  }
}
