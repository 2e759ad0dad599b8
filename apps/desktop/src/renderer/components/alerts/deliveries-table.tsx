/**
 * Recent WhatsApp deliveries of a branch (or all), or of one counting report, newest first,
 * with their status kept live by notification_update (the realtime invalidation refreshes
 * `['alerts', …]`), and "resend" for uncertain or failed ones.
 *
 * Test hooks: `deliveries-table`, `delivery-row[data-id][data-status]`, `delivery-resend`.
 */
import { Alert, Badge, Button, Table, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../data/use-api.js';
import { useFormat } from '../../i18n/use-format.js';
import { errorText } from '../../lib/error-text.js';
import { canResend, statusColor } from './alerts-model.js';

/**
 * The last 50 deliveries matching `filter` (`{}`: every branch in scope; `branch_id`; a
 * report's `report_id`), under `title` (default "Recent deliveries"); `hideWhenEmpty` shows
 * nothing at all until there is one.
 */
export function DeliveriesTable({
  filter,
  timeZone,
  title,
  hideWhenEmpty = false,
}: {
  filter: { branch_id?: number; report_id?: number };
  timeZone?: string | undefined;
  title?: string;
  hideWhenEmpty?: boolean;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const q = useQuery({
    queryKey: ['alerts', 'deliveries', filter],
    queryFn: () => api.deliveriesPage({ per_page: 50, ...filter }),
  });
  if (hideWhenEmpty && !q.error && (q.data?.items.length ?? 0) === 0) return null;
  const resend = (id: number) =>
    api.resendDelivery(id).then(
      () => void queryClient.invalidateQueries({ queryKey: ['alerts', 'deliveries'] }),
      (err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }),
    );
  return (
    <>
      <Title order={2} size="h5">
        {title ?? t('alerts.deliveries.title')}
      </Title>
      {q.error && <Alert color="red">{errorText(q.error, t)}</Alert>}
      <Table striped highlightOnHover data-testid="deliveries-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('alerts.deliveries.time')}</Table.Th>
            <Table.Th>{t('alerts.deliveries.phone')}</Table.Th>
            <Table.Th>{t('alerts.deliveries.kind')}</Table.Th>
            <Table.Th>{t('alerts.deliveries.status')}</Table.Th>
            <Table.Th>{t('alerts.deliveries.message')}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t('list.actions')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(q.data?.items ?? []).map((d) => (
            <Table.Tr key={d.id} data-testid="delivery-row" data-id={d.id} data-status={d.status}>
              <Table.Td>{fmt.dateTime(d.queued_at, timeZone)}</Table.Td>
              <Table.Td>{d.phone}</Table.Td>
              <Table.Td>{t(`alerts.deliveries.kinds.${d.kind}`)}</Table.Td>
              <Table.Td>
                <Tooltip label={d.error ?? ''} disabled={!d.error}>
                  <Badge color={statusColor(d.status)} variant="light">
                    {t(`alerts.status.${d.status}`)}
                  </Badge>
                </Tooltip>
              </Table.Td>
              <Table.Td>
                <Text size="xs" lineClamp={1} maw={360}>
                  {d.message}
                </Text>
              </Table.Td>
              <Table.Td>
                {canResend(d) && (
                  <Button
                    size="xs"
                    variant="light"
                    color="orange"
                    onClick={() => void resend(d.id)}
                    data-testid="delivery-resend"
                  >
                    {t('alerts.deliveries.resend')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {q.data && q.data.items.length === 0 && (
        <Text c="dimmed" size="sm">
          {t('alerts.deliveries.empty')}
        </Text>
      )}
    </>
  );
}
