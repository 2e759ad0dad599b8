/**
 * The acknowledgement service level (issue 14, the Alarms screen's "Service level" tab): for a
 * range of site-local days, per branch and day and per operator and day, how many alarms, how
 * many acknowledged, the median and 90th percentile time from raised to acknowledged, and the
 * breaches of the rules' targets. Figures from `GET /api/v1/alarms/service-level`.
 *
 * Test hooks: `service-level`, `sl-from`, `sl-to`, `sl-total`, `sl-branch-row[data-branch-id][data-day]`,
 * `sl-operator-row[data-user-id][data-day]`.
 */
import { useState } from 'react';
import { Alert, Group, Loader, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AckTimes } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { errorText } from '../../lib/error-text.js';
import { useFormat } from '../../i18n/use-format.js';
import { useBranchTimeZones } from '../../data/use-camera-tree.js';

/** Seconds as the table shows them: `45 s`, `3 m 05 s`, or — when none. */
export function ackDuration(s: number | null): string {
  if (s === null) return '—';
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  return `${m} m ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}

/** The calendar day YYYY-MM-DD of an instant in a zone. */
const dayIn = (t: number, zone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);

/** A day YYYY-MM-DD moved by `n` days. */
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The default range: the last seven days up to the latest "today" of the branches' zones (each
 * alarm counts in its branch's own day, so a console in another zone, or just past a branch's
 * midnight, still sees today's alarms).
 */
function defaultRange(zones: Iterable<string>, now = Date.now()): { from: string; to: string } {
  let to = dayIn(now, Intl.DateTimeFormat().resolvedOptions().timeZone);
  for (const z of zones) {
    const d = dayIn(now, z);
    if (d > to) to = d;
  }
  return { from: addDays(to, -6), to };
}

function Figures({ f }: { f: AckTimes }) {
  const fmt = useFormat();
  return (
    <>
      <Table.Td>{fmt.number(f.alarms)}</Table.Td>
      <Table.Td>{fmt.number(f.acknowledged)}</Table.Td>
      <Table.Td>{ackDuration(f.p50_s)}</Table.Td>
      <Table.Td>{ackDuration(f.p90_s)}</Table.Td>
      <Table.Td c={f.breaches > 0 ? 'red' : undefined} fw={f.breaches > 0 ? 600 : undefined}>
        {f.with_target > 0 ? `${fmt.number(f.breaches)} / ${fmt.number(f.with_target)}` : '—'}
      </Table.Td>
    </>
  );
}

function Head({ first }: { first: string }) {
  const { t } = useTranslation();
  return (
    <Table.Thead>
      <Table.Tr>
        <Table.Th>{t('sla.day')}</Table.Th>
        <Table.Th>{first}</Table.Th>
        <Table.Th>{t('sla.alarms')}</Table.Th>
        <Table.Th>{t('sla.acknowledged')}</Table.Th>
        <Table.Th>{t('sla.p50')}</Table.Th>
        <Table.Th>{t('sla.p90')}</Table.Th>
        <Table.Th>{t('sla.breaches')}</Table.Th>
      </Table.Tr>
    </Table.Thead>
  );
}

/** Range picker and the two tables. */
export function ServiceLevelPanel() {
  const { t } = useTranslation();
  const api = useApi();
  const zones = useBranchTimeZones();
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const { from, to } = range ?? defaultRange(new Set(zones.values()));
  const setFrom = (v: string) => setRange({ from: v, to });
  const setTo = (v: string) => setRange({ from, to: v });
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to);
  const q = useQuery({
    queryKey: queryKeys.serviceLevel({ from, to }),
    queryFn: () => api.alarmServiceLevel({ from, to }),
    enabled: valid,
    retry: false,
    // figures of days, not of the moment: refreshed every half minute while shown, not on every alarm change
    staleTime: 30_000,
    refetchInterval: 30_000,
  });
  return (
    <section data-testid="service-level">
      <Title order={2} size="h4" mb={4}>
        {t('sla.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('sla.intro')}
      </Text>
      <Group mb="sm">
        <TextInput
          type="date"
          label={t('sla.from')}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
          data-testid="sl-from"
        />
        <TextInput
          type="date"
          label={t('sla.to')}
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          data-testid="sl-to"
        />
      </Group>
      {q.isPending && valid ? (
        <Loader size="sm" />
      ) : q.error ? (
        <Alert color="red">{errorText(q.error, t)}</Alert>
      ) : q.data ? (
        <>
          <Table withTableBorder mb="md" data-testid="sl-total">
            <Head first={t('sla.all')} />
            <Table.Tbody>
              <Table.Tr>
                <Table.Td>
                  {q.data.from} – {q.data.to}
                </Table.Td>
                <Table.Td>{t('sla.all')}</Table.Td>
                <Figures f={q.data.total} />
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Text fw={600} size="sm" mb={4}>
            {t('sla.perBranch')}
          </Text>
          <Table striped mb="md">
            <Head first={t('feed.branch')} />
            <Table.Tbody>
              {q.data.branches.map((b) => (
                <Table.Tr
                  key={`${b.branch_id}-${b.day}`}
                  data-testid="sl-branch-row"
                  data-branch-id={b.branch_id}
                  data-day={b.day}
                >
                  <Table.Td>{b.day}</Table.Td>
                  <Table.Td>{b.branch_name}</Table.Td>
                  <Figures f={b} />
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text fw={600} size="sm" mb={4}>
            {t('sla.perOperator')}
          </Text>
          <Table striped>
            <Head first={t('sla.operator')} />
            <Table.Tbody>
              {q.data.operators.map((o) => (
                <Table.Tr
                  key={`${o.user_id}-${o.day}`}
                  data-testid="sl-operator-row"
                  data-user-id={o.user_id}
                  data-day={o.day}
                >
                  <Table.Td>{o.day}</Table.Td>
                  <Table.Td>{o.user_name}</Table.Td>
                  <Figures f={o} />
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      ) : null}
    </section>
  );
}
