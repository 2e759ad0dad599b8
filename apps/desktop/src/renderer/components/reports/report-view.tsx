/**
 * One generated counting report (issue 13): title, period and zone, the late-detection line and
 * the stale badge, export buttons, KPIs with the change against the previous period, hourly /
 * daily / device charts (chart.js), and the device, top-person and branch tables.
 *
 * Test hooks: `report` (`data-id`, `data-total`), `report-kpi-<field>` (`data-value`),
 * `report-late`, `report-stale`, `report-export-<format>`, `report-chart-hourly`,
 * `report-chart-days`, `report-chart-devices` (`data-points`), `report-devices`,
 * `report-persons`, `report-branches` (tables).
 */
import { useMemo } from 'react';
import { Badge, Button, Card, Group, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Bar } from 'react-chartjs-2';
import type { CountingReport, ReportFormat } from '@pantau/shared';
import { useFormat } from '../../i18n/use-format.js';
import { barOptions } from '../../lib/chart-options.js';

const BAR = '#1c7ed6';
const PEAK = '#e8590c';

/** An instant as HH:MM in `timeZone` (what "updated at" says; the feed's clock has seconds). */
function hoursMinutes(iso: string, timeZone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(
    new Date(iso),
  );
}

/** One KPI card, with the change against the previous period when there was one. */
function Kpi({ field, label, value, previous }: { field: string; label: string; value: number; previous?: number }) {
  const fmt = useFormat();
  const { t } = useTranslation();
  const change = previous !== undefined && previous > 0 ? Math.round(((value - previous) / previous) * 100) : null;
  return (
    <Card withBorder padding="sm" data-testid={`report-kpi-${field}`} data-value={value}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {fmt.number(value)}
      </Text>
      {change !== null && (
        <Text size="xs" c={change >= 0 ? 'teal' : 'red'}>
          {t('reports.vsPrevious', { change: `${change >= 0 ? '+' : ''}${change}%` })}
        </Text>
      )}
    </Card>
  );
}

