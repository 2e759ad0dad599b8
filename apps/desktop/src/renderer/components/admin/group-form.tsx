/**
 * Create or edit a group (province). Province code is unique: a clash comes back from the
 * server (409) and is shown beside the field.
 */
import { Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { Group } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { FormDrawer, useSaveHandler } from './form-drawer.js';
import { groupCreateBody, groupUpdateBody, groupValues } from './form-values.js';

const FIELDS = ['province_code', 'province_name', 'group_name', 'address', 'phone', 'email', 'status'] as const;

/** Props: `group` to edit, or none for a new one. */
export interface GroupFormProps {
  group?: Group | undefined;
  onClose: () => void;
}

/** The group drawer. */
export function GroupForm({ group, onClose }: GroupFormProps) {
  const { t } = useTranslation();
  const api = useApi();
  const invalidate = useInvalidate();
  const form = useForm({ initialValues: groupValues(group) });
  const { general, run } = useSaveHandler(FIELDS);
  const submit = form.onSubmit((v) =>
    run(
      async () => {
        if (group) await api.updateGroup(group.id, groupUpdateBody(v, group));
        else await api.createGroup(groupCreateBody(v));
        invalidate('groups', 'camera-tree');
      },
      form.setErrors,
      t(group ? 'common.savedName' : 'common.createdName', { name: v.group_name }),
      onClose,
    ),
  );
  return (
    <FormDrawer
      entity="group"
      mode={group ? 'edit' : 'create'}
      opened
      onClose={onClose}
      title={group ? t('groups.edit') : t('groups.new')}
      onSubmit={submit}
      submitting={form.submitting}
      general={general}
    >
      <TextInput
        label={t('groups.province_code')}
        description={t('groups.codeHint')}
        withAsterisk
        data-testid="field-province_code"
        {...form.getInputProps('province_code')}
      />
      <TextInput
        label={t('groups.province_name')}
        withAsterisk
        data-testid="field-province_name"
        {...form.getInputProps('province_name')}
      />
      <TextInput
        label={t('groups.group_name')}
        withAsterisk
        data-testid="field-group_name"
        {...form.getInputProps('group_name')}
      />
      <TextInput label={t('fields.address')} data-testid="field-address" {...form.getInputProps('address')} />
      <TextInput label={t('fields.phone')} data-testid="field-phone" {...form.getInputProps('phone')} />
      <TextInput label={t('fields.email')} type="email" data-testid="field-email" {...form.getInputProps('email')} />
      {group && (
        <Select
          label={t('fields.status')}
          data={[
            { value: 'active', label: t('entityStatus.active') },
            { value: 'inactive', label: t('entityStatus.inactive') },
          ]}
          allowDeselect={false}
          data-testid="field-status"
          {...form.getInputProps('status')}
        />
      )}
    </FormDrawer>
  );
}
