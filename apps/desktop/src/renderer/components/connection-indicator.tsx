/**
 * The header's connection light: connected (green), connecting / reconnecting (amber, pulsing),
 * offline (red). A click reconnects at once.
 */
import { Tooltip, UnstyledButton } from '@mantine/core';
import { useConnectionStore } from '../stores/connection-store.js';
import type { ConnectionStatus } from '../realtime/realtime-client.js';

const LABEL: Record<ConnectionStatus, string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
};

/** Indicator button; `data-status` carries the raw status for tests. */
export function ConnectionIndicator() {
  const status = useConnectionStore((s) => s.status);
  const reconnectNow = useConnectionStore((s) => s.reconnectNow);
  return (
    <Tooltip label="Live feed connection · click to reconnect now" openDelay={400}>
      <UnstyledButton className={`conn conn--${status}`} onClick={reconnectNow} data-testid="connection-indicator" data-status={status}>
        <span className="conn__dot" />
        <span className="conn__label">{LABEL[status]}</span>
      </UnstyledButton>
    </Tooltip>
  );
}