/** One generated report; `onExport` downloads it in a format, `exporting` is the one under way. */
export function ReportView({
  report,
  onExport,
  exporting,
  locale,
}: {
  report: CountingReport;
  onExport: (f: ReportFormat) => void;
  exporting: ReportFormat | null;
  locale: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const d = report.report_data;
  const names = useMemo(() => new Map(d.branch_breakdown.map((b) => [b.branch_id, b.branch_name])), [d]);
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const scope = report.branch_id === null && report.group_id === null ? t('reports.allBranches') : report.scope_name;
  const period =
    report.report_date === report.period_end ? report.report_date : `${report.report_date} – ${report.period_end}`;
  const hourly = {
    labels: d.hourly_breakdown.map((h) => String(h.hour).padStart(2, '0')),
    datasets: [
      {
        label: t('reports.detections'),
        data: d.hourly_breakdown.map((h) => h.detections),
        backgroundColor: d.hourly_breakdown.map((h) => (h.hour === d.peak_hour?.hour ? PEAK : BAR)),
      },
    ],
  };
  const days = {
    labels: d.daily_breakdown.map((x) => x.date.slice(5)),
    datasets: [
      { label: t('reports.detections'), data: d.daily_breakdown.map((x) => x.detections), backgroundColor: BAR },
    ],
  };
  const top = d.device_breakdown.slice(0, 10);
  const devices = {
    labels: top.map((x) => x.device_name),
    datasets: [{ label: t('reports.detections'), data: top.map((x) => x.detections), backgroundColor: BAR }],
  };
  return (
    <div data-testid="report" data-id={report.id} data-total={report.total_detections}>
      <Group justify="space-between" align="flex-start" mb="sm" wrap="wrap">
        <div>
          <Title order={2} size="h4">
            {t(`reports.title.${report.report_type}`)} · {scope}
          </Title>
          <Text size="sm" c="dimmed">
            {t('reports.period')}: {period} · {report.timezone} ·{' '}
            {t('reports.generatedAt', { time: fmt.dateTime(report.generated_at, report.timezone) })}
          </Text>
          {report.late_detections > 0 && (
            <Text size="sm" c="orange" data-testid="report-late">
              {t('reports.lateUpdate', {
                time: hoursMinutes(report.generated_at, report.timezone, locale),
                n: fmt.number(report.late_detections),
                count: report.late_detections,
              })}
            </Text>
          )}
          {report.stale && (
            <Badge color="orange" variant="light" mt={4} data-testid="report-stale">
              {t('reports.stale')}
            </Badge>
          )}
        </div>
        <Group gap="xs">
          {(['pdf', 'csv', 'xlsx'] as const).map((f) => (
            <Button
              key={f}
              size="xs"
              variant="default"
              loading={exporting === f}
              onClick={() => onExport(f)}
              data-testid={`report-export-${f}`}
            >
              {f.toUpperCase()}
            </Button>
          ))}
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" mb="sm">
        <Kpi
          field="total_detections"
          label={t('reports.detections')}
          value={report.total_detections}
          {...(d.previous ? { previous: d.previous.total_detections } : {})}
        />
        <Kpi
          field="total_detected_count"
          label={t('reports.counted')}
          value={report.total_detected_count}
          {...(d.previous ? { previous: d.previous.total_detected_count } : {})}
        />
        <Kpi
          field="unique_person_count"
          label={t('reports.unique')}
          value={report.unique_person_count}
          {...(d.previous ? { previous: d.previous.unique_person_count } : {})}
        />
        <Card withBorder padding="sm" data-testid="report-kpi-peak_hour" data-value={d.peak_hour?.hour ?? ''}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t('reports.peak')}
          </Text>
          <Text size="xl" fw={700}>
            {d.peak_hour ? hh(d.peak_hour.hour) : '—'}
          </Text>
          {d.peak_hour && (
            <Text size="xs" c="dimmed">
              {t('reports.detectionsN', { n: fmt.number(d.peak_hour.detections) })}
            </Text>
          )}
        </Card>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: report.report_type === 'daily' ? 2 : 3 }} spacing="sm" mb="sm">
        <Card withBorder padding="sm">
          <Text fw={600} size="sm" mb={4}>
            {t('reports.hourly')}
          </Text>
          <div
            style={{ height: 220 }}
            data-testid="report-chart-hourly"
            data-points={hourly.datasets[0]!.data.join(',')}
          >
            <Bar data={hourly} options={barOptions(locale)} aria-label={t('reports.hourly')} />
          </div>
        </Card>
        {report.report_type !== 'daily' && (
          <Card withBorder padding="sm">
            <Text fw={600} size="sm" mb={4}>
              {t('reports.daily')}
            </Text>
            <div style={{ height: 220 }} data-testid="report-chart-days" data-points={days.datasets[0]!.data.join(',')}>
              <Bar data={days} options={barOptions(locale)} aria-label={t('reports.daily')} />
            </div>
          </Card>
        )}
        <Card withBorder padding="sm">
          <Text fw={600} size="sm" mb={4}>
            {t('reports.devices')}
          </Text>
          <div
            style={{ height: 220 }}
            data-testid="report-chart-devices"
            data-points={devices.datasets[0]!.data.join(',')}
          >
            <Bar data={devices} options={barOptions(locale, { horizontal: true })} aria-label={t('reports.devices')} />
          </div>
        </Card>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
        <Card withBorder padding="sm">
          <Text fw={600} size="sm" mb={4}>
            {t('reports.deviceTable')}
          </Text>
          <Table striped data-testid="report-devices">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('reports.device')}</Table.Th>
                <Table.Th>{t('reports.branch')}</Table.Th>
                <Table.Th ta="right">{t('reports.detections')}</Table.Th>
                <Table.Th ta="right">{t('reports.counted')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.device_breakdown.map((x) => (
                <Table.Tr key={`${x.branch_id}-${x.device_id}`}>
                  <Table.Td>{x.device_name}</Table.Td>
                  <Table.Td>{names.get(x.branch_id) ?? ''}</Table.Td>
                  <Table.Td ta="right">{fmt.number(x.detections)}</Table.Td>
                  <Table.Td ta="right">{fmt.number(x.detected_count)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder padding="sm">
          <Text fw={600} size="sm" mb={4}>
            {t('reports.topPersons')}
          </Text>
          <Table striped data-testid="report-persons">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('reports.person')}</Table.Th>
                <Table.Th ta="right">{t('reports.detections')}</Table.Th>
                <Table.Th ta="right">{t('reports.branches')}</Table.Th>
                <Table.Th>{t('reports.firstSeen')}</Table.Th>
                <Table.Th>{t('reports.lastSeen')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.top_persons.map((p) => (
                <Table.Tr key={p.re_id}>
                  <Table.Td>
                    {p.re_id}
                    {p.label && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        · {p.label}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{fmt.number(p.detections)}</Table.Td>
                  <Table.Td ta="right">{fmt.number(p.branches)}</Table.Td>
                  <Table.Td>{fmt.dateTime(p.first_seen, report.timezone)}</Table.Td>
                  <Table.Td>{fmt.dateTime(p.last_seen, report.timezone)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
        {report.branch_ids.length > 1 && (
          <Card withBorder padding="sm">
            <Text fw={600} size="sm" mb={4}>
              {t('reports.branchTable')}
            </Text>
            <Table striped data-testid="report-branches">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('reports.branch')}</Table.Th>
                  <Table.Th ta="right">{t('reports.detections')}</Table.Th>
                  <Table.Th ta="right">{t('reports.counted')}</Table.Th>
                  <Table.Th ta="right">{t('reports.unique')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.branch_breakdown.map((b) => (
                  <Table.Tr key={b.branch_id}>
                    <Table.Td>{b.branch_name}</Table.Td>
                    <Table.Td ta="right">{fmt.number(b.detections)}</Table.Td>
                    <Table.Td ta="right">{fmt.number(b.detected_count)}</Table.Td>
                    <Table.Td ta="right">{fmt.number(b.unique_persons)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        )}
      </SimpleGrid>
    </div>
  );
}
