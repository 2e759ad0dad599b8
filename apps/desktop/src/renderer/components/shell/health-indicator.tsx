/**
 * The header's infrastructure light (issue 12, from the dashboard's realtime architecture seed):
 * server, database, queue and gateway from `GET /health`, green / amber / red
 * ({@link summariseHealth}), with each part and its figures in the tooltip. Read at sign-in, every
 * 30 s, after each `queue_stats` event (at most every 5 s) and when the socket reconnects; while
 * the server cannot be reached the connection light beside it already says so.
 *
 * Test hook: `health-indicator` (`data-level`, and `data-<part>` per part).
 */
import { Badge, Stack, Text, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../data/use-api.js';
import { useThrottledEvents } from '../../realtime/use-throttled-events.js';
import { useFormat } from '../../i18n/use-format.js';
import { summariseHealth, type HealthPart } from './health-model.js';

const COLOUR = { ok: 'green', degraded: 'yellow', down: 'red' } as const;
const PARTS: HealthPart[] = ['server', 'database', 'queue', 'gateway'];

/** The light. */
export function HealthIndicator() {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const health = useQuery({ queryKey: ['health'], queryFn: () => api.health(), refetchInterval: 30_000, retry: false });
  useThrottledEvents(
    (e) => e.type === 'queue_stats',
    () => void health.refetch(),
    { intervalMs: 5000 },
  );
  const h = health.data;
  if (!h) return null;
  const s = summariseHealth(h);
  const figures: Record<HealthPart, string> = {
    server: t('health.serverFigures', { version: h.version, hours: fmt.number(Math.floor(h.uptime_s / 3600)) }),
    database: h.database.driver,
    queue: t('health.queueFigures', { pending: fmt.number(h.queue.pending), failed: fmt.number(h.queue.failed) }),
    gateway: t('health.gatewayFigures', {
      streams: fmt.number(h.gateway.streams),
      viewers: fmt.number(h.gateway.viewers),
    }),
  };
  return (
    <Tooltip
      openDelay={300}
      multiline
      label={
        <Stack gap={2}>
          {PARTS.map((p) => (
            <Text key={p} size="xs">
              {t(`health.parts.${p}`)}: {t(`health.levels.${s.parts[p]}`)} · {figures[p]}
            </Text>
          ))}
        </Stack>
      }
    >
      <Badge
        color={COLOUR[s.level]}
        variant="light"
        radius="sm"
        data-testid="health-indicator"
        data-level={s.level}
        {...Object.fromEntries(PARTS.map((p) => [`data-${p}`, s.parts[p]]))}
      >
        {t(`health.summary.${s.level}`)}
      </Badge>
    </Tooltip>
  );
}
