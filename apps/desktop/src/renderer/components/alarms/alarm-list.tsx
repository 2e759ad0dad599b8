/**
 * The alarms list: filters (state, branch, escalated only), the unacknowledged count of every
 * branch in scope, a page of alarms newest first (escalated ones red), ticks with
 * "Acknowledge selected" and a note, and a row click for the detail drawer. Refreshes on
 * `alarm_updated` (query root `alarms`) and every 5 s for alarms raised meanwhile.
 *
 * Test hooks: `alarm-list`, `alarm-filter-state`, `alarm-filter-branch`, `alarm-filter-escalated`,
 * `alarm-branch-count[data-branch-id][data-count]`, `alarm-row[data-event-id][data-state][data-escalated]`,
 * `alarm-row-select`, `alarm-list-bulk-ack[data-count]`, `alarm-list-note`, `alarm-pager`, `alarm-list-empty`.
 */
import { useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Pagination,
  SegmentedControl,
  Select,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AlarmState } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { useBranchOptions } from '../../data/use-options.js';
import { useBranchTimeZones } from '../../data/use-camera-tree.js';
import { useFormat } from '../../i18n/use-format.js';
import { DEFAULT_TIME_ZONE } from '../../lib/format.js';
import { errorText } from '../../lib/error-text.js';
import { useAlarmUiStore } from './alarm-ui-store.js';
import { stateColour } from './alarm-model.js';
import { lookOf } from './alarm-priority.js';
import { useAlarmActions } from './use-alarm-actions.js';
import { useCanOperate } from './feed-alarm-controls.js';
import { openPerson } from '../../stores/person-store.js';

/** Alarms per page. */
const PER_PAGE = 50;
/** How often the list looks for alarms raised meanwhile, ms. */
const REFRESH_MS = 5000;

