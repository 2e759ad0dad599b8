/**
 * Failed jobs (S3): the jobs that spent their retry schedule, newest first, a page at a time,
 * optionally of one queue; each with its error, attempts and payload (a click expands the
 * whole payload and error). Retry one, retry all (of the chosen queue), delete (after a
 * confirmation). Live: `queue_stats` events refetch the page (queues-screen.tsx).
 *
 * Test hooks: `failed-jobs`, `failed-filter-queue`, `failed-retry-all`, `failed-total`
 * (`data-total`), `failed-row` (`data-id`, `data-queue`, `data-type`), `failed-toggle` (the row's
 * disclosure button, `aria-expanded`), `failed-retry`,
 * `failed-delete`, `failed-detail`, `failed-payload`, `failed-pager`, `failed-empty`.
 */
import { Fragment, useState } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Pagination,
  Select,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { FailedJob } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { errorText } from '../../lib/error-text.js';
import { useFormat } from '../../i18n/use-format.js';
import { confirmDelete } from '../admin/confirm-delete.js';
import { payloadSummary } from './queue-model.js';
import { useQueueLabel } from './queue-table.js';

/** Failed jobs per page. */
export const FAILED_PER_PAGE = 20;

function FailedDetail({ job }: { job: FailedJob }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" data-testid="failed-detail">
      <Text size="xs" fw={600}>
        {t('queues.error')}
      </Text>
      {/* focusable: a long error or payload scrolls, and a keyboard must be able to scroll it */}
      <Code block className="queues__json" tabIndex={0} aria-label={t('queues.error')}>
        {job.error}
      </Code>
      <Text size="xs" fw={600}>
        {t('queues.payload')}
      </Text>
      <Code block className="queues__json" data-testid="failed-payload" tabIndex={0} aria-label={t('queues.payload')}>
        {JSON.stringify(job.payload, null, 2)}
      </Code>
    </Stack>
  );
}

