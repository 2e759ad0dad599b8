/**
 * The header's connection light: connected (green), connecting / reconnecting (amber, pulsing),
 * offline (red). A click reconnects at once. While the server is away and the screen shows
 * earlier data (from the local cache, or from before the connection dropped), a stale marker
 * says from when: "Stale — showing data from 14:05".
 */
import { Badge, Group, Tooltip, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isStale, useConnectionStore } from '../../stores/connection-store.js';
import { useFormat } from '../../i18n/use-format.js';

/** `HH:MM` (24 h) in the workstation's time zone: the stale time is about this screen, not a site. */
export function staleClock(at: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/**
 * Since when the screen shows data the server has not confirmed (ms since the epoch), or null
 * while it does not ({@link isStale}). The header's stale marker and the kiosk wall's badge
 * (wall/kiosk-stale-badge.tsx) both show exactly while this is set.
 */
export function useStaleSince(): number | null {
  const status = useConnectionStore((s) => s.status);
  const dataAsOf = useConnectionStore((s) => s.dataAsOf);
  return isStale({ status, dataAsOf }) ? dataAsOf : null;
}

/** Indicator button; `data-status` carries the raw status for tests, `stale-marker[data-since]` the stale time (ISO). */
export function ConnectionIndicator() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const status = useConnectionStore((s) => s.status);
  const reconnectNow = useConnectionStore((s) => s.reconnectNow);
  const staleSince = useStaleSince();
  return (
    <Group gap="xs" wrap="nowrap">
      {staleSince !== null && (
        <Tooltip label={t('cache.staleTooltip')} openDelay={300}>
          <Badge
            color="yellow"
            variant="light"
            radius="sm"
            data-testid="stale-marker"
            data-since={new Date(staleSince).toISOString()}
          >
            {t('cache.stale', { time: staleClock(staleSince, fmt.locale) })}
          </Badge>
        </Tooltip>
      )}
      <Tooltip label={t('connection.tooltip')} openDelay={400}>
        <UnstyledButton
          className={`conn conn--${status}`}
          onClick={reconnectNow}
          data-testid="connection-indicator"
          data-status={status}
        >
          <span className="conn__dot" />
          <span className="conn__label">{t(`connection.${status}`)}</span>
        </UnstyledButton>
      </Tooltip>
    </Group>
  );
}
