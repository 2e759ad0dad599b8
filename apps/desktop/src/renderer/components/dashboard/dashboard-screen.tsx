/**
 * The dashboard (D5, issue 12): KPI cards and three charts for the user's scope, or one group
 * (province) or branch of it; the default screen for viewers (operators keep the wall).
 *
 * Live: while "Live updates" is on, the realtime events that change a figure of a branch in view
 * (`stats_updated` once a second per branch with new detections, device status, alarm and
 * WhatsApp delivery changes) ask for a refetch, at most one per second however fast they come
 * (realtime/use-throttled-events.ts); the cards and charts then change in place. Off, the figures stay as they
 * are (a screenshot for a report, a slow link) until it is switched on again or "Refresh" is
 * pressed. The switch is kept per dashboard (scope) in localStorage.
 *
 * Test hooks: `dashboard` (the screen, `data-updated` = the figures' generated_at),
 * `dashboard-group`, `dashboard-branch`, `dashboard-live`, `dashboard-refresh`, `kpi-<field>`
 * (each card, its value in `data-value`), and those of dashboard-charts.tsx.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Button, Card, Group, Loader, SimpleGrid, Switch, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Dashboard, RealtimeEvent } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { ScopePicker } from '../common/scope-picker.js';
import { useThrottledEvents } from '../../realtime/use-throttled-events.js';
import { errorText } from '../../lib/error-text.js';
import { useFormat } from '../../i18n/use-format.js';
import { DashboardCharts } from './dashboard-charts.js';
import './dashboard.css';

/** Least time between two refetches while live, ms. */
const LIVE_INTERVAL_MS = 1000;

/** Event types that change a dashboard figure. */
const LIVE_TYPES = new Set<RealtimeEvent['type']>([
  'stats_updated',
  'camera_status_update',
  'nvr_online',
  'nvr_offline',
  'alarm_updated',
  'notification_update',
  'device_updated',
]);

/** The branch an event is about, when it says. */
function branchOf(e: RealtimeEvent): number | null {
  const d = e.data as { branch_id?: unknown };
  return typeof d.branch_id === 'number' ? d.branch_id : null;
}