/** The failed jobs panel. `queue`/`setQueue`: the queue filter, shared with the queue table's failed counts. */
export function FailedJobs({
  queues,
  queue,
  setQueue,
}: {
  queues: readonly string[];
  queue: string | null;
  setQueue: (q: string | null) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const api = useApi();
  const label = useQueueLabel();
  const client = useQueryClient();
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<number | null>(null);
  const params = { page, per_page: FAILED_PER_PAGE, ...(queue ? { queue } : {}) };
  const list = useQuery({
    queryKey: queryKeys.page('failed-jobs', params),
    queryFn: () => api.failedJobsPage(params),
    placeholderData: keepPreviousData,
    refetchOnMount: 'always',
  });
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['failed-jobs'] }),
      client.invalidateQueries({ queryKey: ['queues'] }),
    ]);
  const failedToast = (err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) });
  const retry = useMutation({
    mutationFn: (job: FailedJob) => api.retryFailedJob(job.id),
    onSuccess: (r, job) =>
      notifications.show({ color: 'teal', message: t('queues.retried', { id: job.id, job: r.job_id }) }),
    onError: failedToast,
    onSettled: refresh,
  });
  const retryAll = useMutation({
    mutationFn: () => api.retryAllFailedJobs(queue === null ? {} : { queue }),
    onSuccess: (r) => notifications.show({ color: 'teal', message: t('queues.retriedAll', { n: r.retried }) }),
    onError: failedToast,
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (job: FailedJob) => api.deleteFailedJob(job.id),
    onSuccess: (_r, job) => notifications.show({ color: 'teal', message: t('queues.deleted', { id: job.id }) }),
    onError: failedToast,
    onSettled: refresh,
  });
  const meta = list.data?.meta;
  const pages = meta ? Math.max(1, Math.ceil(meta.total / meta.per_page)) : 1;

  return (
    <section className="queues__failed" data-testid="failed-jobs">
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Group gap="sm" align="baseline">
          <Title order={2} size="h4">
            {t('queues.failedTitle')}
          </Title>
          <Text size="sm" c="dimmed" data-testid="failed-total" data-total={meta?.total ?? ''}>
            {meta ? t('list.total', { n: fmt.number(meta.total) }) : ''}
          </Text>
        </Group>
        <Group gap="sm">
          <Select
            placeholder={t('queues.allQueues')}
            clearable
            w={220}
            data={queues.map((q) => ({ value: q, label: label(q) }))}
            value={queue}
            onChange={(v) => {
              setQueue(v);
              setPage(1);
              setOpen(null);
            }}
            data-testid="failed-filter-queue"
            aria-label={t('queues.queue')}
          />
          <Button
            variant="light"
            disabled={!meta?.total}
            loading={retryAll.isPending}
            onClick={() => retryAll.mutate()}
            data-testid="failed-retry-all"
          >
            {queue ? t('queues.retryAllOf', { queue: label(queue) }) : t('queues.retryAll')}
          </Button>
        </Group>
      </Group>
      {list.error && (
        <Alert color="red" variant="light" mb="sm">
          {errorText(list.error, t)}
        </Alert>
      )}
      <Table striped highlightOnHover verticalSpacing={6} className="queues__table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={1}>
              <VisuallyHidden>{t('list.details')}</VisuallyHidden>
            </Table.Th>
            <Table.Th w={170}>{t('queues.failedAt')}</Table.Th>
            <Table.Th w={150}>{t('queues.queue')}</Table.Th>
            <Table.Th w={170}>{t('queues.type')}</Table.Th>
            <Table.Th w={80} ta="right">
              {t('queues.attempts')}
            </Table.Th>
            <Table.Th>{t('queues.error')}</Table.Th>
            <Table.Th w={1}>
              <VisuallyHidden>{t('list.actions')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.items.map((job) => {
            const expanded = open === job.id;
            return (
              <Fragment key={job.id}>
                <Table.Tr
                  className="queues__failed-row"
                  data-testid="failed-row"
                  data-id={job.id}
                  data-queue={job.queue}
                  data-type={job.type}
                  onClick={() => setOpen(expanded ? null : job.id)}
                >
                  <Table.Td>
                    {/* a table row cannot be expanded (aria-expanded is for treegrid rows): its button is */}
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      size="sm"
                      aria-expanded={expanded}
                      aria-label={t('list.details')}
                      onClick={(e) => {
                        e.stopPropagation();
                        setOpen(expanded ? null : job.id);
                      }}
                      data-testid="failed-toggle"
                    >
                      <span aria-hidden="true">{expanded ? '▾' : '▸'}</span>
                    </ActionIcon>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {fmt.dateTime(job.failed_at)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" size="sm">
                      {label(job.queue)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {job.type}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{job.attempts}</Table.Td>
                  <Table.Td>
                    <Text size="sm" c="red.4" lineClamp={1} title={job.error}>
                      {job.error}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace" lineClamp={1}>
                      {payloadSummary(job.payload)}
                    </Text>
                  </Table.Td>
                  <Table.Td onClick={(e) => e.stopPropagation()}>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={retry.isPending && retry.variables?.id === job.id}
                        onClick={() => retry.mutate(job)}
                        data-testid="failed-retry"
                      >
                        {t('queues.retry')}
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        onClick={() =>
                          confirmDelete(t, t('queues.jobName', { id: job.id, type: job.type }), () =>
                            remove.mutate(job),
                          )
                        }
                        data-testid="failed-delete"
                      >
                        {t('common.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr>
                    <Table.Td colSpan={7}>
                      <FailedDetail job={job} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
      {list.data && list.data.items.length === 0 && (
        <Text c="dimmed" ta="center" py="lg" data-testid="failed-empty">
          {t('queues.noFailed')}
        </Text>
      )}
      {pages > 1 && (
        <Group justify="flex-end" mt="sm">
          <Pagination total={pages} value={page} onChange={setPage} size="sm" data-testid="failed-pager" />
        </Group>
      )}
    </section>
  );
}