/** The list with its filters. */
export function AlarmList() {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const zones = useBranchTimeZones();
  const branches = useBranchOptions();
  const canOperate = useCanOperate();
  const actions = useAlarmActions();
  const openDetail = useAlarmUiStore((s) => s.openDetail);
  const [state, setState] = useState<AlarmState | 'all'>('new');
  const [branch, setBranch] = useState<string | null>(null);
  const [escalatedOnly, setEscalatedOnly] = useState(false);
  const [page, setPage] = useState(1);
  const [ticked, setTicked] = useState<ReadonlySet<number>>(new Set());
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const params = {
    page,
    per_page: PER_PAGE,
    ...(state === 'all' ? {} : { state }),
    ...(branch ? { branch_id: Number(branch) } : {}),
    ...(escalatedOnly ? { escalated: 'true' as const } : {}),
  };
  const q = useQuery({
    queryKey: queryKeys.page('alarms', params),
    queryFn: () => api.alarmsPage(params),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const filter = (fn: () => void) => {
    fn();
    setPage(1);
    setTicked(new Set());
  };
  const items = q.data?.items ?? [];
  const pages = q.data ? Math.max(1, Math.ceil(q.data.meta.total / PER_PAGE)) : 1;
  const ackable = items.filter((a) => ticked.has(a.id) && a.alarm_state === 'new').map((a) => a.id);
  const tick = (id: number) =>
    setTicked((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <section data-testid="alarm-list">
      <Group gap="sm" mb="sm" wrap="wrap">
        <SegmentedControl
          size="xs"
          value={state}
          onChange={(v) => filter(() => setState(v as AlarmState | 'all'))}
          data={(['new', 'acknowledged', 'closed', 'all'] as const).map((s) => ({
            value: s,
            label: s === 'all' ? t('alarms.all') : t(`alarms.state.${s}`),
          }))}
          data-testid="alarm-filter-state"
        />
        <Select
          size="xs"
          w={220}
          placeholder={t('alarms.allBranches')}
          data={branches.options}
          value={branch}
          onChange={(v) => filter(() => setBranch(v))}
          clearable
          searchable
          data-testid="alarm-filter-branch"
        />
        <Switch
          size="xs"
          label={t('alarms.escalatedOnly')}
          checked={escalatedOnly}
          onChange={(e) => filter(() => setEscalatedOnly(e.currentTarget.checked))}
          data-testid="alarm-filter-escalated"
        />
        {q.isFetching && <Loader size="xs" type="dots" color="gray" />}
      </Group>
      <Group gap="xs" mb="sm">
        <Text size="sm" c="dimmed">
          {t('alarms.unacknowledged')}:
        </Text>
        {(q.data?.meta.unacknowledged ?? []).length === 0 && (
          <Text size="sm" c="dimmed">
            {t('alarms.noneWaiting')}
          </Text>
        )}
        {(q.data?.meta.unacknowledged ?? []).map((c) => (
          <Badge
            key={c.branch_id}
            variant={c.escalated > 0 ? 'filled' : 'light'}
            color={c.escalated > 0 ? 'red' : 'yellow'}
            style={{ cursor: 'pointer', textTransform: 'none' }}
            onClick={() => filter(() => setBranch(String(c.branch_id)))}
            data-testid="alarm-branch-count"
            data-branch-id={c.branch_id}
            data-count={c.unacknowledged}
          >
            {c.branch_name}: {fmt.number(c.unacknowledged)}
            {c.escalated > 0 ? ` (${t('alarms.escalatedCount', { n: c.escalated })})` : ''}
          </Badge>
        ))}
      </Group>
      {canOperate && (
        <Group gap="xs" mb="sm" wrap="nowrap">
          <TextInput
            size="xs"
            w={320}
            placeholder={t('alarms.notePlaceholder')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            maxLength={1000}
            data-testid="alarm-list-note"
          />
          <Button
            size="xs"
            color="yellow"
            disabled={ackable.length === 0}
            loading={busy}
            data-testid="alarm-list-bulk-ack"
            data-count={ackable.length}
            onClick={() => {
              setBusy(true);
              void actions.acknowledgeMany(ackable, note).then((r) => {
                setBusy(false);
                if (r) {
                  setTicked(new Set());
                  setNote('');
                }
              });
            }}
          >
            {t('alarms.ackSelected', { n: ackable.length })}
          </Button>
        </Group>
      )}
      {q.error ? (
        <Alert color="red">{errorText(q.error, t)}</Alert>
      ) : (
        <Table striped highlightOnHover className="alarms-table" data-testid="alarm-table">
          <Table.Thead>
            <Table.Tr>
              {canOperate && (
                <Table.Th w={32}>
                  <Checkbox
                    size="xs"
                    aria-label={t('alarms.selectAll')}
                    checked={
                      items.length > 0 &&
                      items.filter((a) => a.alarm_state === 'new').every((a) => ticked.has(a.id)) &&
                      ticked.size > 0
                    }
                    onChange={(e) =>
                      setTicked(
                        new Set(
                          e.currentTarget.checked ? items.filter((a) => a.alarm_state === 'new').map((a) => a.id) : [],
                        ),
                      )
                    }
                  />
                </Table.Th>
              )}
              <Table.Th>{t('alarms.raised')}</Table.Th>
              <Table.Th>{t('alarms.priorityHead')}</Table.Th>
              <Table.Th>{t('feed.branch')}</Table.Th>
              <Table.Th>{t('feed.camera')}</Table.Th>
              <Table.Th>{t('feed.reId')}</Table.Th>
              <Table.Th>{t('alarms.stateHead')}</Table.Th>
              <Table.Th>{t('alarms.by')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((a) => {
              const zone = zones.get(a.branch_id) ?? DEFAULT_TIME_ZONE;
              const escalated = a.escalated_at !== null;
              return (
                <Table.Tr
                  key={a.id}
                  onClick={() => openDetail(a.id)}
                  style={{ cursor: 'pointer' }}
                  data-testid="alarm-row"
                  data-event-id={a.id}
                  data-state={a.alarm_state}
                  data-escalated={escalated && a.alarm_state === 'new'}
                  data-priority={a.priority}
                >
                  {canOperate && (
                    <Table.Td onClick={(e) => e.stopPropagation()}>
                      {a.alarm_state === 'new' && (
                        <Checkbox
                          size="xs"
                          checked={ticked.has(a.id)}
                          onChange={() => tick(a.id)}
                          aria-label={t('alarms.select')}
                          data-testid="alarm-row-select"
                        />
                      )}
                    </Table.Td>
                  )}
                  <Table.Td title={zone}>{fmt.dateTime(a.created_at, zone)}</Table.Td>
                  <Table.Td>
                    <Badge
                      size="sm"
                      variant="filled"
                      color={lookOf(a.priority).colour}
                      title={a.rule_name ?? undefined}
                      data-testid="alarm-row-priority"
                      data-priority={a.priority}
                    >
                      {t(`alarms.priority.${a.priority}`)}
                    </Badge>
                    {a.rule_name && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {a.rule_name}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{a.branch_name}</Table.Td>
                  <Table.Td>{a.device_name}</Table.Td>
                  <Table.Td ff="monospace">
                    <Anchor
                      component="button"
                      type="button"
                      ff="monospace"
                      size="sm"
                      onClick={(e) => {
                        e.stopPropagation();
                        openPerson(a.re_id);
                      }}
                      title={t('persons.open')}
                      data-testid="alarm-row-person"
                    >
                      {a.re_id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Badge size="sm" variant="light" color={stateColour(a.alarm_state, escalated)}>
                        {t(`alarms.state.${a.alarm_state}`)}
                      </Badge>
                      {escalated && (
                        <Badge
                          size="sm"
                          variant="filled"
                          color="red"
                          className={a.alarm_state === 'new' ? 'alarm-pulse' : undefined}
                        >
                          {t('alarms.escalated')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{a.alarm_state === 'closed' ? a.closed_by_name : a.acknowledged_by_name}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {q.data && items.length === 0 && (
        <Text c="dimmed" ta="center" my="lg" data-testid="alarm-list-empty">
          {t('alarms.empty')}
        </Text>
      )}
      {pages > 1 && (
        <Pagination mt="sm" size="sm" total={pages} value={page} onChange={setPage} data-testid="alarm-pager" />
      )}
    </section>
  );
}
