/**
 * Counting reports (D8, issue 13): pick a type, a day of the period (site-local) and a branch,
 * a group (province) or everything in scope; the cached report shows at once, or a progress
 * state while the server generates it (202) until `report_ready` (or, as a fallback, a poll
 * every 2 s) says it is there. The report: KPIs with the previous period, hourly / daily / device
 * charts (chart.js), device, branch and top-person tables, the peak hour; "updated at HH:MM
 * with N late detections" after a regeneration for late detections; export as PDF, CSV or XLSX
 * (in the console's language). Admins set below who receives the daily reports on WhatsApp
 * (report-recipients.tsx).
 *
 * Test hooks: `reports` (the screen), `report-type`, `report-date`, `report-group`,
 * `report-branch`, `report-generating`; the report's own in report-view.tsx.
 */
import { useEffect, useState } from 'react';
import { Alert, Group, Loader, SegmentedControl, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CountingReport, ReportFormat, ReportPending, ReportType } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { ScopePicker } from '../common/scope-picker.js';
import { ReportView } from './report-view.js';
import { useThrottledEvents } from '../../realtime/use-throttled-events.js';
import { errorText } from '../../lib/error-text.js';
import { useFormat } from '../../i18n/use-format.js';
import { saveBytes } from '../../lib/save-file.js';
import { useSessionStore } from '../../stores/session-store.js';
import { DeliveriesTable } from '../alerts/deliveries-table.js';
import { ReportRecipientsEditor } from './report-recipients.js';

/** While a report is generated and no report_ready came, ask again this often, ms. */
const POLL_MS = 2000;

/** Yesterday as YYYY-MM-DD in the browser's zone (the default day). */
function yesterday(): string {
  const d = new Date(Date.now() - 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The screen. */
export function ReportsScreen() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const [type, setType] = useState<ReportType>('daily');
  const [date, setDate] = useState(yesterday);
  const [groupId, setGroupId] = useState<number | null>(null);
  const [branchId, setBranchId] = useState<number | null>(null);
  const [exporting, setExporting] = useState<ReportFormat | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const validDate = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const isAdmin = useSessionStore((st) => st.user?.role === 'admin');

  const query = useQuery({
    queryKey: ['report', { type, date, groupId, branchId }],
    queryFn: () =>
      api.report(type, {
        date,
        ...(branchId ? { branch_id: branchId } : groupId ? { group_id: groupId } : {}),
      }),
    enabled: validDate,
    placeholderData: keepPreviousData,
    // every look asks the server: it answers from its cache, and finds a report gone stale
    staleTime: 0,
    refetchOnMount: 'always',
    // generating, or regenerating a stale report: ask again until it is there
    refetchInterval: (q) => {
      const r = q.state.data;
      return r && (r.status === 202 || (r.data as CountingReport).stale) ? POLL_MS : false;
    },
  });
  const answer = query.data;
  const report = answer?.status === 200 ? (answer.data as CountingReport) : null;
  const generating = answer?.status === 202;
  // the report on screen, or the one being generated for it (a branch's report_ready reaches
  // every console of the branch: the others are not this screen's business)
  const shownId = report?.id ?? (generating ? (answer.data as ReportPending).report_id : null);
  useThrottledEvents(
    (e) => e.type === 'report_ready' && (shownId === null || e.data.report_id === shownId),
    () => void query.refetch(),
    { intervalMs: 300 },
  );
  useEffect(() => setExportError(null), [report?.id]);

  const download = async (format: ReportFormat) => {
    if (!report) return;
    setExporting(format);
    setExportError(null);
    try {
      const f = await api.download(`/api/v1/reports/${report.id}/export`, {
        format,
        lang: i18n.language.startsWith('id') ? 'id' : 'en',
      });
      saveBytes(f.bytes, f.type, f.filename ?? `report-${report.id}.${format}`);
    } catch (err) {
      setExportError(errorText(err, t));
    } finally {
      setExporting(null);
    }
  };

  return (
    <section className="reports" data-testid="reports">
      <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap" gap="sm">
        <Group gap="sm" align="baseline">
          <Title order={1} size="h3">
            {t('nav.reports')}
          </Title>
          {query.isFetching && <Loader size="xs" type="dots" color="gray" />}
        </Group>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <SegmentedControl
            size="xs"
            value={type}
            onChange={(v) => setType(v as ReportType)}
            data={(['daily', 'weekly', 'monthly'] as const).map((v) => ({ value: v, label: t(`reports.type.${v}`) }))}
            data-testid="report-type"
          />
          <TextInput
            type="date"
            size="xs"
            label={t('reports.date')}
            value={date}
            onChange={(e) => setDate(e.currentTarget.value)}
            error={validDate ? undefined : t('reports.badDate')}
            data-testid="report-date"
          />
          <ScopePicker
            groupId={groupId}
            branchId={branchId}
            onChange={(next) => {
              setGroupId(next.groupId);
              setBranchId(next.branchId);
            }}
            testIdPrefix="report"
          />
        </Group>
      </Group>
      {query.error && (
        <Alert color="red" variant="light" mb="sm">
          {errorText(query.error, t)}
        </Alert>
      )}
      {generating && (
        <Alert color="blue" variant="light" mb="sm" data-testid="report-generating" icon={<Loader size="xs" />}>
          {t('reports.generating')}
        </Alert>
      )}
      {report && <ReportView report={report} onExport={download} exporting={exporting} locale={fmt.locale} />}
      {report && isAdmin && (
        <DeliveriesTable
          filter={{ report_id: report.id }}
          timeZone={report.timezone}
          title={t('reports.deliveries')}
          hideWhenEmpty
        />
      )}
      {exportError && (
        <Alert color="red" variant="light" mt="sm">
          {exportError}
        </Alert>
      )}
      {isAdmin && <ReportRecipientsEditor />}
    </section>
  );
}
