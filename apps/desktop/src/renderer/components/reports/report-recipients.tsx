/**
 * Who receives the daily counting report on WhatsApp (issue 13; admins): one row per branch and
 * per province (group) in the admin's scope, with its numbers, the PDF's language and whether it
 * is on. Each morning after 01:00 (site time) the server sends yesterday's report to them as a
 * PDF document and tracks each message like an alert (sent, delivered, read).
 *
 * Test hooks: `report-recipients` (the section), `recipients-row-<b|g><id>`,
 * `recipients-edit-<b|g><id>`, `recipients-form`, `recipients-phones`, `recipients-language`,
 * `recipients-enabled`, `recipients-save`, `recipients-remove`, `recipients-error`.
 */
import { useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Select,
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
import { MAX_REPORT_RECIPIENTS, type ReportLanguage, type ReportRecipients } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useBranchOptions, useGroupOptions } from '../../data/use-options.js';
import { errorText } from '../../lib/error-text.js';
import { formErrorsFor } from '../../lib/form-errors.js';

/** The query key of the recipients list. */
const KEY = ['alerts', 'report-recipients'] as const;
const FIELDS = ['phones', 'language', 'enabled', 'branch_id', 'group_id'] as const;

/** A branch or a province and its recipients (none yet: `row` null). */
interface Target {
  key: string;
  branch_id: number | null;
  group_id: number | null;
  name: string;
  row: ReportRecipients | null;
}

