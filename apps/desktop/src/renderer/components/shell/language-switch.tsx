/**
 * EN | ID switch: changes the whole console's language at once and remembers it.
 * Test hook: `language-switch` with `data-language`; options `language-en`, `language-id`.
 */
import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../../i18n/index.js';
import { isLanguage } from '../../i18n/languages.js';

/** The switch (compact, for the header and the sign-in card). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = i18n.resolvedLanguage ?? i18n.language;
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('header.language')}
      value={isLanguage(current) ? current : 'en'}
      onChange={(v) => void setLanguage(v as Language)}
      data={LANGUAGES.map((l) => ({ value: l, label: <span data-testid={`language-${l}`}>{l.toUpperCase()}</span> }))}
      data-testid="language-switch"
      data-language={current}
    />
  );
}
