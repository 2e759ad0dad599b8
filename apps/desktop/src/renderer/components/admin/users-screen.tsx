/**
 * Admin (scope "all" only): users with role, scope, status and last sign-in; filter by role
 * and status. Users are disabled rather than deleted, so the audit log keeps naming them.
 */
import { useState } from 'react';
import { Select, Text, Tooltip } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Role, type User } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useBranchOptions, useGroupOptions } from '../../data/use-options.js';
import { queryKeys } from '../../data/query-keys.js';
import { useFormat } from '../../i18n/use-format.js';
import { AdminList, RowActions, type Column } from './admin-list.js';
import { useListState } from './use-list-state.js';
import { StatusBadge } from './status-badge.js';
import { UserForm } from './user-form.js';

type Filters = { role?: User['role'] | undefined; status?: User['status'] | undefined };

/** The users screen. */
export function UsersScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const api = useApi();
  const groups = useGroupOptions();
  const branches = useBranchOptions();
  const list = useListState<Filters>({});
  const query = useQuery({
    queryKey: queryKeys.page('users', list.params),
    queryFn: () => api.usersPage(list.params),
    placeholderData: keepPreviousData,
  });
  const [editing, setEditing] = useState<User | 'new' | null>(null);

  const scopeText = (u: User) => {
    if (u.scope_all) return { short: t('users.scopeAll'), full: t('users.scopeAll') };
    const names = [
      ...u.scope_group_ids.map((id) => groups.byId.get(id)?.group_name ?? `#${id}`),
      ...u.scope_branch_ids.map((id) => branches.byId.get(id)?.branch_name ?? `#${id}`),
    ];
    if (names.length === 0) return { short: t('users.scopeNone'), full: t('users.scopeNone') };
    return {
      short: t('users.scopeCount', { groups: u.scope_group_ids.length, branches: u.scope_branch_ids.length }),
      full: names.join(', '),
    };
  };

  const columns: Column<User>[] = [
    {
      key: 'name',
      header: t('users.name'),
      render: (u) => (
        <Text fw={500} size="sm">
          {u.name}
        </Text>
      ),
    },
    { key: 'email', header: t('fields.email'), render: (u) => u.email },
    { key: 'role', header: t('users.role'), render: (u) => t(`roles.${u.role}`), width: '110px' },
    {
      key: 'scope',
      header: t('users.scope'),
      render: (u) => {
        const s = scopeText(u);
        return (
          <Tooltip label={s.full} multiline maw={360} openDelay={300}>
            <Text size="sm" data-testid="user-scope">
              {s.short}
            </Text>
          </Tooltip>
        );
      },
    },
    {
      key: 'status',
      header: t('fields.status'),
      render: (u) => <StatusBadge kind="userStatus" value={u.status} />,
      width: '110px',
    },
    {
      key: 'login',
      header: t('users.last_login_at'),
      render: (u) => (
        <Text size="sm" c="dimmed">
          {fmt.dateTime(u.last_login_at)}
        </Text>
      ),
      width: '190px',
    },
  ];
  const roleOptions = Role.options.map((r) => ({ value: r, label: t(`roles.${r}`) }));
  const statusOptions = (['active', 'disabled'] as const).map((s) => ({ value: s, label: t(`userStatus.${s}`) }));

  return (
    <>
      <AdminList
        entity="users"
        title={t('nav.users')}
        columns={columns}
        query={query}
        list={list}
        rowKey={(u) => u.id}
        createLabel={t('users.new')}
        onCreate={() => setEditing('new')}
        searchPlaceholder={t('users.search')}
        filters={
          <>
            <Select
              placeholder={t('users.allRoles')}
              clearable
              w={160}
              data={roleOptions}
              value={list.filters.role ?? null}
              onChange={(v) => list.setFilter('role', (v ?? undefined) as Filters['role'])}
              data-testid="filter-role"
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
        actions={(u) => <RowActions onEdit={() => setEditing(u)} />}
      />
      {editing !== null && (
        <UserForm
          key={editing === 'new' ? 'new' : editing.id}
          user={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
