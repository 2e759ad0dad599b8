/**
 * The console's languages and how one is chosen: the user's last choice (kept in
 * localStorage), else Bahasa Indonesia when the browser prefers `id`, else English. Pure
 * functions, so they are unit-tested without a browser.
 */

/** Languages the console speaks. */
export const LANGUAGES = ['en', 'id'] as const;
export type Language = (typeof LANGUAGES)[number];

/** localStorage key of the user's choice. */
export const LANGUAGE_STORAGE_KEY = 'pantau.language';

/** True for a supported language code. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language to start in.
 * @param stored what localStorage holds under {@link LANGUAGE_STORAGE_KEY} (null when nothing)
 * @param browserLanguages `navigator.languages` (first = preferred), e.g. `['id-ID', 'en']`
 */
export function detectLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  const preferred = browserLanguages[0]?.toLowerCase() ?? '';
  return preferred === 'id' || preferred.startsWith('id-') || preferred === 'in' ? 'id' : 'en';
}

/**
 * The Intl locale used for dates, times and numbers: `id-ID`, or `en-GB` for English (24-hour
 * clock and day-month order, as control rooms in Indonesia read them).
 */
export function localeOf(language: Language): string {
  return language === 'id' ? 'id-ID' : 'en-GB';
}
