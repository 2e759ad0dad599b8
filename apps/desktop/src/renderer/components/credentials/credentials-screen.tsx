/**
 * Admin (scope "all" only): API credentials (S7) for cameras, edge boxes and integrators. A
 * list (search, status and branch filters, paging) with scope, permissions, last use and this
 * hour's requests against the limit, an inactive (suspended) one badged apart; create and edit
 * (suspend / resume) in a drawer; the secret shown once after a create or a rotate; revoke and
 * delete behind a confirmation. A second tab holds the API test console, prefilled with the
 * last key and secret shown.
 *
 * Test hooks (besides the admin list's): `credentials-tabs`, `tab-list`, `tab-console`,
 * `credential-key`, `credential-usage` (`data-used`, `data-limit`), `row-rotate`, `row-revoke`,
 * and those of secret-modal, rotate-modal and test-console.
 */
import { useState } from 'react';
import { Badge, Button, Group, Progress, Select, Stack, Tabs, Text, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CredentialStatus, type Credential } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { useBranchOptions } from '../../data/use-options.js';
import { queryKeys } from '../../data/query-keys.js';
import { useFormat } from '../../i18n/use-format.js';
import { errorText } from '../../lib/error-text.js';
import { AdminList, RowActions, type Column } from '../admin/admin-list.js';
import { useListState } from '../admin/use-list-state.js';
import { confirmDelete } from '../admin/confirm-delete.js';
import { relativeTime } from '../fleet/fleet-model.js';
import { useNow } from '../fleet/use-now.js';
import { CredentialForm } from './credential-form.js';
import { shownStatus, STATUS_COLOUR } from './credential-values.js';
import { SecretModal, type ShownSecret } from './secret-modal.js';
import { RotateModal } from './rotate-modal.js';
import { TestConsole } from './test-console.js';
import './credentials.css';

type Filters = { status?: Credential['status'] | undefined; branch_id?: number | undefined };
type Tab = 'list' | 'console';

