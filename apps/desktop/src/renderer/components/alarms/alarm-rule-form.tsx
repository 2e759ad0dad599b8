/**
 * The editor of one alarm rule (issue 14), in the Rules tab's modal: condition and value,
 * cameras, "always" or the hours painted on the week grid in the branch's zone, days off,
 * priority (by condition unless chosen), arming modes, cooldown, WhatsApp, auto-close, the
 * acknowledgement target and the instruction; beneath it, the preview of the branch's rules as
 * they would be. The server's field errors show beside the fields. Test hooks: see
 * alarm-rules-panel.tsx.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
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
import { useDeviceOptions } from '../../data/use-options.js';
import { errorText } from '../../lib/error-text.js';
import { formErrorsFor } from '../../lib/form-errors.js';
import { useFormat } from '../../i18n/use-format.js';
import { TimeGrid } from './time-grid.js';
import { hoursOn } from './time-grid-model.js';
import {
  CONDITIONS,
  DEFAULT_VALUE,
  FIELDS,
  asDraft,
  bodyOf,
  conditionOf,
  draftOf,
  realDay,
  type Draft,
} from './alarm-rule-draft.js';

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
        const bad = days.find((v) => !realDay(v));
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

/** The form of one rule (null: a new one of the branch). */
export function RuleForm({
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
