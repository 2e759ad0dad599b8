/**
 * The alarm rules of a branch (issue 14, the Alarms screen's "Rules" tab): which detections
 * raise an alarm, when and how loud. Everyone sees the branch's rules and its arming; admins
 * write them. The editor has the condition, the cameras, the time profile painted on a week grid
 * in the branch's own zone (or "always"), the priority, the arming modes, the cooldown and the
 * follow-ups (WhatsApp, auto-close, acknowledgement target, the instruction the operator sees);
 * beneath it a preview replays the branch's rules as they would be over yesterday's detections
 * ("with these rules, 12 of yesterday's 4,310 detections would have raised alarms").
 *
 * Test hooks: `rules-panel`, `rules-branch`, `rule-row[data-rule-id][data-enabled]`, `rule-new`,
 * `rule-edit`, `rule-delete`, `rule-form`, `rule-name`, `rule-condition`, `rule-value`,
 * `rule-cameras`, `rule-always`, `rule-priority`, `rule-modes`, `rule-cooldown`, `rule-whatsapp`,
 * `rule-auto-close`, `rule-ack-target`, `rule-instructions`, `rule-save`, `rule-error`,
 * `rule-preview`; the grid's are in time-grid.tsx.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  AlarmPriority,
  AlarmRuleDraft as AlarmRuleDraftSchema,
  defaultPriorityFor,
  type AlarmCondition,
  type AlarmRule,
  type AlarmRuleDraft,
  type TimeProfile,
} from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { useBranchOptions, useDeviceOptions } from '../../data/use-options.js';
import { useSessionStore } from '../../stores/session-store.js';
import { errorText } from '../../lib/error-text.js';
import { formErrorsFor } from '../../lib/form-errors.js';
import { useFormat } from '../../i18n/use-format.js';
import { lookOf } from './alarm-priority.js';
import { ArmingBadge } from './arming-control.js';
import { ArmingSchedule } from './arming-schedule.js';
import { TimeGrid } from './time-grid.js';
import { emptyGrid, gridOf, hoursOn, profileOf, type WeekGrid } from './time-grid-model.js';

const FIELDS = [
  'name',
  'condition',
  'device_ids',
  'schedule',
  'priority',
  'modes',
  'cooldown_s',
  'notify_whatsapp',
  'auto_close_minutes',
  'ack_target_s',
  'instructions',
] as const;

const CONDITIONS: ReadonlyArray<AlarmCondition['type']> = [
  'any_person',
  'count_at_least',
  'watchlist',
  'multi_branch',
  'camera_offline',
];

/** The value a condition type starts with, or null when it takes none. */
const DEFAULT_VALUE: Record<AlarmCondition['type'], number | null> = {
  any_person: null,
  count_at_least: 5,
  watchlist: null,
  multi_branch: 2,
  camera_offline: 60,
};

const conditionOf = (type: AlarmCondition['type'], value: number | string): AlarmCondition =>
  DEFAULT_VALUE[type] === null
    ? ({ type } as AlarmCondition)
    : ({ type, value: Number(value) || DEFAULT_VALUE[type]! } as AlarmCondition);

/** A rule's condition in words. */
function useConditionText() {
  const { t } = useTranslation();
  return (c: AlarmCondition) => t(`rules.condition.${c.type}Text`, { n: 'value' in c ? c.value : 0 });
}

/** The editor's state, as a draft the server takes. */
interface Draft {
  name: string;
  enabled: boolean;
  type: AlarmCondition['type'];
  value: number | string;
  device_ids: string[];
  always: boolean;
  grid: WeekGrid;
  /** the rule's stored schedule, sent back as it is unless the grid was painted */
  schedule0: TimeProfile | null;
  gridTouched: boolean;
  exceptions: TimeProfile['exceptions'];
  priority: AlarmPriority;
  /** whether the admin chose the priority (else it follows the condition) */
  priorityChosen: boolean;
  modes: string[];
  cooldown_s: number | string;
  notify_whatsapp: boolean;
  auto_close_minutes: number | string;
  ack_target_s: number | string;
  instructions: string;
}

