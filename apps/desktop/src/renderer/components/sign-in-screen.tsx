/**
 * D1 sign-in. The server URL field appears only inside Electron; in a browser the server is
 * the page's own origin.
 */
import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSessionStore } from '../stores/session-store.js';
import { signIn } from '../session/auth.js';
import { LanguageSwitch } from './shell/language-switch.js';

/** The sign-in form, centred on the dark background. */
export function SignInScreen() {
  const { t } = useTranslation();
  const isElectron = useSessionStore((s) => s.isElectron);
  const storedUrl = useSessionStore((s) => s.serverUrl);
  const phase = useSessionStore((s) => s.phase);
  const error = useSessionStore((s) => s.error);
  const [serverUrl, setServerUrl] = useState(storedUrl);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const busy = phase === 'signing-in';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void signIn(isElectron ? { serverUrl, email, password } : { email, password });
  };

  return (
    <Box component="main" className="signin-backdrop">
      <Paper
        component="form"
        onSubmit={submit}
        className="signin-card"
        p="xl"
        radius="md"
        withBorder
        data-testid="sign-in-form"
      >
        <Stack gap="md">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <div>
              <Title order={1} size="h2" className="brand-mark">
                PANTAU
              </Title>
              <Text size="sm" c="dimmed">
                {t('signIn.tagline')}
              </Text>
            </div>
            <LanguageSwitch />
          </Group>
          {isElectron && (
            <TextInput
              label={t('signIn.server')}
              placeholder="http://127.0.0.1:8080"
              value={serverUrl}
              onChange={(e) => setServerUrl(e.currentTarget.value)}
              required
              data-testid="sign-in-server-url"
            />
          )}
          <TextInput
            label={t('signIn.email')}
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            required
            autoFocus
            data-testid="sign-in-email"
          />
          <PasswordInput
            label={t('signIn.password')}
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            required
            data-testid="sign-in-password"
          />
          {error && (
            <Alert color="red" variant="light" data-testid="sign-in-error">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy} fullWidth data-testid="sign-in-submit">
            {t('signIn.submit')}
          </Button>
          {!isElectron && (
            <Text size="xs" c="dimmed" ta="center">
              {t('signIn.serverAt', { url: storedUrl })}
            </Text>
          )}
        </Stack>
      </Paper>
    </Box>
  );
}
