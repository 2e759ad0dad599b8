/**
 * Escalation settings for admins (issue 5): per branch in their scope, whether an alarm left
 * unacknowledged escalates, after how many seconds, and the second list of WhatsApp numbers
 * (E.164) that then gets a message. Edited in a modal; the server's field errors show beside
 * the fields. Turning escalation on applies to alarms raised from then on.
 *
 * Test hooks: `escalation-settings`, `escalation-row[data-branch-id][data-enabled]`,
 * `escalation-edit`, `escalation-form`, `escalation-enabled`, `escalation-after`,
 * `escalation-numbers`, `escalation-save`, `escalation-error`.
 */
import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  NumberInput,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EscalationSettings as Settings } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { errorText } from '../../lib/error-text.js';
import { formErrorsFor } from '../../lib/form-errors.js';

const FIELDS = ['enabled', 'escalate_after_seconds', 'numbers'] as const;

function EditForm({ settings, onDone }: { settings: Settings; onDone: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [enabled, setEnabled] = useState(settings.enabled);
  const [after, setAfter] = useState<number | string>(settings.escalate_after_seconds);
  const [numbers, setNumbers] = useState<string[]>(settings.numbers);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; general: string | null }>({
    fields: {},
    general: null,
  });
  const [busy, setBusy] = useState(false);
  const save = () => {
    setBusy(true);
    api
      .putEscalationSettings(settings.branch_id, {
        enabled,
        escalate_after_seconds: Number(after),
        numbers: numbers.map((n) => n.replace(/[\s-]/g, '')),
      })
      .then(
        () => {
          void queryClient.invalidateQueries({ queryKey: queryKeys.escalation() });
          notifications.show({ color: 'teal', message: t('alarms.escalation.saved', { name: settings.branch_name }) });
          onDone();
        },
        (err: unknown) => setErrors(formErrorsFor(err, FIELDS, t)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="sm" data-testid="escalation-form">
      <Switch
        label={t('alarms.escalation.enabled')}
        checked={enabled}
        onChange={(e) => setEnabled(e.currentTarget.checked)}
        error={errors.fields.enabled}
        data-testid="escalation-enabled"
      />
      <NumberInput
        label={t('alarms.escalation.after')}
        description={t('alarms.escalation.afterHint')}
        min={1}
        max={86_400}
        value={after}
        onChange={setAfter}
        error={errors.fields.escalate_after_seconds}
        data-testid="escalation-after"
      />
      <TagsInput
        label={t('alarms.escalation.numbers')}
        description={t('alarms.escalation.numbersHint')}
        placeholder="+628123456789"
        value={numbers}
        onChange={setNumbers}
        maxTags={20}
        splitChars={[',', ' ', ';']}
        error={errors.fields.numbers}
        data-testid="escalation-numbers"
      />
      {errors.general && (
        <Alert color="red" data-testid="escalation-error">
          {errors.general}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button onClick={save} loading={busy} data-testid="escalation-save">
          {t('common.save')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The settings table with its edit modal. */
export function EscalationSettings() {
  const { t } = useTranslation();
  const api = useApi();
  const q = useQuery({ queryKey: queryKeys.escalation(), queryFn: () => api.escalationSettings() });
  const [editing, setEditing] = useState<Settings | null>(null);
  return (
    <section data-testid="escalation-settings">
      <Title order={2} size="h4" mb={4}>
        {t('alarms.escalation.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('alarms.escalation.intro')}
      </Text>
      {q.isPending ? (
        <Loader size="sm" />
      ) : q.error ? (
        <Alert color="red">{errorText(q.error, t)}</Alert>
      ) : (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('feed.branch')}</Table.Th>
              <Table.Th>{t('alarms.escalation.status')}</Table.Th>
              <Table.Th>{t('alarms.escalation.after')}</Table.Th>
              <Table.Th>{t('alarms.escalation.numbers')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('list.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((s) => (
              <Table.Tr
                key={s.branch_id}
                data-testid="escalation-row"
                data-branch-id={s.branch_id}
                data-enabled={s.enabled}
              >
                <Table.Td>{s.branch_name}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={s.enabled ? 'red' : 'gray'}>
                    {s.enabled ? t('alarms.escalation.on') : t('alarms.escalation.off')}
                  </Badge>
                </Table.Td>
                <Table.Td>{t('alarms.escalation.seconds', { n: s.escalate_after_seconds })}</Table.Td>
                <Table.Td>{s.numbers.length ? s.numbers.join(', ') : '—'}</Table.Td>
                <Table.Td ta="right">
                  <Button size="compact-sm" variant="light" onClick={() => setEditing(s)} data-testid="escalation-edit">
                    {t('common.edit')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing ? t('alarms.escalation.editTitle', { name: editing.branch_name }) : ''}
      >
        {editing && <EditForm key={editing.branch_id} settings={editing} onDone={() => setEditing(null)} />}
      </Modal>
    </section>
  );
}
