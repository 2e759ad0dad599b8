/**
 * The persons screen (S8, issue 12): the persons seen in the user's scope, newest last detection
 * first, with search (re_id or label), branch and status filters; a click opens the person's
 * detail beside the list (person-detail.tsx). Opened from a feed row or an alarm with the person
 * already chosen (stores/person-store.ts).
 *
 * Test hooks: `persons-screen`, `persons-search`, `persons-branch`, `persons-status`,
 * `person-row` (`data-re-id`), `persons-total`, `persons-page`.
 */
import { useEffect, useState } from 'react';
import { Alert, Badge, Group, Loader, Pagination, Select, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { PersonStatus } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useBranchOptions } from '../../data/use-options.js';
import { useThrottledEvents } from '../../realtime/use-throttled-events.js';
import { errorText } from '../../lib/error-text.js';
import { useFormat } from '../../i18n/use-format.js';
import { usePersonStore } from '../../stores/person-store.js';
import { PersonDetail } from './person-detail.js';
import './persons.css';

const PER_PAGE = 25;

/** The screen. */
export function PersonsScreen() {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const selected = usePersonStore((s) => s.selected);
  const select = usePersonStore((s) => s.select);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [branchId, setBranchId] = useState<number | null>(null);
  const [status, setStatus] = useState<PersonStatus | null>(null);
  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [q, branchId, status]);
  const branches = useBranchOptions();
  const list = useQuery({
    queryKey: ['persons', 'page', { q, branchId, status, page }],
    queryFn: () =>
      api.listPersons({
        page,
        per_page: PER_PAGE,
        ...(q ? { q } : {}),
        ...(branchId ? { branch_id: branchId } : {}),
        ...(status ? { status } : {}),
      }),
    placeholderData: keepPreviousData,
  });
  // new detections move persons up the list: refetch the first page at most every 2 s
  useThrottledEvents(
    (e) => e.type === 'detection_update',
    () => void list.refetch(),
    {
      intervalMs: 2000,
      enabled: page === 1,
    },
  );

  const total = list.data?.meta.total ?? 0;
  return (
    <section className="persons" data-testid="persons-screen">
      <div className="persons__list">
        <Group gap="sm" align="baseline" mb="xs">
          <Title order={1} size="h3">
            {t('nav.persons')}
          </Title>
          {list.isFetching && <Loader size="xs" type="dots" color="gray" />}
          <Text size="sm" c="dimmed" data-testid="persons-total" data-total={total}>
            {t('persons.total', { n: fmt.number(total) })}
          </Text>
        </Group>
        <Group gap="sm" mb="sm" align="flex-end" wrap="wrap">
          <TextInput
            label={t('persons.search')}
            placeholder={t('persons.searchHint')}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            size="xs"
            w={220}
            data-testid="persons-search"
          />
          <Select
            label={t('persons.branch')}
            placeholder={t('dashboard.allBranches')}
            data={branches.options}
            value={branchId ? String(branchId) : null}
            onChange={(v) => setBranchId(v ? Number(v) : null)}
            clearable
            searchable
            size="xs"
            w={200}
            data-testid="persons-branch"
          />
          <Select
            label={t('persons.status')}
            placeholder={t('persons.anyStatus')}
            data={(['active', 'inactive'] as const).map((s) => ({ value: s, label: t(`persons.statuses.${s}`) }))}
            value={status}
            onChange={(v) => setStatus((v as PersonStatus | null) ?? null)}
            clearable
            size="xs"
            w={140}
            data-testid="persons-status"
          />
        </Group>
        {list.error && (
          <Alert color="red" variant="light" mb="sm">
            {errorText(list.error, t)}
          </Alert>
        )}
        <Table striped highlightOnHover stickyHeader className="persons__table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('persons.reId')}</Table.Th>
              <Table.Th>{t('persons.label')}</Table.Th>
              <Table.Th>{t('persons.lastSeen')}</Table.Th>
              <Table.Th ta="right">{t('persons.count')}</Table.Th>
              <Table.Th ta="right">{t('persons.branches')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data?.items ?? []).map((p) => (
              <Table.Tr
                key={p.re_id}
                onClick={() => select(p.re_id)}
                className={p.re_id === selected ? 'persons__row--selected' : undefined}
                data-testid="person-row"
                data-re-id={p.re_id}
                aria-selected={p.re_id === selected}
              >
                <Table.Td ff="monospace">{p.re_id}</Table.Td>
                <Table.Td>
                  {p.person_label ?? ''}
                  {p.status === 'inactive' && (
                    <Badge size="xs" color="gray" ml={6}>
                      {t('persons.statuses.inactive')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{fmt.dateTime(p.last_detected_at)}</Table.Td>
                <Table.Td ta="right">{fmt.number(p.total_actual_count)}</Table.Td>
                <Table.Td ta="right">{fmt.number(p.total_detection_branch_count)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {list.data && list.data.items.length === 0 && (
          <Text size="sm" c="dimmed" mt="sm">
            {t('persons.none')}
          </Text>
        )}
        {total > PER_PAGE && (
          <Pagination
            mt="sm"
            size="sm"
            total={Math.ceil(total / PER_PAGE)}
            value={page}
            onChange={setPage}
            data-testid="persons-page"
          />
        )}
      </div>
      <div className="persons__detail">
        {selected ? (
          <PersonDetail reId={selected} onClose={() => select(null)} />
        ) : (
          <Text size="sm" c="dimmed" p="md">
            {t('persons.pick')}
          </Text>
        )}
      </div>
    </section>
  );
}