/** "Live updates" on or off for one dashboard scope, kept across reloads. */
function useLiveSwitch(scopeKey: string): [boolean, (on: boolean) => void] {
  const key = `pantau.dashboard.live.${scopeKey}`;
  const read = () => {
    try {
      return localStorage.getItem(key) !== 'off';
    } catch {
      return true;
    }
  };
  const [live, setLive] = useState(read);
  useEffect(() => setLive(read()), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return [
    live,
    (on) => {
      setLive(on);
      try {
        localStorage.setItem(key, on ? 'on' : 'off');
      } catch {
        // storage refused (private window): the switch still works for this session
      }
    },
  ];
}

/** One KPI card. */
function Kpi({
  field,
  label,
  value,
  sub,
  tone,
}: {
  field: string;
  label: string;
  value: string;
  sub?: string;
  tone?: string;
}) {
  return (
    <Card withBorder padding="sm" className="kpi" data-testid={`kpi-${field}`} data-value={value}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={tone} className="kpi-value">
        {value}
      </Text>
      {sub && (
        <Text size="xs" c="dimmed">
          {sub}
        </Text>
      )}
    </Card>
  );
}

/** The screen. */
export function DashboardScreen() {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const [groupId, setGroupId] = useState<number | null>(null);
  const [branchId, setBranchId] = useState<number | null>(null);
  const scopeKey = branchId ? `branch-${branchId}` : groupId ? `group-${groupId}` : 'all';
  const [live, setLive] = useLiveSwitch(scopeKey);
  const query = useQuery({
    queryKey: ['dashboard', { groupId, branchId }],
    queryFn: () =>
      api.dashboard({ ...(groupId ? { group_id: groupId } : {}), ...(branchId ? { branch_id: branchId } : {}) }),
    placeholderData: keepPreviousData,
    refetchOnMount: 'always',
  });
  const data: Dashboard | undefined = query.data;

  // live: relevant events of a branch in view ask for a refetch, at most once a second; switched
  // on again (or another scope), it catches up at once
  const inView = useMemo(() => (data ? new Set(data.scope.branch_ids) : null), [data]);
  useThrottledEvents(
    (e) => {
      const b = branchOf(e);
      return LIVE_TYPES.has(e.type) && (inView === null || b === null || inView.has(b));
    },
    () => void query.refetch(),
    { intervalMs: LIVE_INTERVAL_MS, enabled: live, runOnStart: true },
    scopeKey,
  );

  const n = (v: number) => fmt.number(v);
  const kpis = useMemo(() => {
    if (!data) return [];
    const list: Array<{ field: string; label: string; value: string; sub?: string; tone?: string }> = [
      {
        field: 'detections_today',
        label: t('dashboard.detectionsToday'),
        value: n(data.detections_today),
        sub: t('dashboard.peopleCounted', { n: n(data.detected_count_today) }),
      },
      { field: 'unique_persons_today', label: t('dashboard.uniquePersonsToday'), value: n(data.unique_persons_today) },
      {
        field: 'cameras_online',
        label: t('dashboard.cameras'),
        value: n(data.cameras_online),
        sub: t('dashboard.offlineCount', { n: n(data.cameras_offline) }),
        ...(data.cameras_offline > 0 ? { tone: 'orange' } : {}),
      },
      {
        field: 'nvrs_online',
        label: t('dashboard.nvrs'),
        value: n(data.nvrs_online),
        sub: t('dashboard.offlineCount', { n: n(data.nvrs_offline) }),
        ...(data.nvrs_offline > 0 ? { tone: 'orange' } : {}),
      },
      {
        field: 'alarms_open',
        label: t('dashboard.alarmsOpen'),
        value: n(data.alarms_open),
        ...(data.alarms_open > 0 ? { tone: 'red' } : {}),
      },
      {
        field: 'alerts_sent_today',
        label: t('dashboard.alertsSent'),
        value: n(data.alerts_sent_today),
        sub: t('dashboard.delivered', { n: n(data.alerts_delivered_today) }),
      },
    ];
    if (data.queues)
      list.push({
        field: 'queues',
        label: t('dashboard.queues'),
        value: n(data.queues.pending),
        sub: t('dashboard.queueSub', { running: n(data.queues.running), failed: n(data.queues.failed) }),
        ...(data.queues.failed > 0 ? { tone: 'red' } : {}),
      });
    return list;
  }, [data, t, fmt]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <section className="dashboard" data-testid="dashboard" data-updated={data?.generated_at ?? ''}>
      <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap" gap="sm">
        <Group gap="sm" align="baseline">
          <Title order={1} size="h3">
            {t('nav.dashboard')}
          </Title>
          {query.isFetching && <Loader size="xs" type="dots" color="gray" />}
          {data && (
            <Text size="xs" c="dimmed">
              {t('dashboard.updatedAt', { time: fmt.clock(data.generated_at) })}
            </Text>
          )}
          {!live && (
            <Badge color="gray" variant="light">
              {t('dashboard.paused')}
            </Badge>
          )}
        </Group>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <ScopePicker
            groupId={groupId}
            branchId={branchId}
            onChange={(next) => {
              setGroupId(next.groupId);
              setBranchId(next.branchId);
            }}
            testIdPrefix="dashboard"
          />
          <Switch
            label={t('dashboard.live')}
            checked={live}
            onChange={(e) => setLive(e.currentTarget.checked)}
            data-testid="dashboard-live"
          />
          <Button size="xs" variant="default" onClick={() => void query.refetch()} data-testid="dashboard-refresh">
            {t('dashboard.refresh')}
          </Button>
        </Group>
      </Group>
      {query.error && (
        <Alert color="red" variant="light" mb="sm">
          {errorText(query.error, t)}
        </Alert>
      )}
      {!data && !query.error && <Loader />}
      {data && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: kpis.length }} spacing="sm" mb="sm">
            {kpis.map((k) => (
              <Kpi key={k.field} {...k} />
            ))}
          </SimpleGrid>
          <DashboardCharts data={data} locale={fmt.locale} />
        </>
      )}
    </section>
  );
}
