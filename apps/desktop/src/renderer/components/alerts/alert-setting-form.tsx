/**
 * One WhatsApp alert setting: a branch's branch-wide one, or a camera's own (an override of the
 * branch-wide one for that camera's detections). On/off, numbers (each checked as it is typed,
 * errors beside it), the message template with placeholder help and a live preview in the
 * branch's time zone (with the camera's name when the setting is a camera's), send image,
 * cooldown. Creates the setting on first save; the server's field errors show beside their
 * fields, the rest above the save button.
 *
 * Test hooks: `alert-form[data-branch-id][data-device-id]` (`data-device-id` only on a camera's
 * form), `alert-enabled`, `alert-number-input`, `alert-number-add`, `alert-number[data-valid]`,
 * `alert-number-remove`, `alert-template`, `alert-preview`, `alert-send-image`, `alert-cooldown`,
 * `alert-save`, `alert-error`.
 */
import { useId, useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Code,
  CloseButton,
  Group,
  NumberInput,
  Paper,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AlertSetting, Branch } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useFormat } from '../../i18n/use-format.js';
import { formErrorsFor } from '../../lib/form-errors.js';
import {
  PLACEHOLDER_TOKENS,
  checkNumbers,
  initialAlertValues,
  numbersValid,
  previewTemplate,
  type DeviceRef,
} from './alerts-model.js';

const FIELDS = ['enabled', 'numbers', 'message_template', 'send_image', 'cooldown_seconds'] as const;

/** What {@link AlertSettingForm} edits and how it reports a save. */
export interface AlertSettingFormProps {
  branch: Branch;
  /** The camera whose own setting this is; omitted or null = the branch-wide setting. */
  device?: DeviceRef | null;
  /** The setting being edited; null = none yet (the first save creates it). */
  setting: AlertSetting | null;
  /** A new setting starts as a copy of this one (e.g. a camera override from the branch-wide setting). */
  prefill?: AlertSetting | null;
  /** Called after a successful save with the setting as the server now has it. */
  onSaved?: (saved: AlertSetting) => void;
}

/**
 * The form of `branch`'s branch-wide setting, or of `device`'s own setting in that branch.
 * A successful save refreshes the branch's settings (`['alerts', 'settings', branch.id]`) and
 * shows a notification.
 */
