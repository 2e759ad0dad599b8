/**
 * Change one's own password: current, new and repeated. The repeat is checked here; the
 * server checks the rest and its errors land beside the fields (a wrong current password
 * beside "current"). Other sessions of the user end; this one stays.
 *
 * Test hooks: `change-password-form`, `-current`, `-new`, `-repeat`, `-submit`, `-error`.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { PantauError } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { formErrorsFor } from '../../lib/form-errors.js';

/** Props of the dialog. */
export interface ChangePasswordModalProps {
  opened: boolean;
  onClose: () => void;
}

const FIELDS = ['current_password', 'new_password'] as const;

/** The dialog. */
export function ChangePasswordModal({ opened, onClose }: ChangePasswordModalProps) {
  const { t } = useTranslation();
  const api = useApi();
  const [general, setGeneral] = useState<string | null>(null);
  const form = useForm({
    initialValues: { current_password: '', new_password: '', repeat: '' },
    validate: { repeat: (v, values) => (v === values.new_password ? null : t('password.mismatch')) },
  });
  const close = () => {
    form.reset();
    setGeneral(null);
    onClose();
  };
  const submit = form.onSubmit(async (values) => {
    setGeneral(null);
    try {
      await api.changePassword({ current_password: values.current_password, new_password: values.new_password });
      notifications.show({ color: 'teal', message: t('password.changed') });
      close();
    } catch (err) {
      if (
        err instanceof PantauError &&
        (err.code === 'INVALID_CREDENTIALS' || err.code === 'UNAUTHENTICATED') &&
        !err.details?.field
      ) {
        form.setErrors({ current_password: t('password.wrongCurrent') });
        return;
      }
      const mapped = formErrorsFor(err, FIELDS, t);
      form.setErrors(mapped.fields);
      setGeneral(mapped.general);
    }
  });

  return (
    <Modal opened={opened} onClose={close} title={t('password.title')} centered>
      <form onSubmit={submit} data-testid="change-password-form">
        <Stack gap="sm">
          <PasswordInput
            label={t('password.current')}
            autoComplete="current-password"
            required
            data-testid="change-password-current"
            {...form.getInputProps('current_password')}
          />
          <PasswordInput
            label={t('password.new')}
            autoComplete="new-password"
            required
            data-testid="change-password-new"
            {...form.getInputProps('new_password')}
          />
          <PasswordInput
            label={t('password.repeat')}
            autoComplete="new-password"
            required
            data-testid="change-password-repeat"
            {...form.getInputProps('repeat')}
          />
          {general && (
            <Alert color="red" variant="light" data-testid="change-password-error">
              {general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={form.submitting} data-testid="change-password-submit">
              {t('password.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
