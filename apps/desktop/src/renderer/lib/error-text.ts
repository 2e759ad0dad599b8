/**
 * One readable, translated sentence for any error a screen shows (toasts, form alerts). Codes
 * that mean the same thing whatever was asked get the console's own words; everything else
 * keeps the server's message, which names what was wrong.
 */
import { PantauError, type ErrorCode } from '@pantau/shared';

/** A translate function as i18next's `t` (key → text). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Codes that get the console's own sentence (i18n key). */
const OWN_WORDS: Partial<Record<ErrorCode, string>> = {
  UNAVAILABLE: 'errors.unavailable',
  FORBIDDEN: 'errors.forbidden',
  OUT_OF_SCOPE: 'errors.forbidden',
  UNAUTHENTICATED: 'errors.unauthenticated',
  RATE_LIMITED: 'errors.rateLimited',
  NOT_FOUND: 'errors.notFound',
};

/**
 * The sentence for `err`. A RATE_LIMITED refusal that says how long to wait
 * (`details.retry_after_s`, seconds) names the wait.
 */
export function errorText(err: unknown, t: Translate): string {
  if (err instanceof PantauError) {
    const wait = err.details?.retry_after_s;
    if (err.code === 'RATE_LIMITED' && typeof wait === 'number' && wait > 0)
      return t('errors.rateLimitedFor', { seconds: Math.ceil(wait) });
    const key = OWN_WORDS[err.code];
    return key ? t(key) : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