export function AlertSettingForm({ branch, device = null, setting, prefill = null, onSaved }: AlertSettingFormProps) {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const [initial] = useState(() => initialAlertValues(setting, prefill));
  const [enabled, setEnabled] = useState(initial.enabled);
  const [numbers, setNumbers] = useState<string[]>(initial.numbers);
  const [typed, setTyped] = useState('');
  // the "Numbers" heading labels the input a new number is typed into
  const numberInputId = useId();
  const [template, setTemplate] = useState(initial.message_template);
  const [sendImage, setSendImage] = useState(initial.send_image);
  const [cooldown, setCooldown] = useState<number | string>(initial.cooldown_seconds);
  const [errors, setErrors] = useState<{ fields: Record<string, string>; general: string | null }>({
    fields: {},
    general: null,
  });
  const [busy, setBusy] = useState(false);
  const checked = useMemo(() => checkNumbers(numbers), [numbers]);
  const typedCheck = typed.trim() ? checkNumbers([...numbers, typed])[numbers.length]! : null;
  const preview = previewTemplate(template, {
    branch_name: branch.branch_name,
    device_name: device?.device_name ?? t('alerts.sampleDevice'),
    time: fmt.dateTime(new Date().toISOString(), branch.timezone),
  });

  const add = () => {
    if (!typedCheck?.e164 || typedCheck.duplicate) return;
    setNumbers([...numbers, typedCheck.e164]);
    setTyped('');
  };
  const save = () => {
    setBusy(true);
    setErrors({ fields: {}, general: null });
    const body = {
      enabled,
      numbers: checked.map((c) => c.e164 ?? c.input),
      message_template: template,
      send_image: sendImage,
      cooldown_seconds: Number(cooldown),
    };
    (setting
      ? api.updateAlertSetting(setting.id, body)
      : api.createAlertSetting({ branch_id: branch.id, ...(device ? { device_id: device.device_id } : {}), ...body })
    )
      .then(
        (saved) => {
          void queryClient.invalidateQueries({ queryKey: ['alerts', 'settings', branch.id] });
          notifications.show({
            color: 'teal',
            message: device
              ? t('alerts.overrides.saved', { name: device.device_name })
              : t('alerts.saved', { name: branch.branch_name }),
          });
          onSaved?.(saved);
        },
        (err: unknown) => setErrors(formErrorsFor(err, FIELDS, t)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <Paper withBorder p="md" data-testid="alert-form" data-branch-id={branch.id} data-device-id={device?.device_id}>
      <Stack gap="sm">
        <Switch
          label={device ? t('alerts.enabledDevice') : t('alerts.enabled')}
          description={device ? t('alerts.enabledDeviceHint') : undefined}
          checked={enabled}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
          data-testid="alert-enabled"
        />
        <Stack gap={4}>
          <Text component="label" htmlFor={numberInputId} size="sm" fw={500}>
            {t('alerts.numbers')}
          </Text>
          {checked.map((c, i) => (
            <Group
              key={`${c.input}-${i}`}
              gap="xs"
              data-testid="alert-number"
              data-valid={c.e164 !== null && !c.duplicate}
            >
              <Code>{c.e164 ?? c.input}</Code>
              {(c.e164 === null || c.duplicate) && (
                <Text size="xs" c="red">
                  {c.duplicate ? t('alerts.numberDuplicate') : t('alerts.numberInvalid')}
                </Text>
              )}
              <CloseButton
                size="sm"
                aria-label={t('alerts.removeNumber')}
                onClick={() => setNumbers(numbers.filter((_, j) => j !== i))}
                data-testid="alert-number-remove"
              />
            </Group>
          ))}
          <Group align="flex-start" gap="xs">
            <TextInput
              id={numberInputId}
              placeholder="+6281234567890"
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Enter' && add()}
              error={
                typedCheck &&
                (typedCheck.e164 === null
                  ? t('alerts.numberInvalid')
                  : typedCheck.duplicate
                    ? t('alerts.numberDuplicate')
                    : null)
              }
              description={t('alerts.numbersHint')}
              // hint and error under the input, so "Add" lines up with the input itself
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              flex={1}
              maw={440}
              data-testid="alert-number-input"
            />
            <Button
              variant="light"
              onClick={add}
              disabled={!typedCheck?.e164 || typedCheck.duplicate}
              data-testid="alert-number-add"
            >
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
          error={
            errors.fields.message_template ??
            (preview.unknown.length
              ? t('alerts.unknownPlaceholders', { names: preview.unknown.map((u) => `{${u}}`).join(' ') })
              : undefined)
          }
          data-testid="alert-template"
        />
        <Paper bg="var(--mantine-color-default-hover)" p="xs" data-testid="alert-preview">
          <Badge size="xs" variant="light" mb={4}>
            {t('alerts.preview')}
          </Badge>
          <Text size="sm">{preview.text}</Text>
        </Paper>
        <Group grow>
          <Switch
            label={t('alerts.sendImage')}
            checked={sendImage}
            onChange={(e) => setSendImage(e.currentTarget.checked)}
            data-testid="alert-send-image"
          />
          <NumberInput
            label={t('alerts.cooldown')}
            description={t('alerts.cooldownHint')}
            min={0}
            max={86_400}
            value={cooldown}
            onChange={setCooldown}
            error={errors.fields.cooldown_seconds}
            data-testid="alert-cooldown"
          />
        </Group>
        {errors.general && (
          <Alert color="red" data-testid="alert-error">
            {errors.general}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button
            onClick={save}
            loading={busy}
            disabled={!numbersValid(checked) || preview.unknown.length > 0}
            data-testid="alert-save"
          >
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
