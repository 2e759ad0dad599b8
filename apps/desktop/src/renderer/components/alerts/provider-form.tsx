/**
 * The WhatsApp provider (admins of every branch): Cloud API or an HTTP gateway, its settings,
 * its secrets (write-only: the form shows whether each is set and sends only what is typed),
 * and a test message to one number.
 *
 * Test hooks: `provider-form`, `provider-select`, `provider-base-url`, `provider-phone-id`,
 * `provider-token`, `provider-app-secret`, `provider-verify-token`, `secret-set[data-name]`,
 * `provider-save`, `provider-error`, `test-phone`, `test-send`.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Paper, PasswordInput, Select, Stack, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { toE164, type NotificationProviderName, type ProviderSettings } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { errorText } from '../../lib/error-text.js';
import { formErrorsFor } from '../../lib/form-errors.js';

const FIELDS = ['provider', 'config', 'secrets'] as const;

function Form({ current }: { current: ProviderSettings }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [provider, setProvider] = useState<NotificationProviderName>(current.provider);
  const [baseUrl, setBaseUrl] = useState(current.config.base_url ?? '');
  const [phoneId, setPhoneId] = useState(current.config.phone_number_id ?? '');
  const [secrets, setSecrets] = useState({ token: '', app_secret: '', verify_token: '' });
  const [errors, setErrors] = useState<{ fields: Record<string, string>; general: string | null }>({
    fields: {},
    general: null,
  });
  const [testPhone, setTestPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const save = () => {
    setBusy(true);
    const typed = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
    api
      .saveProviderSettings({
        provider,
        config: {
          ...current.config,
          ...(baseUrl ? { base_url: baseUrl } : { base_url: undefined }),
          ...(phoneId ? { phone_number_id: phoneId } : { phone_number_id: undefined }),
        },
        ...(Object.keys(typed).length ? { secrets: typed } : {}),
      })
      .then(
        (saved) => {
          queryClient.setQueryData(['alerts', 'provider'], saved);
          setSecrets({ token: '', app_secret: '', verify_token: '' });
          setErrors({ fields: {}, general: null });
          notifications.show({ color: 'teal', message: t('alerts.provider.saved') });
        },
        (err: unknown) => setErrors(formErrorsFor(err, FIELDS, t)),
      )
      .finally(() => setBusy(false));
  };
  const sendTest = () => {
    const phone = toE164(testPhone);
    if (!phone) return;
    api.sendTestMessage({ phone }).then(
      () => {
        void queryClient.invalidateQueries({ queryKey: ['alerts'] });
        notifications.show({ color: 'teal', message: t('alerts.provider.testQueued', { phone }) });
      },
      (err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }),
    );
  };
  const secretField = (name: keyof typeof secrets, label: string, testId: string) => (
    <PasswordInput
      label={
        <Group gap={6}>
          {label}
          {current.has_secret[name] && (
            <Badge size="xs" color="teal" data-testid="secret-set" data-name={name}>
              {t('alerts.provider.secretSet')}
            </Badge>
          )}
        </Group>
      }
      placeholder={current.has_secret[name] ? t('alerts.provider.secretKeep') : ''}
      value={secrets[name]}
      onChange={(e) => setSecrets({ ...secrets, [name]: e.currentTarget.value })}
      data-testid={testId}
    />
  );
  const testValid = toE164(testPhone) !== null;
  return (
    <Paper withBorder p="md" data-testid="provider-form">
      <Stack gap="sm">
        <Title order={2} size="h5">
          {t('alerts.provider.title')}
        </Title>
        <Select
          label={t('alerts.provider.provider')}
          data={(['none', 'whatsapp_cloud', 'http_gateway'] as const).map((p) => ({
            value: p,
            label: t(`alerts.provider.names.${p}`),
          }))}
          value={provider}
          onChange={(v) => v && setProvider(v as NotificationProviderName)}
          allowDeselect={false}
          data-testid="provider-select"
        />
        {provider !== 'none' && (
          <>
            <TextInput
              label={t('alerts.provider.baseUrl')}
              description={t(`alerts.provider.baseUrlHint.${provider}`)}
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.currentTarget.value)}
              data-testid="provider-base-url"
            />
            {provider === 'whatsapp_cloud' && (
              <TextInput
                label={t('alerts.provider.phoneNumberId')}
                value={phoneId}
                onChange={(e) => setPhoneId(e.currentTarget.value)}
                data-testid="provider-phone-id"
              />
            )}
            {secretField('token', t('alerts.provider.token'), 'provider-token')}
            {provider === 'whatsapp_cloud' &&
              secretField('app_secret', t('alerts.provider.appSecret'), 'provider-app-secret')}
            {provider === 'whatsapp_cloud' &&
              secretField('verify_token', t('alerts.provider.verifyToken'), 'provider-verify-token')}
          </>
        )}
        {(errors.general ?? errors.fields.config ?? errors.fields.secrets) && (
          <Alert color="red" data-testid="provider-error">
            {errors.general ?? errors.fields.config ?? errors.fields.secrets}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button onClick={save} loading={busy} data-testid="provider-save">
            {t('common.save')}
          </Button>
        </Group>
        <Group align="flex-end" gap="xs">
          <TextInput
            label={t('alerts.provider.testPhone')}
            placeholder="+6281234567890"
            value={testPhone}
            onChange={(e) => setTestPhone(e.currentTarget.value)}
            error={testPhone.trim() && !testValid ? t('alerts.numberInvalid') : null}
            data-testid="test-phone"
          />
          <Button
            variant="light"
            onClick={sendTest}
            disabled={!testValid || current.provider === 'none'}
            data-testid="test-send"
          >
            {t('alerts.provider.sendTest')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The provider settings form (loads the current settings). */
export function ProviderForm() {
  const api = useApi();
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['alerts', 'provider'], queryFn: () => api.providerSettings() });
  if (q.error) return <Alert color="red">{errorText(q.error, t)}</Alert>;
  if (!q.data) return null;
  return <Form key={q.data.updated_at ?? 'new'} current={q.data} />;
}
