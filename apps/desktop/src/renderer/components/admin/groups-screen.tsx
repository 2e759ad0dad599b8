/**
 * Admin: groups (provinces) with their branch counts. Only admins whose scope is every branch
 * change groups; others see the list. A group that still has branches cannot be deleted: the
 * server answers 409 naming them, and they are listed in a dialog.
 */
import { useState } from 'react';
import { Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Group } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { queryKeys } from '../../data/query-keys.js';
import { useSessionStore } from '../../stores/session-store.js';
import { useFormat } from '../../i18n/use-format.js';
import { AdminList, RowActions, type Column } from './admin-list.js';
import { useListState } from './use-list-state.js';
import { StatusBadge } from './status-badge.js';
import { confirmDelete } from './confirm-delete.js';
import { reportDeleteFailure } from './delete-blocked.js';
import { GroupForm } from './group-form.js';

/** The groups screen. */
export function GroupsScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const api = useApi();
  const invalidate = useInvalidate();
  const list = useListState<{ status?: 'active' | 'inactive' | undefined }>({});
  const query = useQuery({
    queryKey: queryKeys.page('groups', list.params),
    queryFn: () => api.groupsPage(list.params),
    placeholderData: keepPreviousData,
  });
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const fullScope = useSessionStore((s) => s.user?.scope_all === true);

  const remove = (g: Group) =>
    confirmDelete(t, g.group_name, () => {
      api
        .deleteGroup(g.id)
        .then(() => {
          notifications.show({ color: 'teal', message: t('common.deletedName', { name: g.group_name }) });
          invalidate('groups', 'camera-tree');
        })
        .catch((err: unknown) => reportDeleteFailure(t, g.group_name, err, t('groups.deleteBlocked')));
    });

  const columns: Column<Group>[] = [
    {
      key: 'code',
      header: t('groups.province_code'),
      render: (g) => (
        <Text ff="monospace" size="sm">
          {g.province_code}
        </Text>
      ),
      width: '130px',
    },
    { key: 'province', header: t('groups.province_name'), render: (g) => g.province_name },
    {
      key: 'name',
      header: t('groups.group_name'),
      render: (g) => (
        <Text fw={500} size="sm">
          {g.group_name}
        </Text>
      ),
    },
    {
      key: 'branches',
      header: t('groups.branch_count'),
      render: (g) => fmt.number(g.branch_count),
      align: 'right',
      width: '90px',
    },
    {
      key: 'status',
      header: t('fields.status'),
      render: (g) => <StatusBadge kind="entityStatus" value={g.status} />,
      width: '110px',
    },
  ];

  return (
    <>
      <AdminList
        entity="groups"
        title={t('nav.groups')}
        columns={columns}
        query={query}
        list={list}
        rowKey={(g) => g.id}
        createLabel={t('groups.new')}
        onCreate={fullScope ? () => setEditing('new') : undefined}
        searchPlaceholder={t('groups.search')}
        filters={
          <Select
            placeholder={t('fields.status')}
            clearable
            w={160}
            value={list.filters.status ?? null}
            onChange={(v) => list.setFilter('status', (v ?? undefined) as 'active' | 'inactive' | undefined)}
            data={[
              { value: 'active', label: t('entityStatus.active') },
              { value: 'inactive', label: t('entityStatus.inactive') },
            ]}
            data-testid="filter-status"
          />
        }
        actions={fullScope ? (g) => <RowActions onEdit={() => setEditing(g)} onDelete={() => remove(g)} /> : undefined}
      />
      {editing !== null && (
        <GroupForm
          key={editing === 'new' ? 'new' : editing.id}
          group={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
