/**
 * An event's snapshot in the live feed (D4, S5): a small thumbnail once the image job is done
 * (a dim placeholder while it runs); a click opens the stamped full image in a modal. The
 * image addresses are signed links that expire after 10 minutes, fetched per event with
 * `GET /events/:id/snapshot` and renewed before they run out.
 *
 * Test hooks: `snapshot-thumb` (`data-event-id`), `snapshot-pending`, `snapshot-modal`,
 * `snapshot-image` (`data-loaded` once the picture has arrived).
 */
import { useState } from 'react';
import { Group, Modal, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EventLog, SnapshotLinks } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useSessionStore } from '../../stores/session-store.js';
import { useFormat } from '../../i18n/use-format.js';
import { listenForSnapshots, snapshotState, useSnapshotStore } from './snapshot-store.js';
import './snapshots.css';

// once per console: `snapshot_ready` events mark rows' snapshots as ready
listenForSnapshots();

/** Links are fetched again after this, ms: well before they expire (10 minutes). */
export const SNAPSHOT_LINK_REFRESH_MS = 8 * 60_000;

/** The query key of an event's snapshot links. */
export const snapshotKey = (eventLogId: number) => ['snapshots', eventLogId] as const;

/** A server path (`/files/…`) as an absolute URL of the signed-in server. */
function useServerUrl(): (path: string) => string {
  const base = useSessionStore((s) => s.serverUrl);
  return (path) => new URL(path, base || window.location.origin).href;
}

/** What the thumbnail and its modal show of an event. */
type ThumbRow = Pick<EventLog, 'id' | 'device_name' | 'branch_name' | 'event_timestamp' | 're_id'>;

function SnapshotModal({
  row,
  links,
  opened,
  onClose,
  timeZone,
}: {
  row: ThumbRow;
  links: SnapshotLinks;
  opened: boolean;
  onClose: () => void;
  timeZone: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const url = useServerUrl();
  const [loaded, setLoaded] = useState(false);
  return (
    // events from inside the modal's portal still bubble through React to the feed row: stop them here
    <span onClick={(e) => e.stopPropagation()}>
      <Modal
        opened={opened}
        onClose={onClose}
        size="auto"
        centered
        title={t('snapshots.title', { camera: row.device_name, branch: row.branch_name })}
        data-testid="snapshot-modal"
      >
        <img
          src={url(links.image_url)}
          alt={t('snapshots.alt', { camera: row.device_name })}
          className="snapshot-modal__image"
          width={links.width}
          height={links.height}
          data-testid="snapshot-image"
          data-loaded={loaded}
          onLoad={() => setLoaded(true)}
        />
        <Group justify="space-between" mt="xs">
          <Text size="xs" c="dimmed">
            {fmt.dateTime(row.event_timestamp, timeZone)} · {row.re_id}
          </Text>
          <Text size="xs" c="dimmed">
            {t('snapshots.size', { width: links.width, height: links.height })}
          </Text>
        </Group>
      </Modal>
    </span>
  );
}

/** The thumbnail of an event whose snapshot is ready (also used by the person's detection history). */
export function ReadyThumb({ row, timeZone }: { row: ThumbRow; timeZone: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const url = useServerUrl();
  const [open, setOpen] = useState(false);
  const links = useQuery({
    queryKey: snapshotKey(row.id),
    queryFn: () => api.eventSnapshot(row.id),
    staleTime: SNAPSHOT_LINK_REFRESH_MS,
    refetchInterval: SNAPSHOT_LINK_REFRESH_MS,
    retry: 1,
  });
  if (!links.data)
    return (
      <span className="snap-thumb snap-thumb--pending" title={links.isError ? t('snapshots.unavailable') : undefined} />
    );
  return (
    <>
      <button
        type="button"
        className="snap-thumb"
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
        title={t('snapshots.open')}
        aria-label={t('snapshots.open')}
        data-testid="snapshot-thumb"
        data-event-id={row.id}
      >
        <img src={url(links.data.thumbnail_url)} alt={t('snapshots.alt', { camera: row.device_name })} loading="lazy" />
      </button>
      {open && (
        <SnapshotModal row={row} links={links.data} opened={open} onClose={() => setOpen(false)} timeZone={timeZone} />
      )}
    </>
  );
}

/** The snapshot cell of a feed row: nothing when the event has no image. */
export function SnapshotThumb({ row, timeZone }: { row: EventLog; timeZone: string }) {
  const { t } = useTranslation();
  const readyLive = useSnapshotStore((s) => s.ready.has(row.id));
  const state = snapshotState(row, readyLive);
  if (state === 'none') return null;
  if (state === 'pending')
    return (
      <span
        className="snap-thumb snap-thumb--pending"
        title={t('snapshots.processing')}
        data-testid="snapshot-pending"
      />
    );
  return <ReadyThumb row={row} timeZone={timeZone} />;
}
