/**
 * The operator's choice of which new alarms pop up as toasts — every new alarm (default),
 * escalated ones only, or none — beside the siren's mute switch in the live event feed's title.
 * Escalations pop up (and sound the siren, unless muted) whatever is chosen; the help text says
 * so. Remembered per browser or app (alarm-ui-store.ts); the rule is `shouldToast` in
 * alarm-toasts.ts.
 *
 * Test hooks: `alarm-toast-mode[data-mode]` (the button), `alarm-toast-mode-options` (the
 * dropdown), `alarm-toast-mode-all|escalated|none` (its choices).
 */
import { useState } from 'react';
import { ActionIcon, Popover, Radio, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useAlarmUiStore } from './alarm-ui-store.js';
import { ALARM_TOAST_MODES, type AlarmToastMode } from './alarm-toasts.js';

/** A toast (a card with two lines of text), struck through while new alarms do not all toast; 16 px. */
function ToastIcon({ quiet }: { quiet: boolean }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="M7 10h10M7 14h6" />
      {quiet && <path d="M3 3l18 18" />}
    </svg>
  );
}

/** Button with a dropdown of the three modes; the choice applies at once. */
export function ToastModeControl() {
  const { t } = useTranslation();
  const mode = useAlarmUiStore((s) => s.toastMode);
  const setMode = useAlarmUiStore((s) => s.setToastMode);
  const [opened, setOpened] = useState(false);
  const label = t('alarms.toastMode.button', { mode: t(`alarms.toastMode.${mode}`) });
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" withinPortal shadow="md" width={300}>
      <Popover.Target>
        <Tooltip label={label} disabled={opened}>
          <ActionIcon
            variant={mode === 'all' ? 'subtle' : 'light'}
            color="gray"
            size="sm"
            aria-label={label}
            aria-expanded={opened}
            data-testid="alarm-toast-mode"
            data-mode={mode}
            onClick={() => setOpened((o) => !o)}
          >
            <ToastIcon quiet={mode !== 'all'} />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown data-testid="alarm-toast-mode-options">
        <Radio.Group<AlarmToastMode>
          value={mode}
          onChange={setMode}
          label={t('alarms.toastMode.title')}
          description={t('alarms.toastMode.help')}
        >
          <Stack gap={6} mt="xs">
            {ALARM_TOAST_MODES.map((m) => (
              <Radio
                key={m}
                size="xs"
                value={m}
                label={t(`alarms.toastMode.${m}`)}
                data-testid={`alarm-toast-mode-${m}`}
              />
            ))}
          </Stack>
        </Radio.Group>
        <Text size="xs" c="dimmed" mt="sm">
          {t('alarms.toastMode.remembered')}
        </Text>
      </Popover.Dropdown>
    </Popover>
  );
}
