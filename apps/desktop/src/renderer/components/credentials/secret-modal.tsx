/**
 * Shows a credential's key and secret once, after a create or a rotate, with copy buttons and a
 * plain warning that the secret will not be shown again (the server keeps only its hash). It
 * does not close on a click outside or Escape, so the secret is not lost by accident. After a
 * rotate it also says until when the old secret keeps working.
 *
 * Test hooks: `secret-modal` (`data-kind="create|rotate"`), `secret-key`, `secret-value`,
 * `secret-copy-key`, `secret-copy-secret`, `secret-warning`, `secret-grace`, `secret-try`, `secret-close`.
 */
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CredentialCreated } from '@pantau/shared';
import { useFormat } from '../../i18n/use-format.js';

/** What to show: the create or rotate answer; for a rotate, until when the old secret works (ISO, or null when at once). */
export interface ShownSecret {
  kind: 'create' | 'rotate';
  created: CredentialCreated;
  oldValidUntil?: string | null;
}

/** A value with its copy button. */
function Copyable({
  label,
  value,
  testId,
  copyTestId,
}: {
  label: string;
  value: string;
  testId: string;
  copyTestId: string;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Code className="credentials__secret" data-testid={testId}>
          {value}
        </Code>
        <CopyButton value={value} timeout={1500}>
          {({ copied, copy }) => (
            <Button
              size="compact-sm"
              variant="light"
              color={copied ? 'teal' : 'gray'}
              onClick={copy}
              miw={86}
              data-testid={copyTestId}
              data-copied={copied}
            >
              {copied ? t('credentials.copied') : t('credentials.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

/** The once-only modal. `onTry` opens the test console with this key and secret. */
export function SecretModal({
  shown,
  onClose,
  onTry,
}: {
  shown: ShownSecret | null;
  onClose: () => void;
  onTry: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const c = shown?.created;
  return (
    <Modal
      opened={shown !== null}
      onClose={onClose}
      title={
        shown?.kind === 'rotate'
          ? t('credentials.rotatedTitle', { name: c?.credential_name ?? '' })
          : t('credentials.createdTitle', { name: c?.credential_name ?? '' })
      }
      size="lg"
      centered
      closeOnClickOutside={false}
      closeOnEscape={false}
    >
      {c && shown && (
        <Stack gap="md" data-testid="secret-modal" data-kind={shown.kind}>
          <Alert color="yellow" variant="light" data-testid="secret-warning" title={t('credentials.onceTitle')}>
            {t('credentials.onceBody')}
          </Alert>
          <Copyable
            label={t('credentials.apiKey')}
            value={c.api_key}
            testId="secret-key"
            copyTestId="secret-copy-key"
          />
          <Copyable
            label={t('credentials.apiSecret')}
            value={c.api_secret}
            testId="secret-value"
            copyTestId="secret-copy-secret"
          />
          {shown.kind === 'rotate' && (
            <Text size="sm" data-testid="secret-grace">
              {shown.oldValidUntil
                ? t('credentials.oldUntil', { at: fmt.dateTime(shown.oldValidUntil) })
                : t('credentials.oldStopped')}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {t('credentials.headersHint')}
          </Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onTry} data-testid="secret-try">
              {t('credentials.tryIt')}
            </Button>
            <Button onClick={onClose} data-testid="secret-close">
              {t('credentials.savedIt')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
