/**
 * Create or edit a branch (site). Choosing another group moves the branch there. The time
 * zone (IANA, default Asia/Jakarta) is the one the site's times and daily reports use.
 */
import { useMemo } from 'react';
import { Group as Row, NumberInput, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { Branch } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { useGroupOptions } from '../../data/use-options.js';
import { FormDrawer, useSaveHandler } from './form-drawer.js';
import { branchCreateBody, branchUpdateBody, branchValues } from './form-values.js';

const FIELDS = [
  'group_id',
  'branch_code',
  'branch_name',
  'city',
  'timezone',
  'address',
  'latitude',
  'longitude',
  'status',
] as const;

/** Indonesia's zones first, then every zone the runtime knows. */
function timeZoneOptions(): string[] {
  const local = ['Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura'];
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...local, ...all.filter((z) => !local.includes(z))];
}

/** Props: `branch` to edit, or none for a new one (in `groupId` when the list is filtered). */
export interface BranchFormProps {
  branch?: Branch | undefined;
  groupId?: number | undefined;
  /** Whether the group may change (moving a branch needs every branch in scope). */
  canMove: boolean;
  onClose: () => void;
}

/** The branch drawer. */
export function BranchForm({ branch, groupId, canMove, onClose }: BranchFormProps) {
  const { t } = useTranslation();
  const api = useApi();
  const invalidate = useInvalidate();
  const groups = useGroupOptions();
  const zones = useMemo(timeZoneOptions, []);
  const form = useForm({ initialValues: branchValues(branch, groupId) });
  const { general, run } = useSaveHandler(FIELDS);
  const submit = form.onSubmit((v) =>
    run(
      async () => {
        if (branch) await api.updateBranch(branch.id, branchUpdateBody(v, branch));
        else await api.createBranch(branchCreateBody(v));
        invalidate('branches', 'groups', 'camera-tree');
      },
      form.setErrors,
      t(branch ? 'common.savedName' : 'common.createdName', { name: v.branch_name }),
      onClose,
    ),
  );
  return (
    <FormDrawer
      entity="branch"
      mode={branch ? 'edit' : 'create'}
      opened
      onClose={onClose}
      title={branch ? t('branches.edit') : t('branches.new')}
      onSubmit={submit}
      submitting={form.submitting}
      general={general}
    >
      <Select
        label={t('branches.group')}
        description={branch && canMove ? t('branches.moveHint') : undefined}
        disabled={!canMove}
        data={groups.options}
        searchable
        withAsterisk
        nothingFoundMessage={t('list.noMatch')}
        data-testid="field-group_id"
        {...form.getInputProps('group_id')}
      />
      <TextInput
        label={t('branches.branch_code')}
        description={t('groups.codeHint')}
        withAsterisk
        data-testid="field-branch_code"
        {...form.getInputProps('branch_code')}
      />
      <TextInput
        label={t('branches.branch_name')}
        withAsterisk
        data-testid="field-branch_name"
        {...form.getInputProps('branch_name')}
      />
      <TextInput label={t('branches.city')} withAsterisk data-testid="field-city" {...form.getInputProps('city')} />
      <Select
        label={t('branches.timezone')}
        data={zones}
        searchable
        allowDeselect={false}
        limit={200}
        data-testid="field-timezone"
        {...form.getInputProps('timezone')}
      />
      <TextInput label={t('fields.address')} data-testid="field-address" {...form.getInputProps('address')} />
      <Row grow gap="sm">
        <NumberInput
          label={t('branches.latitude')}
          decimalScale={6}
          hideControls
          data-testid="field-latitude"
          {...form.getInputProps('latitude')}
        />
        <NumberInput
          label={t('branches.longitude')}
          decimalScale={6}
          hideControls
          data-testid="field-longitude"
          {...form.getInputProps('longitude')}
        />
      </Row>
      {branch && (
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
