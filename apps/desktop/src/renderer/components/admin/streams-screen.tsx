/**
 * Admin: camera streams with their branch, camera, protocol, URLs (never credentials) and
 * health; filter by branch and status.
 */
import { useState } from 'react';
import { Badge, Select, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Stream } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { useBranchOptions } from '../../data/use-options.js';
import { queryKeys } from '../../data/query-keys.js';
import { errorText } from '../../lib/error-text.js';
import { AdminList, RowActions, type Column } from './admin-list.js';
import { useListState } from './use-list-state.js';
import { StatusBadge } from './status-badge.js';
import { StreamMediaLines, StreamStatusCell } from '../common/stream-media.js';
import { confirmDelete } from './confirm-delete.js';
import { StreamForm } from './stream-form.js';
import { GatewayPanel } from './gateway-panel.js';

type Filters = { branch_id?: number | undefined; status?: Stream['status'] | undefined };

/** The streams screen. */
export function StreamsScreen() {
  const { t } = useTranslation();
  const api = useApi();
  const invalidate = useInvalidate();
  const branches = useBranchOptions();
  const list = useListState<Filters>({});
  const query = useQuery({
    queryKey: queryKeys.page('streams', list.params),
    queryFn: () => api.streamsPage(list.params),
    placeholderData: keepPreviousData,
  });
  const [editing, setEditing] = useState<Stream | 'new' | null>(null);

  const remove = (s: Stream) =>
    confirmDelete(t, s.stream_name, () => {
      api
        .deleteStream(s.id)
        .then(() => {
          notifications.show({ color: 'teal', message: t('common.deletedName', { name: s.stream_name }) });
          invalidate('streams', 'camera-tree');
        })
        .catch((err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }));
    });

  const columns: Column<Stream>[] = [
    {
      key: 'name',
      header: t('streams.stream_name'),
      render: (s) => (
        <Text fw={500} size="sm">
          {s.stream_name}
        </Text>
      ),
    },
    {
      key: 'branch',
      header: t('streams.branch'),
      render: (s) => branches.byId.get(s.branch_id)?.branch_name ?? `#${s.branch_id}`,
    },
    {
      key: 'camera',
      header: t('streams.camera'),
      render: (s) => (
        <Text ff="monospace" size="sm">
          {s.device_id}
        </Text>
      ),
    },
    {
      key: 'protocol',
      header: t('streams.protocol'),
      render: (s) => (
        <Badge variant="outline" size="sm" color="gray">
          {s.protocol}
        </Badge>
      ),
      width: '90px',
    },
    {
      key: 'url',
      header: t('streams.main_url'),
      render: (s) => (
        <Tooltip label={s.sub_url ? `${s.main_url}\n${s.sub_url}` : s.main_url} multiline maw={520} openDelay={400}>
          <Text size="xs" ff="monospace" truncate maw={320}>
            {s.main_url}
          </Text>
        </Tooltip>
      ),
    },
    {
      key: 'cred',
      header: t('streams.credentials'),
      render: (s) => (s.has_credentials ? t('common.yes') : t('common.no')),
      width: '100px',
    },
    {
      key: 'status',
      header: t('fields.status'),
      render: (s) => <StreamStatusCell stream={s} badge={<StatusBadge kind="streamStatus" value={s.status} />} />,
    },
    {
      key: 'media',
      header: t('streams.media'),
      render: (s) => <StreamMediaLines stream={s} />,
    },
  ];

  const statusOptions = (['unknown', 'online', 'offline', 'error'] as const).map((v) => ({
    value: v,
    label: t(`streamStatus.${v}`),
  }));
  return (
    <>
      <GatewayPanel streams={query.data?.items ?? []} />
      <AdminList
        entity="streams"
        title={t('nav.streams')}
        columns={columns}
        query={query}
        list={list}
        rowKey={(s) => s.id}
        createLabel={t('streams.new')}
        onCreate={() => setEditing('new')}
        searchPlaceholder={t('streams.search')}
        filters={
          <>
            <Select
              placeholder={t('devices.allBranches')}
              clearable
              searchable
              w={240}
              data={branches.options}
              value={list.filters.branch_id ? String(list.filters.branch_id) : null}
              onChange={(v) => list.setFilter('branch_id', v ? Number(v) : undefined)}
              data-testid="filter-branch"
            />
            <Select
              placeholder={t('fields.status')}
              clearable
              w={160}
              data={statusOptions}
              value={list.filters.status ?? null}
              onChange={(v) => list.setFilter('status', (v ?? undefined) as Filters['status'])}
              data-testid="filter-status"
            />
          </>
        }
        actions={(s) => <RowActions onEdit={() => setEditing(s)} onDelete={() => remove(s)} />}
      />
      {editing !== null && (
        <StreamForm
          key={editing === 'new' ? 'new' : editing.id}
          stream={editing === 'new' ? undefined : editing}
          branchId={list.filters.branch_id}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
