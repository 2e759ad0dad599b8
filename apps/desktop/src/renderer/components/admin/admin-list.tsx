/**
 * The frame of every admin screen: title with the total, a toolbar (debounced search, the
 * list's filters, "New"), the table and the pager. Rows may expand (the audit log).
 *
 * Test hooks: `admin-screen` (`data-entity`), `list-search`, `list-total` (`data-total`),
 * `create-button`, `admin-table`, `admin-row` (`data-id`), `row-toggle` (an expandable row's
 * disclosure button, `aria-expanded`), `row-expanded`, `list-pager`,
 * `list-empty`, `list-error`.
 */
import { Fragment, useState, type ReactNode } from 'react';
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  Loader,
  Pagination,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Paged } from '@pantau/shared';
import { errorText } from '../../lib/error-text.js';
import { useFormat } from '../../i18n/use-format.js';
import type { ListState } from './use-list-state.js';

/** One column. */
export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** CSS width, e.g. `120px` or `30%`. */
  width?: string;
  align?: 'left' | 'right' | 'center';
}

/** Props of the list frame. */
export interface AdminListProps<T> {
  entity: string;
  title: string;
  columns: Column<T>[];
  query: UseQueryResult<Paged<T>>;
  list: Pick<ListState<object>, 'page' | 'setPage' | 'search' | 'setSearch'> & { params: { q?: string } };
  rowKey: (row: T) => number;
  filters?: ReactNode;
  createLabel?: string;
  onCreate?: () => void;
  /** Buttons at the end of each row. */
  actions?: (row: T) => ReactNode;
  /** Content shown under a row when it is clicked. */
  expand?: (row: T) => ReactNode;
  searchPlaceholder?: string;
}

/** The list frame. */
export function AdminList<T>({
  entity,
  title,
  columns,
  query,
  list,
  rowKey,
  filters,
  createLabel,
  onCreate,
  actions,
  expand,
  searchPlaceholder,
}: AdminListProps<T>) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [open, setOpen] = useState<number | null>(null);
  const meta = query.data?.meta;
  const pages = meta ? Math.max(1, Math.ceil(meta.total / meta.per_page)) : 1;
  const width = columns.length + (actions ? 1 : 0) + (expand ? 1 : 0);

  return (
    <section className="admin" data-testid="admin-screen" data-entity={entity}>
      <Group justify="space-between" wrap="nowrap" mb="sm">
        <Group gap="sm" align="baseline" wrap="nowrap">
          <Title order={1} size="h3">
            {title}
          </Title>
          <Text size="sm" c="dimmed" data-testid="list-total" data-total={meta?.total ?? ''}>
            {meta ? t('list.total', { n: fmt.number(meta.total) }) : ''}
          </Text>
          {query.isFetching && <Loader size="xs" type="dots" color="gray" />}
        </Group>
        {onCreate && (
          <Button onClick={onCreate} data-testid="create-button">
            {createLabel}
          </Button>
        )}
      </Group>
      <Group gap="sm" mb="sm" wrap="wrap" className="admin__toolbar">
        <TextInput
          placeholder={searchPlaceholder ?? t('list.search')}
          value={list.search}
          onChange={(e) => list.setSearch(e.currentTarget.value)}
          w={260}
          data-testid="list-search"
          aria-label={t('list.search')}
        />
        {filters}
      </Group>
      {query.error && (
        <Alert color="red" variant="light" mb="sm" data-testid="list-error">
          {errorText(query.error, t)}
        </Alert>
      )}
      <div className="admin__table-wrap">
        <Table
          striped
          highlightOnHover
          verticalSpacing={6}
          className="admin__table"
          data-testid="admin-table"
          stickyHeader
        >
          <Table.Thead>
            <Table.Tr>
              {expand && (
                <Table.Th style={{ width: 1 }}>
                  <VisuallyHidden>{t('list.details')}</VisuallyHidden>
                </Table.Th>
              )}
              {columns.map((c) => (
                <Table.Th key={c.key} style={{ width: c.width, textAlign: c.align }}>
                  {c.header}
                </Table.Th>
              ))}
              {actions && (
                <Table.Th style={{ width: 1 }}>
                  <VisuallyHidden>{t('list.actions')}</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {query.data?.items.map((row) => {
              const key = rowKey(row);
              const expanded = expand !== undefined && open === key;
              return (
                <Fragment key={key}>
                  <Table.Tr
                    data-testid="admin-row"
                    data-id={key}
                    className={expand ? 'admin__row--expandable' : undefined}
                    onClick={expand ? () => setOpen(expanded ? null : key) : undefined}
                  >
                    {expand && (
                      // a table row cannot be expanded (aria-expanded is for treegrid rows): its button is
                      <Table.Td>
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          size="sm"
                          aria-expanded={expanded}
                          aria-label={t('list.details')}
                          onClick={(e) => {
                            e.stopPropagation();
                            setOpen(expanded ? null : key);
                          }}
                          data-testid="row-toggle"
                        >
                          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
                        </ActionIcon>
                      </Table.Td>
                    )}
                    {columns.map((c) => (
                      <Table.Td key={c.key} style={{ textAlign: c.align }}>
                        {c.render(row)}
                      </Table.Td>
                    ))}
                    {actions && (
                      <Table.Td onClick={(e) => e.stopPropagation()}>
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          {actions(row)}
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                  {expanded && (
                    <Table.Tr data-testid="row-expanded">
                      <Table.Td colSpan={width}>{expand(row)}</Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              );
            })}
          </Table.Tbody>
        </Table>
        {query.data && query.data.items.length === 0 && (
          <Text c="dimmed" ta="center" py="xl" data-testid="list-empty">
            {list.params.q ? t('list.noMatch') : t('list.empty')}
          </Text>
        )}
        {query.isPending && (
          <Group justify="center" py="xl">
            <Loader type="dots" color="gray" />
          </Group>
        )}
      </div>
      {pages > 1 && (
        <Group justify="flex-end" mt="sm">
          <Pagination total={pages} value={list.page} onChange={list.setPage} size="sm" data-testid="list-pager" />
        </Group>
      )}
    </section>
  );
}

/** The edit and delete buttons of a row. Test hooks: `row-edit`, `row-delete`. */
export function RowActions({
  onEdit,
  onDelete,
  extra,
}: {
  onEdit?: () => void;
  onDelete?: () => void;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      {extra}
      {onEdit && (
        <Button size="compact-xs" variant="subtle" onClick={onEdit} data-testid="row-edit">
          {t('common.edit')}
        </Button>
      )}
      {onDelete && (
        <Button size="compact-xs" variant="subtle" color="red" onClick={onDelete} data-testid="row-delete">
          {t('common.delete')}
        </Button>
      )}
    </>
  );
}
