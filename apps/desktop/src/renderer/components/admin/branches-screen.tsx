/**
 * Admin: branches (sites) with their group, time zone and device counts; filter by group and
 * status. Creating, deleting and moving branches between groups is for admins whose scope is
 * every branch; other admins edit the branches in their scope.
 */
import { useState } from 'react';
import { Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Branch } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { useGroupOptions } from '../../data/use-options.js';
import { queryKeys } from '../../data/query-keys.js';
import { useSessionStore } from '../../stores/session-store.js';
import { useFormat } from '../../i18n/use-format.js';
import { AdminList, RowActions, type Column } from './admin-list.js';
import { useListState } from './use-list-state.js';
import { StatusBadge } from './status-badge.js';
import { confirmDelete } from './confirm-delete.js';
import { reportDeleteFailure } from './delete-blocked.js';
import { BranchForm } from './branch-form.js';

type Filters = { group_id?: number | undefined; status?: 'active' | 'inactive' | undefined };

/** The branches screen. */
export function BranchesScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const api = useApi();
  const invalidate = useInvalidate();
  const groups = useGroupOptions();
  const list = useListState<Filters>({});
  const query = useQuery({
    queryKey: queryKeys.page('branches', list.params),
    queryFn: () => api.branchesPage(list.params),
    placeholderData: keepPreviousData,
  });
  const [editing, setEditing] = useState<Branch | 'new' | null>(null);
  const fullScope = useSessionStore((s) => s.user?.scope_all === true);

  const remove = (b: Branch) =>
    confirmDelete(t, b.branch_name, () => {
      api
        .deleteBranch(b.id)
        .then(() => {
          notifications.show({ color: 'teal', message: t('common.deletedName', { name: b.branch_name }) });
          invalidate('branches', 'groups', 'camera-tree');
        })
        .catch((err: unknown) => reportDeleteFailure(t, b.branch_name, err, t('branches.deleteBlocked')));
    });

  const columns: Column<Branch>[] = [
    {
      key: 'code',
      header: t('branches.branch_code'),
      render: (b) => (
        <Text ff="monospace" size="sm">
          {b.branch_code}
        </Text>
      ),
      width: '120px',
    },
    {
      key: 'name',
      header: t('branches.branch_name'),
      render: (b) => (
        <Text fw={500} size="sm">
          {b.branch_name}
        </Text>
      ),
    },
    {
      key: 'group',
      header: t('branches.group'),
      render: (b) => groups.byId.get(b.group_id)?.group_name ?? `#${b.group_id}`,
    },
    { key: 'city', header: t('branches.city'), render: (b) => b.city },
    {
      key: 'tz',
      header: t('branches.timezone'),
      render: (b) => (
        <Text size="sm" c="dimmed">
          {b.timezone}
        </Text>
      ),
    },
    {
      key: 'devices',
      header: t('branches.device_count'),
      render: (b) => fmt.number(b.device_count),
      align: 'right',
      width: '90px',
    },
    {
      key: 'cameras',
      header: t('branches.cameras_online'),
      render: (b) => (
        <span data-testid="cameras-online">
          {fmt.number(b.cameras_online)} / {fmt.number(b.camera_count)}
        </span>
      ),
      align: 'right',
      width: '120px',
    },
    {
      key: 'status',
      header: t('fields.status'),
      render: (b) => <StatusBadge kind="entityStatus" value={b.status} />,
      width: '100px',
    },
  ];

  return (
    <>
      <AdminList
        entity="branches"
        title={t('nav.branches')}
        columns={columns}
        query={query}
        list={list}
        rowKey={(b) => b.id}
        createLabel={t('branches.new')}
        onCreate={fullScope ? () => setEditing('new') : undefined}
        searchPlaceholder={t('branches.search')}
        filters={
          <>
            <Select
              placeholder={t('branches.allGroups')}
              clearable
              searchable
              w={240}
              data={groups.options}
              value={list.filters.group_id ? String(list.filters.group_id) : null}
              onChange={(v) => list.setFilter('group_id', v ? Number(v) : undefined)}
              data-testid="filter-group"
            />
            <Select
              placeholder={t('fields.status')}
              clearable
              w={160}
              value={list.filters.status ?? null}
              onChange={(v) => list.setFilter('status', (v ?? undefined) as Filters['status'])}
              data={[
                { value: 'active', label: t('entityStatus.active') },
                { value: 'inactive', label: t('entityStatus.inactive') },
              ]}
              data-testid="filter-status"
            />
          </>
        }
        actions={(b) => <RowActions onEdit={() => setEditing(b)} onDelete={fullScope ? () => remove(b) : undefined} />}
      />
      {editing !== null && (
        <BranchForm
          key={editing === 'new' ? 'new' : editing.id}
          branch={editing === 'new' ? undefined : editing}
          groupId={list.filters.group_id}
          canMove={fullScope}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