function EditForm({ target, onDone }: { target: Target; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [phones, setPhones] = useState<string[]>(target.row?.phones ?? []);
  const [language, setLanguage] = useState<ReportLanguage>(
    target.row?.language ?? (i18n.language.startsWith('id') ? 'id' : 'en'),
  );
  const [enabled, setEnabled] = useState(target.row?.enabled ?? true);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; general: string | null }>({
    fields: {},
    general: null,
  });
  const [busy, setBusy] = useState(false);
  const done = (message: string) => {
    void queryClient.invalidateQueries({ queryKey: KEY });
    notifications.show({ color: 'teal', message });
    onDone();
  };
  const save = () => {
    setBusy(true);
    api
      .putReportRecipients({
        ...(target.branch_id !== null ? { branch_id: target.branch_id } : { group_id: target.group_id! }),
        phones: phones.map((n) => n.replace(/[\s-]/g, '')),
        language,
        enabled,
      })
      .then(
        () => done(t('reports.recipients.saved', { name: target.name })),
        (err: unknown) => setErrors(formErrorsFor(err, FIELDS, t)),
      )
      .finally(() => setBusy(false));
  };
  const remove = () => {
    if (!target.row) return;
    setBusy(true);
    api
      .deleteReportRecipients(target.row.id)
      .then(
        () => done(t('reports.recipients.removed', { name: target.name })),
        (err: unknown) => setErrors({ fields: {}, general: errorText(err, t) }),
      )
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="sm" data-testid="recipients-form">
      <TagsInput
        label={t('reports.recipients.phones')}
        description={t('reports.recipients.phonesHint', { max: MAX_REPORT_RECIPIENTS })}
        placeholder="+628123456789"
        value={phones}
        onChange={setPhones}
        maxTags={MAX_REPORT_RECIPIENTS}
        splitChars={[',', ' ', ';']}
        error={errors.fields.phones}
        data-testid="recipients-phones"
      />
      <Select
        label={t('reports.recipients.language')}
        data={[
          { value: 'id', label: 'Bahasa Indonesia' },
          { value: 'en', label: 'English' },
        ]}
        value={language}
        onChange={(v) => v && setLanguage(v as ReportLanguage)}
        allowDeselect={false}
        error={errors.fields.language}
        data-testid="recipients-language"
      />
      <Switch
        label={t('reports.recipients.enabled')}
        checked={enabled}
        onChange={(e) => setEnabled(e.currentTarget.checked)}
        data-testid="recipients-enabled"
      />
      {(errors.general || errors.fields.branch_id || errors.fields.group_id) && (
        <Alert color="red" data-testid="recipients-error">
          {errors.general ?? errors.fields.branch_id ?? errors.fields.group_id}
        </Alert>
      )}
      <Group justify="space-between">
        <div>
          {target.row && (
            <Button variant="subtle" color="red" onClick={remove} disabled={busy} data-testid="recipients-remove">
              {t('reports.recipients.remove')}
            </Button>
          )}
        </div>
        <Group gap="xs">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button onClick={save} loading={busy} data-testid="recipients-save">
            {t('common.save')}
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}

/** The recipients table of the admin's branches and provinces, with its edit modal. */
export function ReportRecipientsEditor() {
  const { t } = useTranslation();
  const api = useApi();
  const q = useQuery({ queryKey: KEY, queryFn: () => api.listReportRecipients() });
  const branches = useBranchOptions();
  const groups = useGroupOptions();
  const [editing, setEditing] = useState<Target | null>(null);
  const targets = useMemo<Target[]>(() => {
    const rows = q.data ?? [];
    const byBranch = new Map(rows.filter((r) => r.branch_id !== null).map((r) => [r.branch_id!, r]));
    const byGroup = new Map(rows.filter((r) => r.group_id !== null).map((r) => [r.group_id!, r]));
    return [
      ...branches.rows.map((b) => ({
        key: `b${b.id}`,
        branch_id: b.id,
        group_id: null,
        name: b.branch_name,
        row: byBranch.get(b.id) ?? null,
      })),
      ...groups.rows.map((g) => ({
        key: `g${g.id}`,
        branch_id: null,
        group_id: g.id,
        name: g.group_name,
        row: byGroup.get(g.id) ?? null,
      })),
    ];
  }, [q.data, branches.rows, groups.rows]);
  return (
    <section data-testid="report-recipients" className="report-recipients">
      <Title order={2} size="h4" mt="lg" mb={4}>
        {t('reports.recipients.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('reports.recipients.intro')}
      </Text>
      {q.isPending || branches.isPending ? (
        <Loader size="sm" />
      ) : q.error ? (
        <Alert color="red" variant="light">
          {errorText(q.error, t)}
        </Alert>
      ) : (
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('reports.recipients.scope')}</Table.Th>
              <Table.Th>{t('reports.recipients.phones')}</Table.Th>
              <Table.Th>{t('reports.recipients.language')}</Table.Th>
              <Table.Th>{t('reports.recipients.status')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('list.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {targets.map((x) => (
              <Table.Tr key={x.key} data-testid={`recipients-row-${x.key}`}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm">{x.name}</Text>
                    <Badge size="xs" variant="light" color={x.branch_id !== null ? 'blue' : 'grape'}>
                      {x.branch_id !== null ? t('reports.recipients.branch') : t('reports.recipients.group')}
                    </Badge>
                  </Group>
                </Table.Td>
                <Table.Td>{x.row?.phones.length ? x.row.phones.join(', ') : '—'}</Table.Td>
                <Table.Td>{x.row ? (x.row.language === 'id' ? 'Bahasa Indonesia' : 'English') : '—'}</Table.Td>
                <Table.Td>
                  {x.row?.phones.length ? (
                    x.row.enabled ? (
                      <Badge color="teal" variant="light">
                        {t('reports.recipients.on')}
                      </Badge>
                    ) : (
                      <Badge color="gray" variant="light">
                        {t('reports.recipients.off')}
                      </Badge>
                    )
                  ) : (
                    <Text size="xs" c="dimmed">
                      {t('reports.recipients.none')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() => setEditing(x)}
                    data-testid={`recipients-edit-${x.key}`}
                  >
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
        title={editing ? t('reports.recipients.editTitle', { name: editing.name }) : ''}
      >
        {editing && <EditForm target={editing} onDone={() => setEditing(null)} />}
      </Modal>
    </section>
  );
}
