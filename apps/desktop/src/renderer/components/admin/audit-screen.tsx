/**
 * Admin: the audit log — who did what to which record, when and from where. Filters: user,
 * entity type, action, date range. A row expands to the record before and after (secrets
 * come masked from the server), with the changed fields named.
 *
 * Test hooks: `audit-detail`, `audit-before`, `audit-after`, `audit-changed`; filters
 * `filter-user`, `filter-entity`, `filter-action`, `filter-dates`.
 */
import { useState } from 'react';
import { Badge, Code, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useUserOptions } from '../../data/use-options.js';
import { queryKeys } from '../../data/query-keys.js';
import { useSessionStore } from '../../stores/session-store.js';
import { useFormat } from '../../i18n/use-format.js';
import { AdminList, type Column } from './admin-list.js';
import { useListState } from './use-list-state.js';
import { changedKeys, dayRange } from './audit-model.js';

/** Entity types and actions the server records (free text on the wire; these are the ones offered as filters). */
const ENTITY_TYPES = [
  'group',
  'branch',
  'device',
  'stream',
  'user',
  'credential',
  'layout',
  'alert_setting',
  'notification_provider',
  'notification_delivery',
  'alarm_escalation',
  'failed_job',
  'person',
  'counting_report',
  'report_recipients',
] as const;
const ACTIONS = [
  'create',
  'update',
  'move',
  'delete',
  'enable',
  'disable',
  'change_password',
  'reset_password',
  'revoke_sessions',
  'revoke',
  'rotate',
  'set_default',
  'unset_default',
  'resend',
  'retry',
  'retry_all',
  'export',
] as const;

type Filters = {
  user_id?: number | undefined;
  entity_type?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
};

function AuditDetail({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  // Only an update has fields that changed; a create or delete shows the whole record.
  const changed = entry.before && entry.after ? changedKeys(entry.before, entry.after) : null;
  return (
    <Stack gap="xs" data-testid="audit-detail" className="audit__detail">
      {changed && (
        <Text size="xs" c="dimmed" data-testid="audit-changed">
          {t('audit.changed')}: {changed.length > 0 ? changed.join(', ') : '—'}
        </Text>
      )}
      <SimpleGrid cols={2} spacing="sm">
        <div>
          <Text size="xs" fw={600} mb={4}>
            {t('audit.before')}
          </Text>
          {/* focusable: a long record scrolls, and a keyboard must be able to scroll it */}
          <Code block data-testid="audit-before" className="audit__json" tabIndex={0} aria-label={t('audit.before')}>
            {entry.before ? JSON.stringify(entry.before, null, 2) : '—'}
          </Code>
        </div>
        <div>
          <Text size="xs" fw={600} mb={4}>
            {t('audit.after')}
          </Text>
          <Code block data-testid="audit-after" className="audit__json" tabIndex={0} aria-label={t('audit.after')}>
            {entry.after ? JSON.stringify(entry.after, null, 2) : '—'}
          </Code>
        </div>
      </SimpleGrid>
    </Stack>
  );
}

/** The audit log screen. */
export function AuditScreen() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const api = useApi();
  // The audit log is for admins whose scope is everything, who may also list users.
  const canListUsers = useSessionStore((s) => s.user?.scope_all === true);
  const users = useUserOptions(canListUsers);
  const list = useListState<Filters>({});
  const [dates, setDates] = useState<[string | null, string | null]>([null, null]);
  const query = useQuery({
    queryKey: queryKeys.page('audit', list.params),
    queryFn: () => api.auditPage(list.params),
    placeholderData: keepPreviousData,
  });
  const label = (group: 'entity' | 'action', value: string) =>
    i18n.exists(`audit.${group}.${value}`) ? t(`audit.${group}.${value}`) : value;

  const columns: Column<AuditEntry>[] = [
    {
      key: 'time',
      header: t('audit.time'),
      render: (e) => (
        <Text size="sm" ff="monospace">
          {fmt.dateTime(e.created_at)}
        </Text>
      ),
      width: '200px',
    },
    { key: 'user', header: t('audit.user'), render: (e) => e.user_email ?? t('audit.system') },
    {
      key: 'action',
      header: t('audit.actionLabel'),
      render: (e) => (
        <Badge variant="light" size="sm">
          {label('action', e.action)}
        </Badge>
      ),
      width: '150px',
    },
    {
      key: 'entity',
      header: t('audit.entityLabel'),
      render: (e) => (
        <Group gap={6} wrap="nowrap">
          <Text size="sm">{label('entity', e.entity_type)}</Text>
          {e.entity_id && (
            <Text size="sm" c="dimmed" ff="monospace">
              #{e.entity_id}
            </Text>
          )}
        </Group>
      ),
    },
    {
      key: 'ip',
      header: t('audit.ip'),
      render: (e) => (
        <Text size="sm" c="dimmed" ff="monospace">
          {e.ip ?? '—'}
        </Text>
      ),
      width: '140px',
    },
  ];

  return (
    <AdminList
      entity="audit"
      title={t('nav.audit')}
      columns={columns}
      query={query}
      list={list}
      rowKey={(e) => e.id}
      searchPlaceholder={t('audit.search')}
      expand={(e) => <AuditDetail entry={e} />}
      filters={
        <>
          {canListUsers && (
            <Select
              placeholder={t('audit.allUsers')}
              aria-label={t('audit.user')}
              clearable
              searchable
              w={240}
              data={users.options}
              value={list.filters.user_id ? String(list.filters.user_id) : null}
              onChange={(v) => list.setFilter('user_id', v ? Number(v) : undefined)}
              data-testid="filter-user"
            />
          )}
          <Select
            placeholder={t('audit.allEntities')}
            aria-label={t('audit.entityLabel')}
            clearable
            w={170}
            data={ENTITY_TYPES.map((v) => ({ value: v, label: label('entity', v) }))}
            value={list.filters.entity_type ?? null}
            onChange={(v) => list.setFilter('entity_type', v ?? undefined)}
            data-testid="filter-entity"
          />
          <Select
            placeholder={t('audit.allActions')}
            aria-label={t('audit.actionLabel')}
            clearable
            w={190}
            data={ACTIONS.map((v) => ({ value: v, label: label('action', v) }))}
            value={list.filters.action ?? null}
            onChange={(v) => list.setFilter('action', v ?? undefined)}
            data-testid="filter-action"
          />
          <DatePickerInput
            type="range"
            placeholder={t('audit.dates')}
            aria-label={t('audit.dates')}
            clearable
            w={260}
            value={dates}
            onChange={(v) => {
              const range = v as [string | null, string | null];
              setDates(range);
              const r = dayRange(range[0], range[1]);
              list.setFilter('from', r.from);
              list.setFilter('to', r.to);
            }}
            valueFormat="D MMM YYYY"
            data-testid="filter-dates"
          />
        </>
      }
    />
  );
}
