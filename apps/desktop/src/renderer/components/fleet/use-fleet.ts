/**
 * The fleet board's data: every device and stream of the user's scope (the server filters
 * them; fetched 500 a page until all are in), patched at once by realtime status events and
 * refetched after them (`devices` by the console's realtime invalidation; streams here, when
 * the health probe reports a change, for their new resolution and fps).
 */
import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Device, Paged, Stream } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { realtimeBus } from '../../realtime/event-bus.js';
import { applyDeviceEvents, applyStreamEvents } from './fleet-model.js';

/** Largest page the API serves. */
const PAGE = 500;

/** Every item of a paged list, one page after the other. */
export async function fetchAll<T>(page: (n: number, perPage: number) => Promise<Paged<T>>): Promise<T[]> {
  const all: T[] = [];
  for (let n = 1; ; n++) {
    const p = await page(n, PAGE);
    all.push(...p.items);
    if (p.items.length < PAGE || all.length >= p.meta.total) return all;
  }
}

/** Every device of the user's scope (also the credential form's device picker). */
export function useAllDevices() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.fleet('devices'),
    queryFn: () => fetchAll((page, per_page) => api.devicesPage({ page, per_page })),
  });
}

/** Devices and streams for the board, live. */
export function useFleet() {
  const api = useApi();
  const queryClient = useQueryClient();
  const devices = useAllDevices();
  const streams = useQuery({
    queryKey: queryKeys.fleet('streams'),
    queryFn: () => fetchAll((page, per_page) => api.streamsPage({ page, per_page })),
  });
  useEffect(
    () =>
      realtimeBus.subscribe((events) => {
        queryClient.setQueryData<Device[]>(queryKeys.fleet('devices'), (old) => old && applyDeviceEvents(old, events));
        queryClient.setQueryData<Stream[]>(queryKeys.fleet('streams'), (old) => old && applyStreamEvents(old, events));
        if (events.some((e) => e.type === 'stream_status' && e.data.source === 'probe'))
          void queryClient.invalidateQueries({ queryKey: queryKeys.fleet('streams') });
      }),
    [queryClient],
  );
  return { devices, streams };
}
