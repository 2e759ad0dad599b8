/**
 * The kiosk wall's stale badge (issue 6, DESIGN D9): a kiosk wall window has no header, so
 * the header's stale marker (shell/connection-indicator.tsx) is not there to say the server is
 * away. This badge says it in the wall's top-right corner — "Server unreachable — last known
 * state (since 14:05)" — shown exactly while that marker would be ({@link useStaleSince}).
 * It sits under the top-right tile's status chip, clear of the tile captions on the left and of
 * the alarm toasts at the bottom right, and takes no pointer events, so clicks reach the tile.
 *
 * Test hook: `kiosk-stale[data-since]` (the stale time, ISO).
 */
import { useTranslation } from 'react-i18next';
import { staleClock, useStaleSince } from '../shell/connection-indicator.js';
import { useFormat } from '../../i18n/use-format.js';
import './kiosk-stale-badge.css';

/** The badge, or nothing while the data on screen is confirmed by the server. Place it in a positioned box over the wall. */
export function KioskStaleBadge() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const since = useStaleSince();
  if (since === null) return null;
  return (
    <div className="kiosk-stale" role="status" data-testid="kiosk-stale" data-since={new Date(since).toISOString()}>
      <span className="kiosk-stale__dot" aria-hidden="true" />
      <span>{t('cache.kioskStale', { time: staleClock(since, fmt.locale) })}</span>
    </div>
  );
}
