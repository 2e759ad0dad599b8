/**
 * Create or edit a device (camera, NVR, edge box). A camera may sit under an NVR of the same
 * branch: the picker lists only that branch's NVRs and empties when the branch changes. The
 * device's own id cannot change once created. Only "maintenance" is set by hand; online and
 * offline come from heartbeats.
 */
import { Select, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { DeviceType, type Device } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { useBranchOptions, useDeviceOptions } from '../../data/use-options.js';
import { FormDrawer, useSaveHandler } from './form-drawer.js';
import { deviceCreateBody, deviceUpdateBody, deviceValues, type DeviceValues } from './form-values.js';

const FIELDS = ['device_id', 'device_name', 'device_type', 'branch_id', 'parent_device_id', 'status'] as const;

/** Props: `device` to edit, or none for a new one (in `branchId` when the list is filtered). */
export interface DeviceFormProps {
  device?: Device | undefined;
  branchId?: number | undefined;
  onClose: () => void;
}

/** The device drawer. */
export function DeviceForm({ device, branchId, onClose }: DeviceFormProps) {
  const { t } = useTranslation();
  const api = useApi();
  const invalidate = useInvalidate();
  const branches = useBranchOptions();
  const form = useForm<DeviceValues>({
    initialValues: deviceValues(device, branchId),
    onValuesChange: (next, prev) => {
      // An NVR of another branch is no parent for this one.
      if (next.branch_id !== prev.branch_id && next.parent_device_id !== null)
        form.setFieldValue('parent_device_id', null);
    },
  });
  const nvrs = useDeviceOptions(form.values.branch_id ? Number(form.values.branch_id) : null, 'nvr');
  const { general, run } = useSaveHandler(FIELDS);
  const submit = form.onSubmit((v) =>
    run(
      async () => {
        if (device) await api.updateDevice(device.id, deviceUpdateBody(v, device));
        else await api.createDevice(deviceCreateBody(v));
        invalidate('devices', 'branches', 'camera-tree');
      },
      form.setErrors,
      t(device ? 'common.savedName' : 'common.createdName', { name: v.device_name }),
      onClose,
    ),
  );
  const typeOptions = DeviceType.options.map((v) => ({ value: v, label: t(`deviceType.${v}`) }));
  return (
    <FormDrawer
      entity="device"
      mode={device ? 'edit' : 'create'}
      opened
      onClose={onClose}
      title={device ? t('devices.edit') : t('devices.new')}
      onSubmit={submit}
      submitting={form.submitting}
      general={general}
    >
      <TextInput
        label={t('devices.device_id')}
        description={device ? t('devices.idFixed') : t('devices.idHint')}
        disabled={device !== undefined}
        withAsterisk
        data-testid="field-device_id"
        {...form.getInputProps('device_id')}
      />
      <TextInput
        label={t('devices.device_name')}
        withAsterisk
        data-testid="field-device_name"
        {...form.getInputProps('device_name')}
      />
      <Select
        label={t('devices.device_type')}
        data={typeOptions}
        allowDeselect={false}
        data-testid="field-device_type"
        {...form.getInputProps('device_type')}
      />
      <Select
        label={t('devices.branch')}
        data={branches.options}
        searchable
        withAsterisk
        nothingFoundMessage={t('list.noMatch')}
        data-testid="field-branch_id"
        {...form.getInputProps('branch_id')}
      />
      {form.values.device_type === 'camera' && (
        <Select
          label={t('devices.parent')}
          description={t('devices.parentHint')}
          placeholder={
            form.values.branch_id
              ? nvrs.options.length > 0
                ? t('devices.noParent')
                : t('devices.noNvrs')
              : t('devices.pickBranchFirst')
          }
          data={nvrs.options.filter((o) => o.value !== device?.device_id)}
          disabled={!form.values.branch_id || nvrs.options.length === 0}
          clearable
          data-testid="field-parent_device_id"
          {...form.getInputProps('parent_device_id')}
        />
      )}
      {device && (
        <Switch
          label={t('devices.maintenance')}
          description={t('devices.maintenanceHint')}
          checked={form.values.maintenance}
          onChange={(e) => form.setFieldValue('maintenance', e.currentTarget.checked)}
          error={form.errors.status}
          data-testid="field-maintenance"
        />
      )}
    </FormDrawer>
  );
}
