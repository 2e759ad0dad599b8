/**
 * The queue monitor's numbers (S3): per named queue its depth (pending), running and failed
 * jobs, the age of its oldest pending job (ticking each second between fetches), and its
 * priority and worker concurrency from configuration. A queue past its alert threshold is
 * highlighted. Refreshed by `queue_stats` events (see queues-screen.tsx).
 *
 * Test hooks: `queue-table`, `queue-row` (`data-queue`, `data-health`, `data-pending`,
 * `data-failed`), `queue-over`.
 */
import { useEffect, useState } from 'react';
import { Badge, Loader, Table, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { QueueInfo } from '@pantau/shared';
import { useFormat } from '../../i18n/use-format.js';
import { formatAge, oldestAgeNow, queueHealth } from './queue-model.js';

/** The current time, updated every `periodMs`. */
function useNowTick(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

/** A queue's name in the current language (unknown queues as they are). */
export function useQueueLabel(): (queue: string) => string {
  const { t, i18n } = useTranslation();
  return (queue) => (i18n.exists(`queues.name.${queue}`) ? t(`queues.name.${queue}`) : queue);
}

/** The table of queues. */
export function QueueTable({
  query,
  onShowFailed,
}: {
  query: UseQueryResult<QueueInfo[]>;
  onShowFailed: (queue: string) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const label = useQueueLabel();
  const now = useNowTick(1000);
  if (!query.data) return <Loader type="dots" color="gray" />;
  const fetchedAt = query.dataUpdatedAt;
  return (
    <Table striped verticalSpacing={6} className="queues__table" data-testid="queue-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('queues.queue')}</Table.Th>
          <Table.Th ta="right">{t('queues.pending')}</Table.Th>
          <Table.Th ta="right">{t('queues.running')}</Table.Th>
          <Table.Th ta="right">{t('queues.failed')}</Table.Th>
          <Table.Th ta="right">{t('queues.oldest')}</Table.Th>
          <Table.Th ta="right">{t('queues.priority')}</Table.Th>
          <Table.Th ta="right">{t('queues.concurrency')}</Table.Th>
          <Table.Th ta="right">{t('queues.threshold')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {query.data.map((q) => {
          const health = queueHealth(q);
          const age = oldestAgeNow(q, fetchedAt, now);
          return (
            <Table.Tr
              key={q.queue}
              className={`queues__row queues__row--${health}`}
              data-testid="queue-row"
              data-queue={q.queue}
              data-health={health}
              data-pending={q.pending}
              data-failed={q.failed}
            >
              <Table.Td>
                <Text size="sm" fw={600} span>
                  {label(q.queue)}
                </Text>{' '}
                <Text size="xs" c="dimmed" ff="monospace" span>
                  {q.queue}
                </Text>
                {q.over_threshold && (
                  <Badge color="red" variant="filled" size="sm" ml="xs" data-testid="queue-over">
                    {t('queues.overThreshold')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td ta="right" className="queues__num">
                {fmt.number(q.pending)}
              </Table.Td>
              <Table.Td ta="right" className="queues__num">
                {fmt.number(q.running)}
              </Table.Td>
              <Table.Td ta="right" className="queues__num">
                {q.failed > 0 ? (
                  <button
                    type="button"
                    className="queues__failed-link"
                    onClick={() => onShowFailed(q.queue)}
                    data-testid="queue-failed-link"
                  >
                    {fmt.number(q.failed)}
                  </button>
                ) : (
                  '0'
                )}
              </Table.Td>
              <Table.Td ta="right" className="queues__num" title={age === null ? undefined : t('queues.oldestHint')}>
                {age === null ? '—' : formatAge(age, fmt.locale)}
              </Table.Td>
              <Table.Td ta="right" className="queues__num">
                {q.priority}
              </Table.Td>
              <Table.Td ta="right" className="queues__num">
                {q.concurrency}
              </Table.Td>
              <Table.Td ta="right" className="queues__num">
                {fmt.number(q.threshold)}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
