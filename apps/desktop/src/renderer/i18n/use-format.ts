/**
 * Formatters bound to the current language's locale; they re-render with a language switch.
 * Times are printed in the time zone passed (a site's), never the workstation's.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatClock, formatDate, formatDateTime, formatNumber } from '../lib/format.js';
import { isLanguage, localeOf } from './languages.js';

/** Locale-bound formatters. */
export interface Formatters {
  locale: string;
  clock: (iso: string | null | undefined, timeZone?: string) => string;
  dateTime: (iso: string | null | undefined, timeZone?: string) => string;
  date: (iso: string | null | undefined, timeZone?: string) => string;
  number: (n: number) => string;
}

/** The formatters of the language shown now. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? i18n.language;
  const locale = localeOf(isLanguage(language) ? language : 'en');
  return useMemo(
    () => ({
      locale,
      clock: (iso, timeZone) => formatClock(iso, timeZone ? { locale, timeZone } : { locale }),
      dateTime: (iso, timeZone) => formatDateTime(iso, timeZone ? { locale, timeZone } : { locale }),
      date: (iso, timeZone) => formatDate(iso, timeZone ? { locale, timeZone } : { locale }),
      number: (n) => formatNumber(n, locale),
    }),
    [locale],
  );
}
