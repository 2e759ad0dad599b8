/**
 * The alarm rules of a branch (issue 14, the Alarms screen's "Rules" tab): which detections
 * raise an alarm, when and how loud. Everyone sees the branch's rules and its arming; admins
 * write them. The editor (alarm-rule-form.tsx) has the condition, the cameras, the time profile
 * painted on a week grid in the branch's own zone (or "always"), the priority, the arming modes,
 * the cooldown and the follow-ups (WhatsApp, auto-close, acknowledgement target, the instruction
 * the operator sees); beneath it a preview replays the branch's rules as they would be over
 * yesterday's detections ("with these rules, 12 of yesterday's 4,310 detections would have
 * raised alarms").
 *
 * Test hooks: `rules-panel`, `rules-branch`, `rule-row[data-rule-id][data-enabled]`, `rule-new`,
 * `rule-edit`, `rule-delete`, `rule-form`, `rule-name`, `rule-condition`, `rule-value`,
 * `rule-cameras`, `rule-always`, `rule-priority`, `rule-modes`, `rule-cooldown`, `rule-whatsapp`,
 * `rule-auto-close`, `rule-ack-target`, `rule-instructions`, `rule-save`, `rule-error`,
 * `rule-preview`, `rule-holidays`; the grid's are in time-grid.tsx.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Modal, Select, Switch, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AlarmCondition, AlarmRule } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { useBranchOptions, useDeviceOptions } from '../../data/use-options.js';
import { useSessionStore } from '../../stores/session-store.js';
import { errorText } from '../../lib/error-text.js';
import { lookOf } from './alarm-priority.js';
import { ArmingBadge } from './arming-control.js';
import { ArmingSchedule } from './arming-schedule.js';
import { RuleForm } from './alarm-rule-form.js';
import { gridOf, hoursOn } from './time-grid-model.js';

/** A rule's condition in words. */
function useConditionText() {
  const { t } = useTranslation();
  return (c: AlarmCondition) => t(`rules.condition.${c.type}Text`, { n: 'value' in c ? c.value : 0 });
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
              {isAdmin && (
                <Table.Th>
                  <VisuallyHidden>{t('list.actions')}</VisuallyHidden>
                </Table.Th>
              )}
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
