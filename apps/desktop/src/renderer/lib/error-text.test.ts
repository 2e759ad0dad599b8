import { describe, expect, it } from 'vitest';
import { PantauError } from '@pantau/shared';
import en from '../i18n/en.json';
import id from '../i18n/id.json';
import { errorText, type Translate } from './error-text.js';

/** A `t` over one language's resources, with i18next's `{{name}}` interpolation. */
const translator =
  (resources: unknown): Translate =>
  (key, options) => {
    const text = key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], resources) as string;
    return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options?.[name]));
  };

describe('errorText', () => {
  it("names the server's wait for a RATE_LIMITED refusal that gives one, in both languages", () => {
    const err = new PantauError('RATE_LIMITED', 'too many failed sign-ins for this account; try again in 4 s', {
      retry_after_s: 4,
      reason: 'account',
    });
    expect(errorText(err, translator(en))).toBe('Too many attempts. Try again in 4 s.');
    expect(errorText(err, translator(id))).toBe('Terlalu banyak percobaan. Coba lagi dalam 4 detik.');
  });

  it('keeps the general sentence when the refusal gives no wait', () => {
    expect(errorText(new PantauError('RATE_LIMITED', 'slow down'), translator(en))).toBe(
      'Too many attempts. Wait a moment and try again.',
    );
  });
});
