/**
 * Create or edit an API credential: name, expiry, status (active, or inactive = suspended:
 * refused until resumed), scope (global, a branch or one device), permissions and hourly
 * limit. A revoked credential's status is shown as final, not offered. Creating answers with
 * the secret, handed to `onCreated` to be shown once; editing never touches the secret
 * (rotate does).
 *
 * Test hooks: `field-<name>` per field, `status-active` / `status-inactive` (radios),
 * `status-revoked-final` (the note shown instead for a revoked credential).
 */
import { useMemo } from 'react';
import { Checkbox, NumberInput, Radio, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import {
  CredentialPermission,
  type Credential,
  type CredentialCreated,
  type CredentialSettableStatus,
} from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useInvalidate } from '../../data/use-invalidate.js';
import { useBranchOptions } from '../../data/use-options.js';
import { FormDrawer, useSaveHandler } from '../admin/form-drawer.js';
import { useAllDevices } from '../fleet/use-fleet.js';
import {
  canChangeStatus,
  credentialCreateBody,
  credentialUpdateBody,
  credentialValues,
  STATUS_CHOICES,
  type CredentialValues,
  type ScopeKind,
} from './credential-values.js';

const FIELDS = [
  'credential_name',
  'expires_at',
  'status',
  'branch_id',
  'device_id',
  'permissions',
  'rate_limit_per_hour',
] as const;

/** Props: `credential` to edit, or none for a new one. */
export interface CredentialFormProps {
  credential?: Credential | undefined;
  onClose: () => void;
  /** Called with the create answer (key and secret) before the drawer closes. */
  onCreated: (created: CredentialCreated) => void;
}

/** The credential drawer. */
export function CredentialForm({ credential, onClose, onCreated }: CredentialFormProps) {
  const { t } = useTranslation();
  const api = useApi();
  const invalidate = useInvalidate();
  const branches = useBranchOptions();
  const devices = useAllDevices();
  const form = useForm<CredentialValues>({ initialValues: credentialValues(credential) });
  const { general, run } = useSaveHandler(FIELDS);
  const deviceOptions = useMemo(
    () =>
      (devices.data ?? []).map((d) => ({
        value: d.device_id,
        label: `${d.device_name} (${d.device_id}) · ${branches.byId.get(d.branch_id)?.branch_name ?? `#${d.branch_id}`}`,
      })),
    [devices.data, branches.byId],
  );
  const submit = form.onSubmit((v) =>
    run(
      async () => {
        if (credential) await api.updateCredential(credential.id, credentialUpdateBody(v, credential));
        else onCreated(await api.createCredential(credentialCreateBody(v)));
        invalidate('credentials', 'audit');
      },
      form.setErrors,
      t(credential ? 'common.savedName' : 'common.createdName', { name: v.credential_name }),
      onClose,
    ),
  );
  const scopes = (['global', 'branch', 'device'] as const).map((s) => ({
    value: s,
    label: t(`credentials.scope.${s}`),
  }));
  return (
    <FormDrawer
      entity="credential"
      mode={credential ? 'edit' : 'create'}
      opened
      onClose={onClose}
      title={credential ? t('credentials.edit') : t('credentials.new')}
      onSubmit={submit}
      submitting={form.submitting}
      general={general}
    >
      <TextInput
        label={t('credentials.name')}
        withAsterisk
        data-testid="field-credential_name"
        {...form.getInputProps('credential_name')}
      />
      <DateTimePicker
        label={t('credentials.expires')}
        description={t('credentials.expiresHint')}
        placeholder={t('credentials.never')}
        clearable
        minDate={new Date()}
        valueFormat="YYYY-MM-DD HH:mm"
        data-testid="field-expires_at"
        {...form.getInputProps('expires_at')}
        value={form.values.expires_at || null}
        onChange={(v) => form.setFieldValue('expires_at', v ?? '')}
      />
      {canChangeStatus(credential) ? (
        <Radio.Group<CredentialSettableStatus>
          label={t('fields.status')}
          description={t('credentials.statusHint')}
          data-testid="field-status"
          {...form.getInputProps('status')}
        >
          <Stack gap={6} mt={6}>
            {STATUS_CHOICES.map((s) => (
              <Radio key={s} value={s} label={t(`credentials.statusChoice.${s}`)} data-testid={`status-${s}`} />
            ))}
          </Stack>
        </Radio.Group>
      ) : (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('fields.status')}
          </Text>
          <Text size="sm" c="red" data-testid="status-revoked-final">
            {t('credentials.revokedFinal')}
          </Text>
        </Stack>
      )}
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {t('credentials.scopeLabel')}
        </Text>
        <SegmentedControl
          data={scopes}
          value={form.values.scope}
          onChange={(v) => form.setFieldValue('scope', v as ScopeKind)}
          data-testid="field-scope"
        />
      </Stack>
      {form.values.scope === 'branch' && (
        <Select
          label={t('devices.branch')}
          data={branches.options}
          searchable
          withAsterisk
          nothingFoundMessage={t('list.noMatch')}
          data-testid="field-branch_id"
          {...form.getInputProps('branch_id')}
        />
      )}
      {form.values.scope === 'device' && (
        <Select
          label={t('credentials.device')}
          data={deviceOptions}
          searchable
          withAsterisk
          nothingFoundMessage={t('list.noMatch')}
          data-testid="field-device_id"
          {...form.getInputProps('device_id')}
        />
      )}
      <Checkbox.Group
        label={t('credentials.permissions')}
        withAsterisk
        data-testid="field-permissions"
        {...form.getInputProps('permissions')}
      >
        <Stack gap={6} mt={6}>
          {CredentialPermission.options.map((p) => (
            <Checkbox
              key={p}
              value={p}
              label={
                <Text size="sm" ff="monospace">
                  {p}
                </Text>
              }
              description={t(`credentials.permission.${p.replace(':', '_')}`)}
              data-testid={`permission-${p}`}
            />
          ))}
        </Stack>
      </Checkbox.Group>
      <NumberInput
        label={t('credentials.rateLimit')}
        description={t('credentials.rateLimitHint')}
        min={1}
        max={10_000_000}
        thousandSeparator
        allowDecimal={false}
        withAsterisk
        data-testid="field-rate_limit_per_hour"
        {...form.getInputProps('rate_limit_per_hour')}
      />
    </FormDrawer>
  );
}