function draftOf(rule: AlarmRule | null): Draft {
  const c: AlarmCondition = rule?.condition ?? { type: 'any_person' };
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    type: c.type,
    value: 'value' in c ? c.value : (DEFAULT_VALUE[c.type] ?? ''),
    device_ids: rule?.device_ids ?? [],
    always: (rule?.schedule ?? null) === null,
    // "always" turned off starts from an empty week: the admin paints the hours it is on
    grid: rule?.schedule ? gridOf(rule.schedule) : emptyGrid(),
    schedule0: rule?.schedule ?? null,
    gridTouched: false,
    exceptions: rule?.schedule?.exceptions ?? [],
    priority: rule?.priority ?? 'medium',
    priorityChosen: rule !== null,
    modes: rule?.modes ?? [],
    cooldown_s: rule?.cooldown_s ?? 60,
    notify_whatsapp: rule?.notify_whatsapp ?? true,
    auto_close_minutes: rule?.auto_close_minutes ?? '',
    ack_target_s: rule?.ack_target_s ?? '',
    instructions: rule?.instructions ?? '',
  };
}

const orNull = (v: number | string) => (v === '' || v === null ? null : Number(v));

/** The body the server takes for a draft. */
function bodyOf(d: Draft): AlarmRuleDraft & { enabled: boolean } {
  const condition = conditionOf(d.type, d.value);
  return {
    name: d.name.trim(),
    enabled: d.enabled,
    condition,
    device_ids: d.device_ids,
    // the grid has whole hours: a stored schedule (22:30–06:00, say) goes back untouched unless painted
    schedule: d.always
      ? null
      : !d.gridTouched && d.schedule0
        ? { weekly: d.schedule0.weekly, exceptions: d.exceptions }
        : profileOf(d.grid, d.exceptions),
    priority: d.priorityChosen ? d.priority : defaultPriorityFor(condition),
    modes: d.modes,
    cooldown_s: Number(d.cooldown_s) || 0,
    notify_whatsapp: d.notify_whatsapp,
    auto_close_minutes: orNull(d.auto_close_minutes),
    ack_target_s: orNull(d.ack_target_s),
    instructions: d.instructions,
  };
}

/** A rule as a preview draft. */
const asDraft = (r: AlarmRule): AlarmRuleDraft => ({
  name: r.name,
  enabled: r.enabled,
  condition: r.condition,
  device_ids: r.device_ids,
  schedule: r.schedule,
  priority: r.priority,
  modes: r.modes,
  cooldown_s: r.cooldown_s,
  notify_whatsapp: r.notify_whatsapp,
  auto_close_minutes: r.auto_close_minutes,
  ack_target_s: r.ack_target_s,
  instructions: r.instructions,
});

