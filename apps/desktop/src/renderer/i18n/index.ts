/**
 * i18next set-up for the renderer: English and Bahasa Indonesia resources, the starting
 * language from {@link detectLanguage}, and {@link setLanguage} to switch at any time (the
 * choice is kept in localStorage, which also works inside Electron's renderer).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/id';
import en from './en.json';
import id from './id.json';
import { detectLanguage, LANGUAGE_STORAGE_KEY, type Language } from './languages.js';

export { LANGUAGES, localeOf, type Language } from './languages.js';

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

function applyToDocument(language: Language): void {
  dayjs.locale(language);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/** Initialises i18next once (synchronously: the resources are bundled). */
export function initI18n(): typeof i18next {
  if (i18next.isInitialized) return i18next;
  const language = detectLanguage(
    storage()?.getItem(LANGUAGE_STORAGE_KEY) ?? null,
    typeof navigator === 'undefined' ? [] : navigator.languages,
  );
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, id: { translation: id } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  applyToDocument(language);
  return i18next;
}

/** Switches the whole console to `language` and remembers the choice. */
export async function setLanguage(language: Language): Promise<void> {
  storage()?.setItem(LANGUAGE_STORAGE_KEY, language);
  await i18next.changeLanguage(language);
  applyToDocument(language);
}
