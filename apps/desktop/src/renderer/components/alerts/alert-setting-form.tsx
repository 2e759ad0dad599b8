/**
 * One branch's WhatsApp alert setting: on/off, numbers (each checked as it is typed, errors
 * beside it), the message template with placeholder help and a live preview in the branch's
 * time zone, send image, cooldown. Creates the setting on first save.
 *
 * Test hooks: `alert-form[data-branch-id]`, `alert-enabled`, `alert-number-input`,
 * `alert-number-add`, `alert-number[data-valid]`, `alert-number-remove`, `alert-template`,
 * `alert-preview`, `alert-send-image`, `alert-cooldown`, `alert-save`, `alert-error`.
 */
import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Code, CloseButton, Group, NumberInput, Paper, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DEFAULT_MESSAGE_TEMPLATE, type AlertSetting, type Branch } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useFormat } from '../../i18n/use-format.js';
import { formErrorsFor } from '../../lib/form-errors.js';
import { PLACEHOLDER_TOKENS, checkNumbers, numbersValid, previewTemplate } from './alerts-model.js';

const FIELDS = ['enabled', 'numbers', 'message_template', 'send_image', 'cooldown_seconds'] as const;

/** The form of `branch`'s branch-wide setting (`setting` null = none yet). */
export function AlertSettingForm({ branch, setting }: { branch: Branch; setting: AlertSetting | null }) {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const [enabled, setEnabled] = useState(setting?.enabled ?? true);
  const [numbers, setNumbers] = useState<string[]>(setting?.numbers ?? []);
  const [typed, setTyped] = useState('');
  const [template, setTemplate] = useState(setting?.message_template ?? DEFAULT_MESSAGE_TEMPLATE);
  const [sendImage, setSendImage] = useState(setting?.send_image ?? false);
  const [cooldown, setCooldown] = useState<number | string>(setting?.cooldown_seconds ?? 300);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; general: string | null }>({ fields: {}, general: null });
  const [busy, setBusy] = useState(false);
  const checked = useMemo(() => checkNumbers(numbers), [numbers]);
  const typedCheck = typed.trim() ? checkNumbers([...numbers, typed])[numbers.length]! : null;
  const preview = previewTemplate(template, { branch_name: branch.branch_name, device_name: t('alerts.sampleDevice'), time: fmt.dateTime(new Date().toISOString(), branch.timezone) });

  const add = () => {
    if (!typedCheck?.e164 || typedCheck.duplicate) return;
    setNumbers([...numbers, typedCheck.e164]);
    setTyped('');
  };
  const save = () => {
    setBusy(true);
    setErrors({ fields: {}, general: null });
    const body = { enabled, numbers: checked.map((c) => c.e164 ?? c.input), message_template: template, send_image: sendImage, cooldown_seconds: Number(cooldown) };
    (setting ? api.updateAlertSetting(setting.id, body) : api.createAlertSetting({ branch_id: branch.id, ...body }))
      .then(
        () => {
          void queryClient.invalidateQueries({ queryKey: ['alerts'] });
          notifications.show({ color: 'teal', message: t('alerts.saved', { name: branch.branch_name }) });
        },
        (err: unknown) => setErrors(formErrorsFor(err, FIELDS, t)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <Paper withBorder p="md" data-testid="alert-form" data-branch-id={branch.id}>
      <Stack gap="sm">
        <Switch label={t('alerts.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} data-testid="alert-enabled" />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('alerts.numbers')}
          </Text>
          {checked.map((c, i) => (
            <Group key={`${c.input}-${i}`} gap="xs" data-testid="alert-number" data-valid={c.e164 !== null && !c.duplicate}>
              <Code>{c.e164 ?? c.input}</Code>
              {(c.e164 === null || c.duplicate) && (
                <Text size="xs" c="red">
                  {c.duplicate ? t('alerts.numberDuplicate') : t('alerts.numberInvalid')}
                </Text>
              )}
              <CloseButton size="sm" aria-label={t('alerts.removeNumber')} onClick={() => setNumbers(numbers.filter((_, j) => j !== i))} data-testid="alert-number-remove" />
            </Group>
          ))}
          <Group align="flex-start" gap="xs">
            <TextInput
              placeholder="+6281234567890"
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Enter' && add()}
              error={typedCheck && (typedCheck.e164 === null ? t('alerts.numberInvalid') : typedCheck.duplicate ? t('alerts.numberDuplicate') : null)}
              description={t('alerts.numbersHint')}
              data-testid="alert-number-input"
            />
            <Button variant="light" onClick={add} disabled={!typedCheck?.e164 || typedCheck.duplicate} data-testid="alert-number-add">
              {t('alerts.addNumber')}
            </Button>
          </Group>
          {errors.fields.numbers && (
            <Text size="xs" c="red">
              {errors.fields.numbers}
            </Text>
          )}
        </Stack>
        <Textarea
          label={t('alerts.template')}
          description={
            <span>
              {t('alerts.placeholders')}{' '}
              {PLACEHOLDER_TOKENS.map((p) => (
                <Code key={p} mr={4}>
                  {p}
                </Code>
              ))}
            </span>
          }
          autosize
          minRows={2}
          value={template}
          onChange={(e) => setTemplate(e.currentTarget.value)}
          error={errors.fields.message_template ?? (preview.unknown.length ? t('alerts.unknownPlaceholders', { names: preview.unknown.map((u) => `{${u}}`).join(' ') }) : undefined)}
          data-testid="alert-template"
        />
        <Paper bg="var(--mantine-color-default-hover)" p="xs" data-testid="alert-preview">
          <Badge size="xs" variant="light" mb={4}>
            {t('alerts.preview')}
          </Badge>
          <Text size="sm">{preview.text}</Text>
        </Paper>
        <Group grow>
          <Switch label={t('alerts.sendImage')} checked={sendImage} onChange={(e) => setSendImage(e.currentTarget.checked)} data-testid="alert-send-image" />
          <NumberInput label={t('alerts.cooldown')} description={t('alerts.cooldownHint')} min={0} max={86_400} value={cooldown} onChange={setCooldown} error={errors.fields.cooldown_seconds} data-testid="alert-cooldown" />
        </Group>
        {errors.general && (
          <Alert color="red" data-testid="alert-error">
            {errors.general}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button onClick={save} loading={busy} disabled={!numbersValid(checked) || preview.unknown.length > 0} data-testid="alert-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
