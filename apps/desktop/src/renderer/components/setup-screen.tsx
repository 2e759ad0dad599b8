/**
 * First-run setup: shown instead of sign-in while the server has no user. Creates the first
 * administrator and signs in as them. Field errors from the server land beside the fields;
 * if someone else finished the setup meanwhile (409), the sign-in screen takes over.
 *
 * Test hooks: `setup-form`, `setup-name`, `setup-email`, `setup-password`, `setup-repeat`,
 * `setup-submit`, `setup-error`.
 */
import { useState } from 'react';
import { Alert, Box, Button, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { PantauError } from '@pantau/shared';
import { completeSetup, toSignIn } from '../session/auth.js';
import { formErrorsFor } from '../lib/form-errors.js';
import { LanguageSwitch } from './shell/language-switch.js';

const FIELDS = ['name', 'email', 'password'] as const;

/** The setup card. */
export function SetupScreen() {
  const { t } = useTranslation();
  const [general, setGeneral] = useState<string | null>(null);
  const form = useForm({
    initialValues: { name: '', email: '', password: '', repeat: '' },
    validate: { repeat: (v, values) => (v === values.password ? null : t('password.mismatch')) },
  });
  const submit = form.onSubmit(async (values) => {
    setGeneral(null);
    try {
      await completeSetup(values);
    } catch (err) {
      if (err instanceof PantauError && err.code === 'CONFLICT') {
        toSignIn(t('setup.alreadyDone'));
        return;
      }
      const mapped = formErrorsFor(err, FIELDS, t);
      form.setErrors(mapped.fields);
      setGeneral(mapped.general);
    }
  });

  return (
    <Box component="main" className="signin-backdrop">
      <Paper
        component="form"
        onSubmit={submit}
        className="signin-card"
        p="xl"
        radius="md"
        withBorder
        data-testid="setup-form"
      >
        <Stack gap="md">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div>
              <Title order={1} size="h2" className="brand-mark">
                PANTAU
              </Title>
              <Text size="sm" c="dimmed">
                {t('setup.title')}
              </Text>
            </div>
            <LanguageSwitch />
          </Group>
          <Text size="sm">{t('setup.intro')}</Text>
          <TextInput
            label={t('setup.name')}
            required
            autoFocus
            data-testid="setup-name"
            {...form.getInputProps('name')}
          />
          <TextInput
            label={t('setup.email')}
            type="email"
            autoComplete="username"
            required
            data-testid="setup-email"
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label={t('setup.password')}
            description={t('password.rule')}
            autoComplete="new-password"
            required
            data-testid="setup-password"
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label={t('setup.repeat')}
            autoComplete="new-password"
            required
            data-testid="setup-repeat"
            {...form.getInputProps('repeat')}
          />
          {general && (
            <Alert color="red" variant="light" data-testid="setup-error">
              {general}
            </Alert>
          )}
          <Button type="submit" loading={form.submitting} fullWidth data-testid="setup-submit">
            {t('setup.submit')}
          </Button>
        </Stack>
      </Paper>
    </Box>
  );
}