/** The credentials screen. */
export function CredentialsScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useNow();
  const api = useApi();
  const invalidate = useInvalidate();
  const branches = useBranchOptions();
  const list = useListState<Filters>({});
  const query = useQuery({
    queryKey: queryKeys.page('credentials', list.params),
    queryFn: () => api.credentialsPage(list.params),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const [tab, setTab] = useState<Tab>('list');
  const [editing, setEditing] = useState<Credential | 'new' | null>(null);
  const [rotating, setRotating] = useState<Credential | null>(null);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [seed, setSeed] = useState<{ key: string; secret: string } | null>(null);

  const show = (s: ShownSecret) => {
    setShown(s);
    setSeed({ key: s.created.api_key, secret: s.created.api_secret });
  };
  const after = (promise: Promise<unknown>, message: string) =>
    promise
      .then(() => {
        notifications.show({ color: 'teal', message });
        invalidate('credentials', 'audit');
      })
      .catch((err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }));
  const revoke = (c: Credential) =>
    modals.openConfirmModal({
      title: t('credentials.revokeTitle', { name: c.credential_name }),
      centered: true,
      children: (
        <Text size="sm" data-testid="confirm-dialog">
          {t('credentials.revokeBody')}
        </Text>
      ),
      labels: { confirm: t('credentials.revoke'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' } as Record<string, unknown>,
      cancelProps: { 'data-testid': 'confirm-no' } as Record<string, unknown>,
      onConfirm: () => void after(api.revokeCredential(c.id), t('credentials.revoked', { name: c.credential_name })),
    });
  const remove = (c: Credential) =>
    confirmDelete(
      t,
      c.credential_name,
      () => void after(api.deleteCredential(c.id), t('common.deletedName', { name: c.credential_name })),
    );

  const scopeText = (c: Credential) =>
    c.device_id !== null
      ? t('credentials.scopeDevice', { id: c.device_id })
      : c.branch_id !== null
        ? (branches.byId.get(c.branch_id)?.branch_name ?? `#${c.branch_id}`)
        : t('credentials.scope.global');

  const columns: Column<Credential>[] = [
    {
      key: 'name',
      header: t('credentials.name'),
      render: (c) => (
        <Stack gap={0}>
          <Text fw={500} size="sm">
            {c.credential_name}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace" data-testid="credential-key">
            {c.api_key}
          </Text>
        </Stack>
      ),
    },
    {
      key: 'status',
      header: t('fields.status'),
      width: '110px',
      render: (c) => {
        const s = shownStatus(c, now);
        return (
          <Badge variant="light" color={STATUS_COLOUR[s]} size="sm" data-testid="status-badge" data-status={s}>
            {t(`credentials.status.${s}`)}
          </Badge>
        );
      },
    },
    { key: 'scope', header: t('credentials.scopeLabel'), render: scopeText },
    {
      key: 'permissions',
      header: t('credentials.permissions'),
      render: (c) => (
        <Tooltip label={c.permissions.join(', ')} openDelay={300}>
          <Text size="sm">
            {c.permissions.length === 4 ? t('credentials.allPermissions') : c.permissions.join(', ')}
          </Text>
        </Tooltip>
      ),
    },
    {
      key: 'used',
      header: t('credentials.lastUsed'),
      render: (c) => (
        <Tooltip label={fmt.dateTime(c.last_used_at)} disabled={c.last_used_at === null} openDelay={300}>
          <Text size="sm" c="dimmed">
            {relativeTime(c.last_used_at, now, fmt.locale) ?? t('credentials.neverUsed')}
          </Text>
        </Tooltip>
      ),
    },
    {
      key: 'usage',
      header: t('credentials.thisHour'),
      render: (c) => (
        <Stack
          gap={2}
          className="credentials__usage"
          data-testid="credential-usage"
          data-used={c.requests_this_hour}
          data-limit={c.rate_limit_per_hour}
        >
          <Text size="xs">
            {fmt.number(c.requests_this_hour)} / {fmt.number(c.rate_limit_per_hour)}
          </Text>
          <Progress
            size="xs"
            aria-label={t('credentials.thisHour')}
            value={Math.min(100, (100 * c.requests_this_hour) / c.rate_limit_per_hour)}
            color={c.requests_this_hour >= c.rate_limit_per_hour ? 'red' : 'cyan'}
          />
        </Stack>
      ),
    },
    {
      key: 'expires',
      header: t('credentials.expires'),
      render: (c) => (
        <Text size="sm" c="dimmed">
          {c.expires_at ? fmt.dateTime(c.expires_at) : t('credentials.never')}
        </Text>
      ),
    },
  ];

  const statusOptions = CredentialStatus.options.map((v) => ({ value: v, label: t(`credentials.status.${v}`) }));
  return (
    <Tabs
      value={tab}
      onChange={(v) => setTab((v as Tab | null) ?? 'list')}
      keepMounted
      className="credentials"
      data-testid="credentials-tabs"
    >
      <Tabs.List px="md" pt="xs">
        <Tabs.Tab value="list" data-testid="tab-list">
          {t('credentials.tabList')}
        </Tabs.Tab>
        <Tabs.Tab value="console" data-testid="tab-console">
          {t('credentials.tabConsole')}
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="list">
        <AdminList
          entity="credentials"
          title={t('nav.credentials')}
          columns={columns}
          query={query}
          list={list}
          rowKey={(c) => c.id}
          createLabel={t('credentials.new')}
          onCreate={() => setEditing('new')}
          searchPlaceholder={t('credentials.search')}
          filters={
            <>
              <Select
                placeholder={t('fields.status')}
                clearable
                w={160}
                data={statusOptions}
                value={list.filters.status ?? null}
                onChange={(v) => list.setFilter('status', (v ?? undefined) as Filters['status'])}
                data-testid="filter-status"
              />
              <Select
                placeholder={t('credentials.anyBranch')}
                clearable
                searchable
                w={240}
                data={branches.options}
                value={list.filters.branch_id ? String(list.filters.branch_id) : null}
                onChange={(v) => list.setFilter('branch_id', v ? Number(v) : undefined)}
                data-testid="filter-branch"
              />
            </>
          }
          actions={(c) => (
            <RowActions
              onEdit={() => setEditing(c)}
              onDelete={() => remove(c)}
              extra={
                c.status !== 'revoked' && (
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="orange"
                      onClick={() => setRotating(c)}
                      data-testid="row-rotate"
                    >
                      {t('credentials.rotate')}
                    </Button>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      onClick={() => revoke(c)}
                      data-testid="row-revoke"
                    >
                      {t('credentials.revoke')}
                    </Button>
                  </Group>
                )
              }
            />
          )}
        />
      </Tabs.Panel>
      <Tabs.Panel value="console" p="md">
        <TestConsole seed={seed} />
      </Tabs.Panel>
      {editing !== null && (
        <CredentialForm
          key={editing === 'new' ? 'new' : editing.id}
          credential={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onCreated={(created) => show({ kind: 'create', created })}
        />
      )}
      <RotateModal
        key={rotating?.id ?? 0}
        credential={rotating}
        onClose={() => setRotating(null)}
        onRotated={(created, oldValidUntil) => {
          setRotating(null);
          invalidate('credentials', 'audit');
          show({ kind: 'rotate', created, oldValidUntil });
        }}
      />
      <SecretModal
        shown={shown}
        onClose={() => setShown(null)}
        onTry={() => {
          setShown(null);
          setTab('console');
        }}
      />
    </Tabs>
  );
}
