/**
 * How a delivery's status may move, so that statuses arriving in any order, skipped or
 * replayed (Meta retries webhooks and does not promise order) never take it backwards.
 *
 * Rank: queued 0 < sending 1 < sent 2 < delivered 3 < read 4. A status moves only up.
 * `failed` is accepted only while the message is at most `sent` (nothing delivered or read
 * can fail afterwards; a late `failed` is history, not news). From `failed`, only proof of
 * delivery (`delivered`, `read`) moves it on: such a status can only exist if the message
 * reached the phone, so it wins over an earlier failure report. `uncertain` (we do not know
 * whether our call reached the provider) gives way to any provider status (sent, delivered,
 * read, failed), which is proof either way.
 */
import type { DeliveryStatusName } from '../../repositories/notification-repository.js';

const RANK: Record<'queued' | 'sending' | 'sent' | 'delivered' | 'read', number> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
};

/** A status the provider reports through the webhook. */
export type ProviderStatus = 'sent' | 'delivered' | 'read' | 'failed';

/**
 * The status after a provider report, or null when the report changes nothing.
 * @param current the delivery's status now
 * @param incoming the reported status
 */
export function nextStatus(current: DeliveryStatusName, incoming: ProviderStatus): DeliveryStatusName | null {
  if (current === incoming) return null;
  if (current === 'uncertain') return incoming;
  if (current === 'failed') return incoming === 'delivered' || incoming === 'read' ? incoming : null;
  if (incoming === 'failed') return RANK[current] <= RANK.sent ? 'failed' : null;
  return RANK[incoming] > RANK[current] ? incoming : null;
}

/** Column that records when a status was reached. */
export function timestampColumn(
  status: DeliveryStatusName,
): 'queued_at' | 'sending_at' | 'sent_at' | 'delivered_at' | 'read_at' | 'failed_at' | 'uncertain_at' {
  switch (status) {
    case 'queued':
      return 'queued_at';
    case 'sending':
      return 'sending_at';
    case 'sent':
      return 'sent_at';
    case 'delivered':
      return 'delivered_at';
    case 'read':
      return 'read_at';
    case 'failed':
      return 'failed_at';
    case 'uncertain':
      return 'uncertain_at';
    default: {
      const never: never = status;
      return never;
    }
  }
}
