/**
 * Create or edit a user: name, role, scope (every site, or chosen groups and branches — a
 * group covers its branches present and future) and status (disabling ends their sessions).
 * An existing user also gets "reset password" and "end sessions".
 */
import { MultiSelect, PasswordInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { Role, type User } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { useBranchOptions, useGroupOptions } from '../../data/use-options.js';
import { FormDrawer, useSaveHandler } from './form-drawer.js';
import { userCreateBody, userUpdateBody, userValues, type UserValues } from './form-values.js';
import { UserActions } from './user-actions.js';

const FIELDS = [
  'email',
  'name',
  'password',
  'role',
  'scope_all',
  'scope_group_ids',
  'scope_branch_ids',
  'status',
] as const;

/** Props: `user` to edit, or none for a new one. */
export interface UserFormProps {
  user?: User | undefined;
  onClose: () => void;
}

/** The user drawer. */
export function UserForm({ user, onClose }: UserFormProps) {
  const { t } = useTranslation();
  const api = useApi();
  const invalidate = useInvalidate();
  const groups = useGroupOptions();
  const branches = useBranchOptions();
  const form = useForm<UserValues>({ initialValues: userValues(user) });
  const { general, run } = useSaveHandler(FIELDS);
  const submit = form.onSubmit((v) =>
    run(
      async () => {
        if (user) await api.updateUser(user.id, userUpdateBody(v, user));
        else await api.createUser(userCreateBody(v));
        invalidate('users', 'audit');
      },
      form.setErrors,
      t(user ? 'common.savedName' : 'common.createdName', { name: v.name }),
      onClose,
    ),
  );
  const roles = Role.options.map((r) => ({ value: r, label: t(`roles.${r}`) }));
  const scopeAll = form.values.scope_all;
  return (
    <FormDrawer
      entity="user"
      mode={user ? 'edit' : 'create'}
      opened
      onClose={onClose}
      title={user ? t('users.edit') : t('users.new')}
      onSubmit={submit}
      submitting={form.submitting}
      general={general}
      extra={user ? <UserActions user={user} /> : undefined}
    >
      <TextInput
        label={t('fields.email')}
        type="email"
        disabled={user !== undefined}
        withAsterisk
        data-testid="field-email"
        {...form.getInputProps('email')}
      />
      <TextInput label={t('users.name')} withAsterisk data-testid="field-name" {...form.getInputProps('name')} />
      {!user && (
        <PasswordInput
          label={t('users.password')}
          description={t('password.rule')}
          autoComplete="new-password"
          withAsterisk
          data-testid="field-password"
          {...form.getInputProps('password')}
        />
      )}
      <Select
        label={t('users.role')}
        description={t(`users.roleHint.${form.values.role}`)}
        data={roles}
        allowDeselect={false}
        data-testid="field-role"
        {...form.getInputProps('role')}
      />
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          {t('users.scope')}
        </Text>
        <SegmentedControl
          fullWidth
          value={scopeAll ? 'all' : 'chosen'}
          onChange={(v) => form.setFieldValue('scope_all', v === 'all')}
          data={[
            { value: 'all', label: t('users.scopeAll') },
            { value: 'chosen', label: t('users.scopeChosen') },
          ]}
          data-testid="field-scope_all"
        />
        {form.errors.scope_all && (
          <Text size="xs" c="red">
            {form.errors.scope_all}
          </Text>
        )}
      </Stack>
      {!scopeAll && (
        <>
          <MultiSelect
            label={t('users.scopeGroups')}
            description={t('users.scopeGroupsHint')}
            data={groups.options}
            searchable
            clearable
            nothingFoundMessage={t('list.noMatch')}
            data-testid="field-scope_group_ids"
            {...form.getInputProps('scope_group_ids')}
          />
          <MultiSelect
            label={t('users.scopeBranches')}
            data={branches.options}
            searchable
            clearable
            nothingFoundMessage={t('list.noMatch')}
            data-testid="field-scope_branch_ids"
            {...form.getInputProps('scope_branch_ids')}
          />
        </>
      )}
      {user && (
        <Select
          label={t('fields.status')}
          description={t('users.disableHint')}
          data={[
            { value: 'active', label: t('userStatus.active') },
            { value: 'disabled', label: t('userStatus.disabled') },
          ]}
          allowDeselect={false}
          data-testid="field-status"
          {...form.getInputProps('status')}
        />
      )}
    </FormDrawer>
  );
}
