/**
 * The dashboard's three charts (chart.js through react-chartjs-2): detections per hour today
 * against yesterday, the top branches today, and unique persons per day over 14 days. Each chart
 * is created once; new figures replace its data and chart.js redraws the same canvas
 * (react-chartjs-2 updates the chart in place unless `redraw` is set), so a wall display
 * refreshing once a second never rebuilds a chart.
 *
 * Test hooks: `chart-hourly`, `chart-branches`, `chart-persons` (each wraps its canvas, with
 * `data-points` = the figures drawn, for tests to read without pixels).
 */
import { Bar, Line } from 'react-chartjs-2';
import { useMemo } from 'react';
import { Card, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Dashboard } from '@pantau/shared';
import { barOptions, lineOptions } from '../../lib/chart-options.js';

const TODAY = '#1c7ed6';
const YESTERDAY = '#adb5bd';
const PERSONS = '#2f9e44';

/** Props: the dashboard's figures and the locale to print numbers in. */
export interface DashboardChartsProps {
  data: Dashboard;
  locale: string;
}

/** The three charts in a row (stacked on a narrow window). */
export function DashboardCharts({ data, locale }: DashboardChartsProps) {
  const { t } = useTranslation();
  const hours = useMemo(() => data.hourly.map((h) => String(h.hour).padStart(2, '0')), [data.hourly]);
  const hourly = {
    labels: hours,
    datasets: [
      { label: t('dashboard.today'), data: data.hourly.map((h) => h.detections), backgroundColor: TODAY },
      {
        label: t('dashboard.yesterday'),
        data: data.hourly_yesterday.map((h) => h.detections),
        backgroundColor: YESTERDAY,
      },
    ],
  };
  const branches = {
    labels: data.top_branches.map((b) => b.branch_name),
    datasets: [
      { label: t('dashboard.detections'), data: data.top_branches.map((b) => b.detections), backgroundColor: TODAY },
    ],
  };
  const persons = {
    labels: data.daily_persons.map((d) => d.date.slice(5)),
    datasets: [
      {
        label: t('dashboard.uniquePersons'),
        data: data.daily_persons.map((d) => d.unique_persons),
        borderColor: PERSONS,
        backgroundColor: PERSONS,
        tension: 0.25,
      },
    ],
  };
  return (
    <div className="dashboard-charts">
      <Card withBorder padding="sm" className="dashboard-chart dashboard-chart-wide">
        <Text fw={600} size="sm" mb={4}>
          {t('dashboard.hourlyTitle')}
        </Text>
        <div className="dashboard-canvas" data-testid="chart-hourly" data-points={hourly.datasets[0]!.data.join(',')}>
          <Bar
            data={hourly}
            options={barOptions(locale, { legend: true })}
            aria-label={t('dashboard.hourlyTitle')}
            role="img"
          />
        </div>
      </Card>
      <Card withBorder padding="sm" className="dashboard-chart">
        <Text fw={600} size="sm" mb={4}>
          {t('dashboard.branchesTitle')}
        </Text>
        <div
          className="dashboard-canvas"
          data-testid="chart-branches"
          data-points={branches.datasets[0]!.data.join(',')}
        >
          {data.top_branches.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('dashboard.noDetectionsToday')}
            </Text>
          ) : (
            <Bar
              data={branches}
              options={barOptions(locale, { horizontal: true })}
              aria-label={t('dashboard.branchesTitle')}
              role="img"
            />
          )}
        </div>
      </Card>
      <Card withBorder padding="sm" className="dashboard-chart">
        <Text fw={600} size="sm" mb={4}>
          {t('dashboard.personsTitle')}
        </Text>
        <div className="dashboard-canvas" data-testid="chart-persons" data-points={persons.datasets[0]!.data.join(',')}>
          <Line data={persons} options={lineOptions(locale)} aria-label={t('dashboard.personsTitle')} role="img" />
        </div>
      </Card>
    </div>
  );
}
