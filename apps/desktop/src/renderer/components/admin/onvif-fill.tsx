/**
 * "Fill from ONVIF" in the stream form (issue 15): the admin types the camera's address and
 * credentials, the server asks the device for its media profiles (`POST /api/v1/onvif/profiles`)
 * and the form gets the main and sub stream URIs, the credentials, and the main profile's size
 * and frame rate. Nothing is saved until the form is. The device's profiles are listed so the
 * admin sees what was chosen.
 *
 * Test hooks: `onvif-open`, `onvif-address`, `onvif-username`, `onvif-password`, `onvif-fetch`,
 * `onvif-error`, `onvif-result` (the device and its profiles).
 */
import { useState } from 'react';
import { Alert, Button, Group, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PantauError, type OnvifProbeResult } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { errorText } from '../../lib/error-text.js';

/** What the form takes from the device. */
export interface OnvifFill {
  main_url: string;
  sub_url: string;
  username: string;
  password: string;
  resolution: string;
  fps: number | '';
}

/** The collapsible ONVIF section; `onFill` gets the values to put in the form. */
export function OnvifFillSection({ onFill }: { onFill: (values: OnvifFill) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [address, setAddress] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: string | null; text: string } | null>(null);
  const [result, setResult] = useState<OnvifProbeResult | null>(null);

  if (!open)
    return (
      <Button variant="light" size="xs" onClick={() => setOpen(true)} data-testid="onvif-open">
        {t('onvif.open')}
      </Button>
    );

  const fetchProfiles = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.onvifProfiles({
        address: address.trim(),
        ...(username ? { username } : {}),
        ...(password ? { password } : {}),
      });
      setResult(r);
      if (!r.main_url) {
        setError({ field: null, text: t('onvif.noStreams') });
        return;
      }
      onFill({
        main_url: r.main_url,
        sub_url: r.sub_url ?? '',
        username,
        password,
        resolution: r.resolution ?? '',
        fps: r.fps ?? '',
      });
    } catch (err) {
      const field = err instanceof PantauError ? (err.details?.field ?? null) : null;
      const text =
        err instanceof PantauError && err.details?.reason === 'unauthorized' ? t('onvif.refused') : errorText(err, t);
      setError({ field, text });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="sm" radius="sm">
      <Stack gap="xs">
        <Text size="sm" fw={500}>
          {t('onvif.title')}
        </Text>
        <TextInput
          size="xs"
          label={t('onvif.address')}
          placeholder="10.0.0.21 · 10.0.0.21:8080 · http://10.0.0.21/onvif/device_service"
          value={address}
          onChange={(e) => setAddress(e.currentTarget.value)}
          error={error?.field === 'address' ? error.text : undefined}
          data-testid="onvif-address"
        />
        <Group grow gap="xs">
          <TextInput
            size="xs"
            label={t('streams.username')}
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            data-testid="onvif-username"
          />
          <PasswordInput
            size="xs"
            label={t('streams.password')}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={error?.field === 'password' ? error.text : undefined}
            data-testid="onvif-password"
          />
        </Group>
        {error && error.field !== 'address' && error.field !== 'password' && (
          <Alert color="red" variant="light" p="xs" data-testid="onvif-error">
            {error.text}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button
            size="xs"
            loading={busy}
            disabled={address.trim() === ''}
            onClick={() => void fetchProfiles()}
            data-testid="onvif-fetch"
          >
            {t('onvif.fetch')}
          </Button>
        </Group>
        {result && (
          <div data-testid="onvif-result">
            <Text size="xs">
              {[result.manufacturer, result.model, result.firmware_version].filter(Boolean).join(' · ')}
            </Text>
            {result.profiles.map((p) => (
              <Text key={p.token} size="xs" c="dimmed" data-testid="onvif-profile" data-token={p.token}>
                {p.name}:{' '}
                {[p.encoding, p.width && p.height ? `${p.width}×${p.height}` : null, p.fps ? `${p.fps} fps` : null]
                  .filter(Boolean)
                  .join(' · ')}
                {p.stream_uri === result.main_url ? ` — ${t('onvif.asMain')}` : ''}
                {p.stream_uri === result.sub_url ? ` — ${t('onvif.asSub')}` : ''}
              </Text>
            ))}
          </div>
        )}
      </Stack>
    </Paper>
  );
}
