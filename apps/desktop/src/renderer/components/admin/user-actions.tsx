/**
 * Actions on an existing user: reset the password (ends their sessions) and end every session.
 *
 * Test hooks: `user-reset-password`, `reset-password-form`, `reset-password-input`,
 * `reset-password-submit`, `user-end-sessions`.
 */
import { useState } from 'react';
import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { User } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { formErrorsFor } from '../../lib/form-errors.js';
import { errorText } from '../../lib/error-text.js';

/** Reset-password and end-sessions buttons for the user drawer. */
export function UserActions({ user }: { user: User }) {
  const { t } = useTranslation();
  const api = useApi();
  const [resetOpen, setResetOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reset = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.resetPassword(user.id, { password });
      notifications.show({ color: 'teal', message: t('users.passwordReset', { name: user.name }) });
      setResetOpen(false);
      setPassword('');
    } catch (err) {
      const mapped = formErrorsFor(err, ['password'], t);
      setError(mapped.fields.password ?? mapped.general);
    } finally {
      setBusy(false);
    }
  };

  const endSessions = () =>
    modals.openConfirmModal({
      title: t('users.endSessionsTitle', { name: user.name }),
      centered: true,
      children: <Text size="sm">{t('users.endSessionsBody')}</Text>,
      labels: { confirm: t('users.endSessions'), cancel: t('common.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-yes' } as Record<string, unknown>,
      onConfirm: () => {
        api
          .revokeSessions(user.id)
          .then((r) => notifications.show({ color: 'teal', message: t('users.sessionsEnded', { n: r.revoked }) }))
          .catch((err: unknown) => notifications.show({ color: 'red', message: errorText(err, t) }));
      },
    });

  return (
    <>
      <Button size="compact-sm" variant="light" onClick={() => setResetOpen(true)} data-testid="user-reset-password">
        {t('users.resetPassword')}
      </Button>
      <Button size="compact-sm" variant="light" color="red" onClick={endSessions} data-testid="user-end-sessions">
        {t('users.endSessions')}
      </Button>
      <Modal
        opened={resetOpen}
        onClose={() => setResetOpen(false)}
        title={t('users.resetPasswordTitle', { name: user.name })}
        centered
      >
        <Stack gap="sm" data-testid="reset-password-form">
          <Text size="sm" c="dimmed">
            {t('users.resetPasswordBody')}
          </Text>
          <PasswordInput
            label={t('password.new')}
            description={t('password.rule')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={error}
            autoComplete="new-password"
            data-testid="reset-password-input"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setResetOpen(false)}>
              {t('common.cancel')}
            </Button>
            <Button loading={busy} onClick={() => void reset()} data-testid="reset-password-submit">
              {t('users.resetPassword')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
