/**
 * A branch's camera overrides: the cameras with a WhatsApp alert setting of their own, which
 * replaces the branch-wide setting for that camera's detections. Each row edits its setting
 * (the same {@link AlertSettingForm}, in a dialog) or removes it after asking (the camera then
 * follows the branch-wide setting again, or sends nothing when the branch has none). "Add"
 * offers the branch's devices that have no setting yet; a new override starts as a copy of the
 * branch-wide setting.
 *
 * Test hooks: `alert-overrides`, `alert-override-row[data-device-id]`, `alert-override-edit`,
 * `alert-override-remove` (asks with `confirm-dialog`, `confirm-yes`, `confirm-no`),
 * `alert-override-moved`, `alert-override-device`, `alert-override-add`,
 * `alert-override-empty`; the dialog holds `alert-form[data-device-id]`.
 */
import { useMemo, useState } from 'react';
import {
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AlertSetting, Branch } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useDeviceOptions } from '../../data/use-options.js';
import { errorText } from '../../lib/error-text.js';
import { AlertSettingForm } from './alert-setting-form.js';
import { devicesWithoutOverride, overrideRows, type DeviceRef, type OverrideRow } from './alerts-model.js';

/** The camera whose setting the dialog edits, and that setting (null = a new override). */
interface Editing {
  device: DeviceRef;
  setting: AlertSetting | null;
}

/**
 * The overrides section of `branch`.
 * @param settings every alert setting of the branch (branch-wide and per camera), as
 *   `GET /alert-settings?branch_id=` returns them
 */
export function AlertOverrides({ branch, settings }: { branch: Branch; settings: readonly AlertSetting[] }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const devices = useDeviceOptions(branch.id);
  const [picked, setPicked] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const branchWide = settings.find((s) => s.device_id === null) ?? null;
  const rows = useMemo(
    () => overrideRows(settings, devices.isPending ? null : devices.byDeviceId),
    [settings, devices.isPending, devices.byDeviceId],
  );
  const free = useMemo(() => devicesWithoutOverride(devices.rows, settings), [devices.rows, settings]);
  const pickedDevice = free.find((d) => d.device_id === picked) ?? null;

  const remove = (row: OverrideRow) =>
    modals.openConfirmModal({
      title: t('alerts.overrides.removeTitle', { name: row.name }),
      centered: true,
      children: (
        <Text size="sm" data-testid="confirm-dialog">
          {branchWide
            ? t('alerts.overrides.removeBody', { name: row.name })
            : t('alerts.overrides.removeBodyNoBranch', { name: row.name })}
        </Text>
      ),
      labels: { confirm: t('alerts.overrides.remove'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' } as Record<string, unknown>,
      cancelProps: { 'data-testid': 'confirm-no' } as Record<string, unknown>,
      onConfirm: () => {
        api.deleteAlertSetting(row.setting.id).then(
          () => {
            void queryClient.invalidateQueries({ queryKey: ['alerts', 'settings', branch.id] });
            notifications.show({ color: 'teal', message: t('alerts.overrides.removed', { name: row.name }) });
          },
          (err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }),
        );
      },
    });

  const add = () => {
    if (!pickedDevice) return;
    setEditing({ device: { device_id: pickedDevice.device_id, device_name: pickedDevice.device_name }, setting: null });
  };
  const saved = () => {
    if (editing?.setting === null) setPicked(null);
    setEditing(null);
  };

  const pickerPlaceholder = devices.isPending
    ? ''
    : devices.rows.length === 0
      ? t('alerts.overrides.noDevices')
      : free.length === 0
        ? t('alerts.overrides.allHave')
        : t('alerts.overrides.pickPlaceholder');
  return (
    <Stack gap="xs" data-testid="alert-overrides">
      <Title order={2} size="h5">
        {t('alerts.overrides.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('alerts.overrides.intro')}
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed" fs="italic" data-testid="alert-override-empty">
          {t('alerts.overrides.empty')}
        </Text>
      ) : (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('alerts.overrides.camera')}</Table.Th>
              <Table.Th>{t('alerts.overrides.alerts')}</Table.Th>
              <Table.Th>{t('alerts.overrides.numbers')}</Table.Th>
              <Table.Th>{t('alerts.overrides.cooldown')}</Table.Th>
              <Table.Th>{t('alerts.overrides.sendImage')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('list.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.setting.id} data-testid="alert-override-row" data-device-id={row.setting.device_id}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={500}>
                      {row.name}
                    </Text>
                    <Code>{row.setting.device_id}</Code>
                    {row.moved && (
                      <Tooltip label={t('alerts.overrides.movedHint')} multiline maw={320}>
                        <Badge size="xs" color="orange" variant="light" data-testid="alert-override-moved">
                          {t('alerts.overrides.moved')}
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={row.setting.enabled ? 'teal' : 'gray'}>
                    {row.setting.enabled ? t('alerts.overrides.on') : t('alerts.overrides.off')}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Tooltip label={row.setting.numbers.join(', ')} disabled={row.setting.numbers.length === 0}>
                    <Text size="sm">{row.setting.numbers.length}</Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t('alerts.overrides.seconds', { n: row.setting.cooldown_seconds })}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{row.setting.send_image ? t('common.yes') : t('common.no')}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} justify="flex-end" wrap="nowrap">
                    <Button
                      size="compact-sm"
                      variant="light"
                      onClick={() =>
                        setEditing({
                          device: { device_id: row.setting.device_id, device_name: row.name },
                          setting: row.setting,
                        })
                      }
                      data-testid="alert-override-edit"
                    >
                      {t('common.edit')}
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="light"
                      color="red"
                      onClick={() => remove(row)}
                      data-testid="alert-override-remove"
                    >
                      {t('alerts.overrides.remove')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group align="flex-end" gap="xs">
        <Select
          label={t('alerts.overrides.pick')}
          placeholder={pickerPlaceholder}
          data={free.map((d) => ({ value: d.device_id, label: `${d.device_name} (${d.device_id})` }))}
          value={pickedDevice ? pickedDevice.device_id : null}
          onChange={setPicked}
          disabled={free.length === 0}
          searchable
          w={360}
          data-testid="alert-override-device"
        />
        <Button variant="light" onClick={add} disabled={!pickedDevice} data-testid="alert-override-add">
          {t('alerts.overrides.add')}
        </Button>
      </Group>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={
          editing &&
          t(editing.setting ? 'alerts.overrides.editTitle' : 'alerts.overrides.newTitle', {
            name: editing.device.device_name,
          })
        }
        size="lg"
        centered
      >
        {editing && (
          <Stack gap="xs">
            {!editing.setting && branchWide && (
              <Text size="sm" c="dimmed">
                {t('alerts.overrides.prefilled')}
              </Text>
            )}
            <AlertSettingForm
              key={`${editing.device.device_id}-${editing.setting?.updated_at ?? 'new'}`}
              branch={branch}
              device={editing.device}
              setting={editing.setting}
              prefill={branchWide}
              onSaved={saved}
            />
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