/** "With these rules, N of yesterday's M detections would have raised alarms", for the draft list. */
function RulePreview({ branchId, rules }: { branchId: number; rules: AlarmRuleDraft[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const key = JSON.stringify(rules);
  const [debounced, setDebounced] = useState(key);
  useEffect(() => {
    const h = setTimeout(() => setDebounced(key), 400);
    return () => clearTimeout(h);
  }, [key]);
  // only a draft list the server would take is sent (the shared schema says; a name still empty is not)
  const valid = useMemo(
    () => (JSON.parse(debounced) as unknown[]).every((r) => AlarmRuleDraftSchema.safeParse(r).success),
    [debounced],
  );
  const q = useQuery({
    queryKey: ['alarm-rules', branchId, 'preview', debounced],
    queryFn: () => api.previewAlarmRules({ branch_id: branchId, rules: JSON.parse(debounced) as AlarmRuleDraft[] }),
    retry: false,
    enabled: valid,
  });
  return (
    <Text
      size="sm"
      c="dimmed"
      data-testid="rule-preview"
      data-alarms={q.data?.alarms}
      data-detections={q.data?.detections}
    >
      {!valid
        ? t('rules.preview.incomplete')
        : q.isPending
          ? t('rules.preview.pending')
          : q.error
            ? errorText(q.error, t)
            : t('rules.preview.result', {
                alarms: fmt.number(q.data.alarms),
                detections: fmt.number(q.data.detections),
                day: q.data.day,
              })}
    </Text>
  );
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The dated exceptions of a schedule as days off (holidays: `ranges: []`), typed as YYYY-MM-DD;
 * an exception with hours of its own (set through the API) is kept and shown with a mark.
 */
function HolidayInput({
  exceptions,
  onChange,
}: {
  exceptions: TimeProfile['exceptions'];
  onChange: (x: TimeProfile['exceptions']) => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const custom = exceptions.filter((x) => x.ranges.length > 0);
  const off = exceptions.filter((x) => x.ranges.length === 0).map((x) => x.date);
  return (
    <TagsInput
      label={t('rules.schedule.holidays')}
      description={t('rules.schedule.holidaysHint')}
      placeholder="2026-12-25"
      value={[...off, ...custom.map((x) => `${x.date} ✱`)]}
      onChange={(values) => {
        const days = values.map((v) => v.replace(' ✱', '').trim());
        // a real calendar day: 2026-02-30 rolls over to March in Date, so compare it back
        const real = (v: string) => {
          const t = Date.parse(`${v}T00:00:00Z`);
          return DAY_RE.test(v) && !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
        };
        const bad = days.find((v) => !real(v));
        if (bad !== undefined) {
          setError(t('rules.schedule.badDay', { day: bad }));
          return;
        }
        setError(null);
        const clash = values.find((v) => !v.endsWith(' ✱') && custom.some((x) => x.date === v.trim()));
        if (clash !== undefined) {
          setError(t('rules.schedule.dayTaken', { day: clash.trim() }));
          return;
        }
        const kept = custom.filter((x) => days.includes(x.date));
        const fresh = [...new Set(days)]
          .filter((v) => !kept.some((x) => x.date === v))
          .map((date) => ({ date, ranges: [] }));
        onChange([...fresh, ...kept].sort((a, b) => a.date.localeCompare(b.date)));
      }}
      error={error}
      splitChars={[',', ' ', ';']}
      maxTags={366}
      data-testid="rule-holidays"
    />
  );
}

function RuleForm({
  branchId,
  zone,
  rule,
  others,
  onDone,
}: {
  branchId: number;
  zone: string;
  rule: AlarmRule | null;
  others: AlarmRule[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const cameras = useDeviceOptions(branchId, 'camera');
  const [d, setD] = useState<Draft>(() => draftOf(rule));
  const [errors, setErrors] = useState<{ fields: Record<string, string>; general: string | null }>({
    fields: {},
    general: null,
  });
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const body = bodyOf(d);
  const previewRules = useMemo(
    () => [...others.filter((r) => r.id !== rule?.id).map(asDraft), body],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [others, rule?.id, JSON.stringify(body)],
  );
  const save = () => {
    setBusy(true);
    const done = rule ? api.updateAlarmRule(rule.id, body) : api.createAlarmRule({ branch_id: branchId, ...body });
    done
      .then(
        (saved) => {
          void queryClient.invalidateQueries({ queryKey: queryKeys.alarmRules(branchId) });
          void queryClient.invalidateQueries({ queryKey: queryKeys.armings() });
          notifications.show({ color: 'teal', message: t('rules.saved', { name: saved.name }) });
          onDone();
        },
        (err: unknown) => setErrors(formErrorsFor(err, FIELDS, t)),
      )
      .finally(() => setBusy(false));
  };
  const hasValue = DEFAULT_VALUE[d.type] !== null;
  const offline = d.type === 'camera_offline';
  return (
    <Stack gap="sm" data-testid="rule-form">
      <TextInput
        label={t('rules.name')}
        value={d.name}
        onChange={(e) => set({ name: e.currentTarget.value })}
        error={errors.fields.name}
        maxLength={120}
        required
        data-testid="rule-name"
      />
      <Group grow align="flex-start">
        <Select
          label={t('rules.conditionLabel')}
          data={CONDITIONS.map((c) => ({ value: c, label: t(`rules.condition.${c}`) }))}
          value={d.type}
          onChange={(v) =>
            v && set({ type: v as AlarmCondition['type'], value: DEFAULT_VALUE[v as AlarmCondition['type']] ?? '' })
          }
          allowDeselect={false}
          error={errors.fields.condition}
          data-testid="rule-condition"
          comboboxProps={{ withinPortal: true }}
        />
        {hasValue && (
          <NumberInput
            label={t(`rules.value.${d.type}`)}
            min={d.type === 'camera_offline' ? 10 : d.type === 'multi_branch' ? 2 : 1}
            value={d.value}
            onChange={(v) => set({ value: v })}
            data-testid="rule-value"
          />
        )}
      </Group>
      <MultiSelect
        label={t('rules.cameras')}
        description={t('rules.camerasHint')}
        data={cameras.options}
        value={d.device_ids}
        onChange={(v) => set({ device_ids: v })}
        placeholder={d.device_ids.length ? undefined : t('rules.allCameras')}
        searchable
        clearable
        error={errors.fields.device_ids}
        data-testid="rule-cameras"
        comboboxProps={{ withinPortal: true }}
      />
      <Switch
        label={t('rules.schedule.always')}
        description={t('rules.schedule.hint', { zone })}
        checked={d.always}
        onChange={(e) => set({ always: e.currentTarget.checked })}
        data-testid="rule-always"
      />
      {!d.always && (
        <>
          <TimeGrid grid={d.grid} onChange={(grid) => set({ grid, gridTouched: true })} zone={zone} />
          <Text size="xs" c="dimmed">
            {t('rules.schedule.hours', { count: hoursOn(d.grid), n: hoursOn(d.grid) })}
            {d.exceptions.length > 0 &&
              ` · ${t('rules.schedule.exceptions', { count: d.exceptions.length, n: d.exceptions.length })}`}
          </Text>
          <HolidayInput exceptions={d.exceptions} onChange={(exceptions) => set({ exceptions })} />
          {errors.fields.schedule && (
            <Text size="xs" c="red">
              {errors.fields.schedule}
            </Text>
          )}
        </>
      )}
      <Group grow align="flex-start">
        <Select
          label={t('alarms.priorityHead')}
          data={AlarmPriority.options.map((p) => ({ value: p, label: t(`alarms.priority.${p}`) }))}
          value={d.priorityChosen ? d.priority : defaultPriorityFor(conditionOf(d.type, d.value))}
          onChange={(v) => v && set({ priority: v as AlarmPriority, priorityChosen: true })}
          allowDeselect={false}
          error={errors.fields.priority}
          data-testid="rule-priority"
          comboboxProps={{ withinPortal: true }}
        />
        <TagsInput
          label={t('rules.modes')}
          description={t('rules.modesHint')}
          value={d.modes}
          onChange={(v) => set({ modes: v })}
          maxTags={20}
          error={errors.fields.modes}
          data-testid="rule-modes"
        />
      </Group>
      <Group grow align="flex-start">
        {!offline && (
          <NumberInput
            label={t('rules.cooldown')}
            description={t('rules.cooldownHint')}
            min={0}
            max={86_400}
            value={d.cooldown_s}
            onChange={(v) => set({ cooldown_s: v })}
            error={errors.fields.cooldown_s}
            data-testid="rule-cooldown"
          />
        )}
        <NumberInput
          label={t('rules.autoClose')}
          description={t('rules.autoCloseHint')}
          min={1}
          max={10_080}
          value={d.auto_close_minutes}
          onChange={(v) => set({ auto_close_minutes: v })}
          error={errors.fields.auto_close_minutes}
          data-testid="rule-auto-close"
        />
        <NumberInput
          label={t('rules.ackTarget')}
          description={t('rules.ackTargetHint')}
          min={1}
          max={86_400}
          value={d.ack_target_s}
          onChange={(v) => set({ ack_target_s: v })}
          error={errors.fields.ack_target_s}
          data-testid="rule-ack-target"
        />
      </Group>
      <Switch
        label={t('rules.whatsapp')}
        checked={d.notify_whatsapp}
        onChange={(e) => set({ notify_whatsapp: e.currentTarget.checked })}
        data-testid="rule-whatsapp"
      />
      <Textarea
        label={t('alarms.instructions')}
        description={t('rules.instructionsHint')}
        value={d.instructions}
        onChange={(e) => set({ instructions: e.currentTarget.value })}
        maxLength={2000}
        autosize
        minRows={2}
        error={errors.fields.instructions}
        data-testid="rule-instructions"
      />
      <RulePreview branchId={branchId} rules={previewRules} />
      {errors.general && (
        <Alert color="red" data-testid="rule-error">
          {errors.general}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button onClick={save} loading={busy} disabled={d.name.trim() === ''} data-testid="rule-save">
          {t('common.save')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The rules tab: a branch, its arming, its rules. */
export function AlarmRulesPanel() {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const isAdmin = useSessionStore((s) => s.user?.role === 'admin');
  const branches = useBranchOptions();
  const [branchId, setBranchId] = useState<number | null>(null);
  const shown = branchId ?? branches.rows[0]?.id ?? null;
  const zone = (shown !== null && branches.byId.get(shown)?.timezone) || 'Asia/Jakarta';
  const conditionText = useConditionText();
  const cameras = useDeviceOptions(shown, 'camera');
  const q = useQuery({
    queryKey: queryKeys.alarmRules(shown ?? 0),
    queryFn: () => api.alarmRules({ branch_id: shown! }),
    enabled: shown !== null,
  });
  const [editing, setEditing] = useState<AlarmRule | 'new' | null>(null);
  const remove = (r: AlarmRule) => {
    if (!window.confirm(t('rules.confirmDelete', { name: r.name }))) return;
    api.deleteAlarmRule(r.id).then(
      () => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.alarmRules(r.branch_id) });
        void queryClient.invalidateQueries({ queryKey: queryKeys.armings() });
      },
      (err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }),
    );
  };
  const toggle = (r: AlarmRule, enabled: boolean) =>
    api.updateAlarmRule(r.id, { enabled }).then(
      () => {
        void queryClient.invalidateQueries({ queryKey: queryKeys.alarmRules(r.branch_id) });
        void queryClient.invalidateQueries({ queryKey: queryKeys.armings() });
      },
      (err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }),
    );
  return (
    <section data-testid="rules-panel">
      <Group justify="space-between" mb="sm" align="flex-end">
        <Group align="flex-end">
          <Select
            label={t('feed.branch')}
            data={branches.options}
            value={shown !== null ? String(shown) : null}
            onChange={(v) => v && setBranchId(Number(v))}
            allowDeselect={false}
            searchable
            w={260}
            data-testid="rules-branch"
            comboboxProps={{ withinPortal: true }}
          />
          {shown !== null && <ArmingBadge branchId={shown} />}
        </Group>
        {isAdmin && shown !== null && (
          <Button size="xs" onClick={() => setEditing('new')} data-testid="rule-new">
            {t('rules.new')}
          </Button>
        )}
      </Group>
      {shown !== null && <ArmingSchedule branchId={shown} zone={zone} />}
      <Text size="sm" c="dimmed" mb="sm">
        {t('rules.intro')}
      </Text>
      {q.isPending && shown !== null ? (
        <Loader size="sm" />
      ) : q.error ? (
        <Alert color="red">{errorText(q.error, t)}</Alert>
      ) : (
        <Table striped data-testid="rules-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rules.name')}</Table.Th>
              <Table.Th>{t('rules.conditionLabel')}</Table.Th>
              <Table.Th>{t('rules.cameras')}</Table.Th>
              <Table.Th>{t('rules.when')}</Table.Th>
              <Table.Th>{t('alarms.priorityHead')}</Table.Th>
              <Table.Th>{t('rules.enabled')}</Table.Th>
              {isAdmin && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(q.data ?? []).map((r) => (
              <Table.Tr key={r.id} data-testid="rule-row" data-rule-id={r.id} data-enabled={r.enabled}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {r.name}
                  </Text>
                  {r.instructions && (
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {r.instructions}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{conditionText(r.condition)}</Table.Td>
                <Table.Td>
                  {r.device_ids.length === 0
                    ? t('rules.allCameras')
                    : r.device_ids.map((id) => cameras.byDeviceId.get(id)?.device_name ?? id).join(', ')}
                </Table.Td>
                <Table.Td>
                  {r.schedule === null
                    ? t('rules.schedule.alwaysShort')
                    : t('rules.schedule.hours', { count: hoursOn(gridOf(r.schedule)), n: hoursOn(gridOf(r.schedule)) })}
                  {r.modes.length > 0 && (
                    <Group gap={4} mt={2}>
                      {r.modes.map((m) => (
                        <Badge key={m} size="xs" variant="outline" style={{ textTransform: 'none' }}>
                          {m}
                        </Badge>
                      ))}
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="filled" color={lookOf(r.priority).colour}>
                    {t(`alarms.priority.${r.priority}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Switch
                    size="xs"
                    checked={r.enabled}
                    disabled={!isAdmin}
                    onChange={(e) => void toggle(r, e.currentTarget.checked)}
                    aria-label={t('rules.enabled')}
                    data-testid="rule-enabled"
                  />
                </Table.Td>
                {isAdmin && (
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="light" onClick={() => setEditing(r)} data-testid="rule-edit">
                        {t('common.edit')}
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        onClick={() => remove(r)}
                        data-testid="rule-delete"
                      >
                        {t('common.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('rules.new') : t('rules.edit')}
        size="xl"
      >
        {editing !== null && shown !== null && (
          <RuleForm
            branchId={shown}
            zone={zone}
            rule={editing === 'new' ? null : editing}
            others={q.data ?? []}
            onDone={() => setEditing(null)}
          />
        )}
      </Modal>
    </section>
  );
}
