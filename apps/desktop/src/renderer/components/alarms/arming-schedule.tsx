/**
 * A branch's arming schedule (issue 14) on the Rules tab: the arming modes the branch switches
 * to by time ("night" 22:00–06:00, "weekend" Saturday and Sunday), each painted on the week grid
 * in the branch's zone. The first entry on wins; outside every entry the branch has no mode. The
 * schedule switches the mode at its boundaries only (an operator's switch by hand holds until the
 * next one) and never arms or disarms. Admins edit it; everyone sees it.
 *
 * Test hooks: `arming-schedule`, `arming-schedule-entry[data-mode]`, `arming-schedule-edit`,
 * `arming-schedule-form`, `arming-schedule-add`, `arming-schedule-mode`, `arming-schedule-remove`,
 * `arming-schedule-save`, `arming-schedule-error`.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ArmingScheduleEntry } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { formErrorsFor } from '../../lib/form-errors.js';
import { useSessionStore } from '../../stores/session-store.js';
import { useArming } from './arming-control.js';
import { TimeGrid } from './time-grid.js';
import { emptyGrid, gridOf, hoursOn, weeklyOf, type WeekGrid } from './time-grid-model.js';

interface Row {
  mode: string;
  grid: WeekGrid;
  /** the stored entry, sent back as it is unless its grid was painted */
  stored: ArmingScheduleEntry | null;
  touched: boolean;
}

function EditForm({
  branchId,
  zone,
  entries,
  onDone,
}: {
  branchId: number;
  zone: string;
  entries: ArmingScheduleEntry[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const [rows, setRows] = useState<Row[]>(() =>
    entries.map((e) => ({ mode: e.mode, grid: gridOf(e.schedule), stored: e, touched: false })),
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const patch = (i: number, p: Partial<Row>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...p } : r)));
  const save = () => {
    setBusy(true);
    const body = rows.map((r) => ({
      mode: r.mode.trim(),
      schedule:
        !r.touched && r.stored
          ? r.stored.schedule
          : { weekly: weeklyOf(r.grid), exceptions: r.stored?.schedule.exceptions ?? [] },
    }));
    api
      .setArmingSchedule(branchId, { entries: body })
      .then(
        (after) => {
          client.setQueryData(queryKeys.armings(), (list: Array<{ branch_id: number }> | undefined) =>
            list?.map((a) => (a.branch_id === branchId ? after : a)),
          );
          onDone();
        },
        (err: unknown) => {
          const f = formErrorsFor(err, ['entries'], t);
          setError(f.general ?? Object.values(f.fields)[0] ?? null);
        },
      )
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="md" data-testid="arming-schedule-form">
      <Text size="sm" c="dimmed">
        {t('arming.schedule.intro', { zone })}
      </Text>
      {rows.map((r, i) => (
        <Stack key={i} gap={6}>
          <Group align="flex-end">
            <TextInput
              label={t('arming.mode')}
              value={r.mode}
              onChange={(e) => patch(i, { mode: e.currentTarget.value })}
              maxLength={40}
              w={220}
              data-testid="arming-schedule-mode"
            />
            <Text size="xs" c="dimmed">
              {t('rules.schedule.hours', { count: hoursOn(r.grid), n: hoursOn(r.grid) })}
            </Text>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              ml="auto"
              onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
              data-testid="arming-schedule-remove"
            >
              {t('common.delete')}
            </Button>
          </Group>
          <TimeGrid grid={r.grid} onChange={(grid) => patch(i, { grid, touched: true })} zone={zone} />
        </Stack>
      ))}
      <Button
        variant="light"
        w="fit-content"
        size="xs"
        disabled={rows.length >= 10}
        onClick={() => setRows((rs) => [...rs, { mode: '', grid: emptyGrid(), stored: null, touched: true }])}
        data-testid="arming-schedule-add"
      >
        {t('arming.schedule.add')}
      </Button>
      {error && (
        <Alert color="red" data-testid="arming-schedule-error">
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button
          onClick={save}
          loading={busy}
          disabled={rows.some((r) => r.mode.trim() === '')}
          data-testid="arming-schedule-save"
        >
          {t('common.save')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The schedule of one branch: its entries, and the editor for admins. */
export function ArmingSchedule({ branchId, zone }: { branchId: number; zone: string }) {
  const { t } = useTranslation();
  const isAdmin = useSessionStore((s) => s.user?.role === 'admin');
  const arming = useArming(branchId);
  const [open, setOpen] = useState(false);
  if (!arming) return null;
  return (
    <Group gap="xs" data-testid="arming-schedule" mb="sm">
      <Text size="sm" c="dimmed">
        {t('arming.schedule.title')}:
      </Text>
      {arming.schedule.length === 0 ? (
        <Text size="sm">{t('arming.schedule.none')}</Text>
      ) : (
        arming.schedule.map((e) => (
          <Badge
            key={e.mode}
            variant="outline"
            style={{ textTransform: 'none' }}
            data-testid="arming-schedule-entry"
            data-mode={e.mode}
          >
            {e.mode} ·{' '}
            {t('rules.schedule.hours', { count: hoursOn(gridOf(e.schedule)), n: hoursOn(gridOf(e.schedule)) })}
          </Badge>
        ))
      )}
      {isAdmin && (
        <Button size="compact-xs" variant="light" onClick={() => setOpen(true)} data-testid="arming-schedule-edit">
          {t('common.edit')}
        </Button>
      )}
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={t('arming.schedule.edit', { name: arming.branch_name })}
        size="xl"
      >
        {open && <EditForm branchId={branchId} zone={zone} entries={arming.schedule} onDone={() => setOpen(false)} />}
      </Modal>
    </Group>
  );
}
