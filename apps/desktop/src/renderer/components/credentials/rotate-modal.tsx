/**
 * Rotating a secret: the admin chooses how long the old secret keeps working (none, 15 min,
 * 1 h, 24 h or 7 days; 1 h preselected) and confirms; the new secret is then shown once.
 *
 * Test hooks: `rotate-modal`, `rotate-grace`, `rotate-confirm`, `rotate-cancel`, `rotate-error`.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Credential, CredentialCreated } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { errorText } from '../../lib/error-text.js';
import { GRACE_CHOICES } from './credential-values.js';

/** Props: the credential to rotate; `onRotated` gets the answer and until when the old secret works (ISO; null = no longer). */
export interface RotateModalProps {
  credential: Credential | null;
  onClose: () => void;
  onRotated: (created: CredentialCreated, oldValidUntil: string | null) => void;
}

/** The rotate dialog. */
export function RotateModal({ credential, onClose, onRotated }: RotateModalProps) {
  const { t } = useTranslation();
  const api = useApi();
  const [grace, setGrace] = useState('3600');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rotate = async () => {
    if (!credential) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.rotateCredential(credential.id, { grace_seconds: Number(grace) });
      // the server's own record of the grace period, not the workstation's arithmetic
      const after = await api.getCredential(credential.id);
      onRotated(created, after.previous_secret_expires_at);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      opened={credential !== null}
      onClose={onClose}
      title={t('credentials.rotateTitle', { name: credential?.credential_name ?? '' })}
      centered
    >
      <Stack gap="sm" data-testid="rotate-modal">
        <Text size="sm">{t('credentials.rotateBody')}</Text>
        <Select
          label={t('credentials.grace')}
          data={GRACE_CHOICES.map((s) => ({ value: String(s), label: t(`credentials.graceChoice.s${s}`) }))}
          value={grace}
          onChange={(v) => v && setGrace(v)}
          allowDeselect={false}
          data-testid="rotate-grace"
        />
        {error && (
          <Alert color="red" variant="light" data-testid="rotate-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose} data-testid="rotate-cancel">
            {t('common.cancel')}
          </Button>
          <Button color="orange" onClick={() => void rotate()} loading={busy} data-testid="rotate-confirm">
            {t('credentials.rotate')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
