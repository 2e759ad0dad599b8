/**
 * Toasts (and the optional sound, lib/sound.ts) when a camera or NVR goes offline or comes
 * back, wherever the operator is in the console: mounted once in the shell, it listens to the
 * realtime bus. One toast per direction per batch, so an NVR taking eight cameras with it is
 * one toast, not nine; replays older than a minute (after a reconnect) stay silent.
 *
 * Test hooks: `device-alert` (`data-status="offline|online"`, `data-device-ids` space-separated).
 */
import { useEffect } from 'react';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Device } from '@pantau/shared';
import { realtimeBus } from '../../realtime/event-bus.js';
import { queryKeys } from '../../data/query-keys.js';
import { playStatusSound } from '../../lib/sound.js';
import { statusChanges, type StatusChange } from '../fleet/fleet-model.js';

/** Names listed in one toast before "and N more". */
const MAX_NAMES = 3;

/** Listens while mounted; renders nothing. */
export function DeviceAlerts() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  useEffect(() => {
    const nameOf = (c: StatusChange): string => {
      // names come from the fleet board's list when it has been loaded; else the device's own id
      const d = queryClient
        .getQueryData<Device[]>(queryKeys.fleet('devices'))
        ?.find((x) => x.device_id === c.device_id);
      const name = d ? `${d.device_name} (${d.device_id})` : c.device_id;
      return c.nvr ? t('fleet.alert.nvr', { name }) : name;
    };
    const show = (changes: StatusChange[], to: 'offline' | 'online') => {
      if (changes.length === 0) return;
      const names = changes.slice(0, MAX_NAMES).map(nameOf).join(', ');
      const list = changes.length > MAX_NAMES ? t('fleet.alert.more', { names, n: changes.length - MAX_NAMES }) : names;
      notifications.show({
        color: to === 'offline' ? 'red' : 'teal',
        title: t(to === 'offline' ? 'fleet.alert.offlineTitle' : 'fleet.alert.onlineTitle', { n: changes.length }),
        message: list,
        autoClose: to === 'offline' ? 10_000 : 5_000,
        'data-testid': 'device-alert',
        'data-status': to,
        'data-device-ids': changes.map((c) => c.device_id).join(' '),
      } as Parameters<typeof notifications.show>[0]);
      playStatusSound(to);
    };
    return realtimeBus.subscribe((events) => {
      const { offline, online } = statusChanges(events, Date.now());
      show(offline, 'offline');
      show(online, 'online');
    });
  }, [queryClient, t]);
  return null;
}
