/**
 * The drawer every create/edit form opens in, and the submit logic they share: save, toast,
 * close; or the server's field errors beside the fields and the rest above the buttons.
 *
 * Test hooks: `form-drawer` (`data-entity`, `data-mode`), `form-save`, `form-cancel`,
 * `form-error`. Inputs carry `field-<name>`.
 */
import { useState, type ReactNode } from 'react';
import { Alert, Button, Divider, Drawer, Group, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { formErrorsFor } from '../../lib/form-errors.js';

/** Props of the drawer. */
export interface FormDrawerProps {
  entity: string;
  mode: 'create' | 'edit';
  opened: boolean;
  title: string;
  onClose: () => void;
  onSubmit: (e?: React.FormEvent<HTMLFormElement>) => void;
  submitting: boolean;
  general: string | null;
  children: ReactNode;
  /** Extra actions for an existing record (reset password, end sessions…). */
  extra?: ReactNode;
}

/** A right-hand drawer holding a form. */
export function FormDrawer({
  entity,
  mode,
  opened,
  title,
  onClose,
  onSubmit,
  submitting,
  general,
  children,
  extra,
}: FormDrawerProps) {
  const { t } = useTranslation();
  return (
    <Drawer opened={opened} onClose={onClose} title={title} position="right" size={460} padding="lg">
      <form onSubmit={onSubmit} data-testid="form-drawer" data-entity={entity} data-mode={mode} noValidate>
        <Stack gap="sm">
          {children}
          {extra && (
            <>
              <Divider mt="xs" />
              <Group gap="xs">{extra}</Group>
            </>
          )}
          {general && (
            <Alert color="red" variant="light" data-testid="form-error">
              {general}
            </Alert>
          )}
          <Group justify="flex-end" mt="sm" gap="xs" wrap="nowrap">
            <Button variant="default" onClick={onClose} data-testid="form-cancel">
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submitting} data-testid="form-save">
              {mode === 'create' ? t('common.create') : t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Drawer>
  );
}

/** A form's error setter (Mantine's `form.setErrors`). */
type SetErrors = (errors: Record<string, string>) => void;

/**
 * Shared save flow: runs `save`, toasts `successMessage` and calls `onDone`; on failure puts
 * the server's field errors on the form and returns the rest as `general`.
 */
export function useSaveHandler(fields: readonly string[]) {
  const { t } = useTranslation();
  const [general, setGeneral] = useState<string | null>(null);
  const run = async (
    save: () => Promise<unknown>,
    setErrors: SetErrors,
    successMessage: string,
    onDone: () => void,
  ): Promise<void> => {
    setGeneral(null);
    try {
      await save();
      notifications.show({ color: 'teal', message: successMessage, 'data-testid': 'toast-success' } as Parameters<
        typeof notifications.show
      >[0]);
      onDone();
    } catch (err) {
      const mapped = formErrorsFor(err, fields, t);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
    }
  };
  return { general, setGeneral, run };
}
