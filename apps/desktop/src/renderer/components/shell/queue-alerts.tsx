/**
 * The queue-size alert (S3) wherever an admin is in the console: a red toast when a job queue
 * passes its threshold (default 10 000 waiting jobs), naming the queue, how many wait and the
 * threshold, with a button to the queue monitor; a green one when it is back under. Mounted once
 * in the shell, it listens to `queue_stats` on the realtime bus, which the server sends only to
 * admins of every branch, so nobody else ever sees it. Replays after a reconnect stay silent
 * (queue-model.ts, `thresholdCrossings`).
 *
 * Test hooks: `queue-alert` (`data-queue`, `data-state="over|under"`), `queue-alert-open`.
 */
import { useEffect, useRef } from 'react';
import { Button, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { QueueInfo } from '@pantau/shared';
import { realtimeBus } from '../../realtime/event-bus.js';
import { useFormat } from '../../i18n/use-format.js';
import { useNavStore } from '../../stores/nav-store.js';
import { thresholdCrossings } from '../queues/queue-model.js';

/** Listens while mounted; renders nothing. */
export function QueueAlerts() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  // each queue's last known over_threshold, kept across re-subscriptions (a language change)
  const seen = useRef(new Map<string, boolean>());
  useEffect(() => {
    return realtimeBus.subscribe((events) => {
      for (const c of thresholdCrossings(seen.current, events, Date.now())) {
        const queue = t(`queues.name.${c.queue}`, { defaultValue: c.queue });
        const threshold = queryClient
          .getQueryData<QueueInfo[]>(['queues', 'list'])
          ?.find((q) => q.queue === c.queue)?.threshold;
        const id = `queue-alert-${c.queue}`;
        notifications.hide(id);
        notifications.show({
          id,
          color: c.over ? 'red' : 'teal',
          title: t(c.over ? 'queues.alert.overTitle' : 'queues.alert.underTitle', { queue }),
          message: (
            <Stack gap={6} align="flex-start">
              <Text size="sm">
                {c.over
                  ? threshold === undefined
                    ? t('queues.alert.over', { n: fmt.number(c.pending) })
                    : t('queues.alert.overOf', { n: fmt.number(c.pending), threshold: fmt.number(threshold) })
                  : t('queues.alert.under', { n: fmt.number(c.pending) })}
              </Text>
              {c.over && (
                <Button
                  size="compact-xs"
                  variant="light"
                  color="red"
                  onClick={() => {
                    useNavStore.getState().go('queues');
                    notifications.hide(id);
                  }}
                  data-testid="queue-alert-open"
                >
                  {t('queues.alert.open')}
                </Button>
              )}
            </Stack>
          ),
          // an over-threshold alert stays until dismissed or the queue recovers
          autoClose: c.over ? false : 6_000,
          'data-testid': 'queue-alert',
          'data-queue': c.queue,
          'data-state': c.over ? 'over' : 'under',
        } as Parameters<typeof notifications.show>[0]);
      }
    });
  }, [queryClient, t, fmt]);
  return null;
}
