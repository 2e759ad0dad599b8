/**
 * The queue monitor screen (D7, S3), for admins whose scope is every branch: the numbers of
 * every named queue, live, and the failed jobs with retry and delete. Clicking a queue's
 * failed count filters the failed jobs to that queue.
 *
 * Test hook: `queue-monitor` (the screen), plus those of queue-table.tsx and failed-jobs.tsx.
 */
import { useEffect, useState } from 'react';
import { Alert, Group, Loader, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../data/use-api.js';
import { realtimeBus } from '../../realtime/event-bus.js';
import { errorText } from '../../lib/error-text.js';
import { QueueTable } from './queue-table.js';
import { FailedJobs } from './failed-jobs.js';
import './queues.css';

/**
 * While the screen is open, each batch holding a `queue_stats` event (sent when the numbers
 * change, at most every 2 s) refetches the queues and the failed jobs. Only here: elsewhere
 * those events change nothing on screen (see data/query-keys.ts).
 */
function useQueueStatsRefresh(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      realtimeBus.subscribe((events) => {
        if (!events.some((e) => e.type === 'queue_stats')) return;
        void client.invalidateQueries({ queryKey: ['queues'] });
        void client.invalidateQueries({ queryKey: ['failed-jobs'] });
      }),
    [client],
  );
}

/** The screen. */
export function QueuesScreen() {
  const { t } = useTranslation();
  const api = useApi();
  useQueueStatsRefresh();
  // the numbers move while the screen is closed (its refresh listens only while open): fetch on every opening
  const queues = useQuery({ queryKey: ['queues', 'list'], queryFn: () => api.listQueues(), refetchOnMount: 'always' });
  const [failedQueue, setFailedQueue] = useState<string | null>(null);
  const threshold = queues.data?.[0]?.threshold;
  return (
    <section className="queues" data-testid="queue-monitor">
      <Group gap="sm" align="baseline" mb="xs">
        <Title order={1} size="h3">
          {t('nav.queues')}
        </Title>
        {queues.isFetching && <Loader size="xs" type="dots" color="gray" />}
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {threshold !== undefined ? t('queues.subtitle', { n: threshold.toLocaleString() }) : ''}
      </Text>
      {queues.error && (
        <Alert color="red" variant="light" mb="sm">
          {errorText(queues.error, t)}
        </Alert>
      )}
      <QueueTable query={queues} onShowFailed={setFailedQueue} />
      <FailedJobs queues={(queues.data ?? []).map((q) => q.queue)} queue={failedQueue} setQueue={setFailedQueue} />
    </section>
  );
}
