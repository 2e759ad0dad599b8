/**
 * The header's connection light: connected (green), connecting / reconnecting (amber, pulsing),
 * offline (red). A click reconnects at once.
 */
import { Tooltip, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useConnectionStore } from '../../stores/connection-store.js';

/** Indicator button; `data-status` carries the raw status for tests. */
export function ConnectionIndicator() {
  const { t } = useTranslation();
  const status = useConnectionStore((s) => s.status);
  const reconnectNow = useConnectionStore((s) => s.reconnectNow);
  return (
    <Tooltip label={t('connection.tooltip')} openDelay={400}>
      <UnstyledButton className={`conn conn--${status}`} onClick={reconnectNow} data-testid="connection-indicator" data-status={status}>
        <span className="conn__dot" />
        <span className="conn__label">{t(`connection.${status}`)}</span>
      </UnstyledButton>
    </Tooltip>
  );
}
