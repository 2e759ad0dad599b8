/**
 * The fleet status board (S11, for every signed-in user, within their scope): summary counts of
 * NVRs and cameras online and offline, then every device with its status, when it was last
 * heard from (relative, ticking) and the health of its streams; filters by group, branch and
 * status; a switch for the status sound. Counts and rows move the moment a status event
 * arrives (see use-fleet.ts).
 *
 * Test hooks: `fleet-screen`, `fleet-summary` (`data-nvrs-online|offline`,
 * `data-cameras-online|offline`), `fleet-row` (`data-device-id`, `data-status`),
 * `fleet-last-seen`, `fleet-stream` (`data-status`), `fleet-sound`, `filter-group|branch|status`,
 * `fleet-empty`.
 */
import { useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Group,
  Loader,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import type { Stream } from '@pantau/shared';
import { useBranchOptions, useGroupOptions } from '../../data/use-options.js';
import { useFormat } from '../../i18n/use-format.js';
import { errorText } from '../../lib/error-text.js';
import { primeStatusSound, playStatusSound, STATUS_SOUND_KEY } from '../../lib/sound.js';
import { StatusBadge } from '../admin/status-badge.js';
import { StreamProblemBadge, mediaFacts } from '../common/stream-media.js';
import {
  FLEET_STATUSES,
  filterFleet,
  fleetRows,
  relativeTime,
  summarise,
  type FleetFilters,
  type FleetStatus,
  type StatusCounts,
} from './fleet-model.js';
import { useFleet } from './use-fleet.js';
import { useNow } from './use-now.js';
import './fleet.css';

const COLOURS: Record<FleetStatus, string> = { online: 'teal', offline: 'red', unknown: 'gray', maintenance: 'yellow' };

/** A device's board status as a badge. */
function FleetBadge({ status }: { status: FleetStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={COLOURS[status]} size="sm" data-testid="status-badge" data-status={status}>
      {t(`fleet.status.${status}`)}
    </Badge>
  );
}

/** One summary card: online and offline in large figures, the rest below. */
function SummaryCard({ title, counts }: { title: string; counts: StatusCounts }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const rest = [
    counts.unknown > 0 ? t('fleet.unknownCount', { n: fmt.number(counts.unknown) }) : null,
    counts.maintenance > 0 ? t('fleet.maintenanceCount', { n: fmt.number(counts.maintenance) }) : null,
  ].filter(Boolean);
  return (
    <Paper className="fleet__card" p="sm" radius="md">
      <Text size="xs" tt="uppercase" c="dimmed" fw={600} className="fleet__card-title">
        {title} · {fmt.number(counts.total)}
      </Text>
      <Group gap="lg" mt={4} align="baseline">
        <Text className="fleet__figure fleet__figure--online">
          {fmt.number(counts.online)} <span className="fleet__figure-label">{t('fleet.online')}</span>
        </Text>
        <Text className={counts.offline > 0 ? 'fleet__figure fleet__figure--offline' : 'fleet__figure'}>
          {fmt.number(counts.offline)} <span className="fleet__figure-label">{t('fleet.offline')}</span>
        </Text>
      </Group>
      <Text size="xs" c="dimmed" mih={18}>
        {rest.join(' · ')}
      </Text>
    </Paper>
  );
}

/** A stream's health: status, resolution, fps and when it was last checked. */
function StreamHealth({ stream, now }: { stream: Stream; now: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const checked = relativeTime(stream.last_checked_at, now, fmt.locale);
  // what it really sends (the probe's), else what was entered
  const facts = stream.media.main
    ? mediaFacts(stream.media.main)
    : [stream.resolution, stream.fps !== null ? `${stream.fps} fps` : null].filter(Boolean).join(' · ');
  return (
    <Group
      gap={6}
      wrap="nowrap"
      data-testid="fleet-stream"
      data-stream-id={stream.id}
      data-status={stream.status}
      data-problem={stream.problem ?? undefined}
    >
      <StatusBadge kind="streamStatus" value={stream.status} />
      <StreamProblemBadge problem={stream.problem} />
      <Text size="xs">{stream.stream_name}</Text>
      {facts && (
        <Text size="xs" c="dimmed" data-testid="fleet-stream-media">
          {facts}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {checked ? t('fleet.checked', { when: checked }) : t('fleet.notChecked')}
      </Text>
    </Group>
  );
}

/** The board. */
export function FleetScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const { devices, streams } = useFleet();
  const groups = useGroupOptions();
  const [filters, setFilters] = useState<FleetFilters>({});
  const branches = useBranchOptions();
  const groupBranches = useBranchOptions(filters.group_id ?? null);
  const [sound, setSound] = useLocalStorage({ key: STATUS_SOUND_KEY, defaultValue: false });

  const branchGroup = useMemo(() => new Map(branches.rows.map((b) => [b.id, b.group_id])), [branches.rows]);
  const inPlace = useMemo(
    () => filterFleet(devices.data ?? [], { ...filters, status: undefined }, branchGroup),
    [devices.data, filters, branchGroup],
  );
  const summary = useMemo(() => summarise(inPlace), [inPlace]);
  const rows = useMemo(
    () =>
      fleetRows(
        filterFleet(inPlace, { status: filters.status }, branchGroup),
        streams.data ?? [],
        (id) => branches.byId.get(id)?.branch_name ?? '',
      ),
    [inPlace, filters.status, branchGroup, streams.data, branches.byId],
  );
  const set = <K extends keyof FleetFilters>(key: K, value: FleetFilters[K]) =>
    setFilters((f) => ({ ...f, [key]: value, ...(key === 'group_id' ? { branch_id: undefined } : {}) }));
  const nameOf = useMemo(() => new Map((devices.data ?? []).map((d) => [d.device_id, d.device_name])), [devices.data]);
  const error = devices.error ?? streams.error;
  const filtered = filters.group_id !== undefined || filters.branch_id !== undefined || filters.status !== undefined;

  return (
    <section className="admin fleet" data-testid="fleet-screen">
      <Group justify="space-between" wrap="nowrap" mb="sm">
        <Group gap="sm" align="baseline" wrap="nowrap">
          <Title order={1} size="h3">
            {t('fleet.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {devices.data ? t('fleet.total', { n: fmt.number(rows.length) }) : ''}
          </Text>
          {(devices.isFetching || streams.isFetching) && <Loader size="xs" type="dots" color="gray" />}
        </Group>
        <Tooltip label={t('fleet.soundHint')} openDelay={300}>
          <Switch
            label={t('fleet.sound')}
            checked={sound}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setSound(on);
              if (on) {
                primeStatusSound();
                // a sample, so the operator hears what it will sound like (read after the store has it)
                queueMicrotask(() => playStatusSound('online'));
              }
            }}
            data-testid="fleet-sound"
          />
        </Tooltip>
      </Group>
      <SimpleGrid
        cols={{ base: 2, md: summary.edges.total > 0 ? 3 : 2 }}
        mb="sm"
        maw={summary.edges.total > 0 ? 900 : 600}
        data-testid="fleet-summary"
        data-nvrs-online={summary.nvrs.online}
        data-nvrs-offline={summary.nvrs.offline}
        data-cameras-online={summary.cameras.online}
        data-cameras-offline={summary.cameras.offline}
      >
        <SummaryCard title={t('fleet.nvrs')} counts={summary.nvrs} />
        <SummaryCard title={t('fleet.cameras')} counts={summary.cameras} />
        {summary.edges.total > 0 && <SummaryCard title={t('fleet.edges')} counts={summary.edges} />}
      </SimpleGrid>
      <Group gap="sm" mb="sm" className="admin__toolbar">
        <Select
          placeholder={t('fleet.allGroups')}
          clearable
          searchable
          w={240}
          data={groups.options}
          value={filters.group_id ? String(filters.group_id) : null}
          onChange={(v) => set('group_id', v ? Number(v) : undefined)}
          data-testid="filter-group"
        />
        <Select
          placeholder={t('fleet.allBranches')}
          clearable
          searchable
          w={240}
          data={(filters.group_id ? groupBranches : branches).options}
          value={filters.branch_id ? String(filters.branch_id) : null}
          onChange={(v) => set('branch_id', v ? Number(v) : undefined)}
          data-testid="filter-branch"
        />
        <Select
          placeholder={t('fleet.allStatuses')}
          clearable
          w={170}
          data={FLEET_STATUSES.map((s) => ({ value: s, label: t(`fleet.status.${s}`) }))}
          value={filters.status ?? null}
          onChange={(v) => set('status', (v ?? undefined) as FleetStatus | undefined)}
          data-testid="filter-status"
        />
      </Group>
      {error && (
        <Alert color="red" variant="light" mb="sm">
          {errorText(error, t)}
        </Alert>
      )}
      <div className="admin__table-wrap">
        <Table striped highlightOnHover verticalSpacing={6} className="admin__table" stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th style={{ width: 110 }}>{t('fields.status')}</Table.Th>
              <Table.Th>{t('fleet.device')}</Table.Th>
              <Table.Th style={{ width: 90 }}>{t('devices.device_type')}</Table.Th>
              <Table.Th>{t('devices.branch')}</Table.Th>
              <Table.Th style={{ width: 170 }}>{t('fleet.lastSeen')}</Table.Th>
              <Table.Th>{t('fleet.streams')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ device: d, status, nested, streams: own }) => {
              const tz = branches.byId.get(d.branch_id)?.timezone;
              return (
                <Table.Tr key={d.id} data-testid="fleet-row" data-device-id={d.device_id} data-status={status}>
                  <Table.Td>
                    <FleetBadge status={status} />
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={0} className={nested ? 'fleet__nested' : undefined}>
                      <Text size="sm" fw={500}>
                        {d.device_name}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {d.device_id}
                        {d.parent_device_id && !nested
                          ? ` · ${t('fleet.underNvr', { nvr: nameOf.get(d.parent_device_id) ?? d.parent_device_id })}`
                          : ''}
                      </Text>
                    </Stack>
                  </Table.Td>
                  <Table.Td>{t(`deviceType.${d.device_type}`)}</Table.Td>
                  <Table.Td>{branches.byId.get(d.branch_id)?.branch_name ?? `#${d.branch_id}`}</Table.Td>
                  <Table.Td>
                    <Tooltip
                      label={fmt.dateTime(d.last_seen_at, tz)}
                      disabled={d.last_seen_at === null}
                      openDelay={300}
                    >
                      <Text size="sm" c={status === 'online' ? undefined : 'dimmed'} data-testid="fleet-last-seen">
                        {relativeTime(d.last_seen_at, now, fmt.locale) ?? t('fleet.never')}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    {own.length === 0 ? (
                      <Text size="xs" c="dimmed">
                        {t('fleet.noStreams')}
                      </Text>
                    ) : (
                      <Stack gap={2}>
                        {own.map((s) => (
                          <StreamHealth key={s.id} stream={s} now={now} />
                        ))}
                      </Stack>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {devices.data && rows.length === 0 && (
          <Text c="dimmed" ta="center" py="xl" data-testid="fleet-empty">
            {filtered ? t('list.noMatch') : t('fleet.empty')}
          </Text>
        )}
        {devices.isPending && (
          <Group justify="center" py="xl">
            <Loader type="dots" color="gray" />
          </Group>
        )}
      </div>
    </section>
  );
}
