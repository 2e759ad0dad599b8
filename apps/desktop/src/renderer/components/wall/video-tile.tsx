/**
 * D2 tile: one camera of the wall. Plays its stream through {@link TilePlayer} (mpegts.js over
 * the gateway's WebSocket), shows camera, branch and status, flashes a badge on a detection
 * from this camera, and maximises on click (switching to the main stream).
 *
 * Test hooks: `data-testid="tile-<position_number>"`, `data-status` (connecting | live |
 * stalled | offline), `data-position`, `data-stream-id`, `data-device-id`, `data-quality`
 * (sub | main), `data-maximized`, `data-last-re-id`. Inside: `status-chip`, `detection-badge`,
 * and `error-overlay` (only while offline). No other test id starts with `tile-`.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { LayoutPosition } from '@pantau/shared';
import { useSessionStore } from '../../stores/session-store.js';
import { upstreamKey, useWallStore } from '../../stores/wall-store.js';
import { useFormat } from '../../i18n/use-format.js';
import { useBranchTimeZones } from '../../data/use-camera-tree.js';
import { useConnectionStore } from '../../stores/connection-store.js';
import { toWebSocketUrl } from '../../lib/server-url.js';
import { TilePlayer, type TileState } from '../../video/tile-player.js';
import { canPlayMpegts, createMpegtsPlayer } from '../../video/mpegts-player.js';

const CONNECTING: TileState = { status: 'connecting', behindS: 0, error: null };

/** Props of a tile. */
export interface VideoTileProps {
  position: LayoutPosition;
  maximised: boolean;
  onToggle: (position: number) => void;
}

function statusText(state: TileState, t: TFunction): string {
  switch (state.status) {
    case 'live':
      return t('tile.live');
    case 'connecting':
      return t('tile.connecting');
    case 'stalled':
      return t('tile.stalled', { seconds: state.behindS });
    case 'offline':
      return t('tile.offline');
  }
}

/** The player's technical reason in the user's language where it is one of the player's own. */
function reasonText(error: string | null, t: TFunction): string {
  if (error === null) return t('tile.noSignal');
  if (error === 'no video received') return t('tile.noVideo');
  const noUrl = /^no live URL: (.*)$/.exec(error);
  return noUrl ? t('tile.noLiveUrl', { reason: noUrl[1] }) : error;
}

/** One playing camera. */
export function VideoTile({ position, maximised, onToggle }: VideoTileProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const timeZone = useBranchTimeZones().get(position.branch_id);
  const videoRef = useRef<HTMLVideoElement>(null);
  const api = useSessionStore((s) => s.api);
  const serverUrl = useSessionStore((s) => s.serverUrl);
  const detection = useWallStore((s) => s.detections[position.device_id]);
  const quality = maximised ? 'main' : position.quality;
  const upstream = useWallStore((s) => s.upstreams[upstreamKey(position.stream_id, quality)]);
  const supported = useMemo(() => canPlayMpegts(), []);
  const [state, setState] = useState<TileState>(CONNECTING);
  const streamId = position.stream_id;

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !api || !supported) return;
    const player = new TilePlayer({
      video,
      resolveUrl: async () => {
        const live = await api.liveStream(streamId, quality);
        if (live.player !== 'mpegts') throw new Error(`player ${live.player} not supported yet`);
        return toWebSocketUrl(serverUrl, live.url);
      },
      createPlayer: createMpegtsPlayer,
      onState: setState,
    });
    player.start();
    // When the server comes back, offline tiles retry now instead of at their next backoff step.
    const unsubscribe = useConnectionStore.subscribe((now, before) => {
      if (now.status === 'connected' && before.status !== 'connected') player.retryNow();
    });
    return () => {
      unsubscribe();
      player.stop();
    };
  }, [api, serverUrl, streamId, quality, supported]);

  // The gateway says at once when the camera stops answering; the player alone would only
  // notice after its stall and first-frame timeouts.
  const shown: TileState = !supported
    ? { status: 'offline', behindS: 0, error: t('tile.noMse') }
    : upstream?.status === 'reconnecting' && state.status !== 'live'
      ? { status: 'offline', behindS: 0, error: t('tile.notAnswering', { time: fmt.clock(upstream.since, timeZone) }), cause: 'camera' }
      : state;
  const name = position.position_name ?? position.stream_name;

  return (
    <div
      className={`tile tile--${shown.status}${maximised ? ' tile--max' : ''}`}
      data-testid={`tile-${position.position_number}`}
      data-position={position.position_number}
      data-status={shown.status}
      data-stream-id={streamId}
      data-device-id={position.device_id}
      data-quality={quality}
      data-maximized={maximised}
      data-last-re-id={detection?.reId}
      onClick={() => onToggle(position.position_number)}
      title={maximised ? t('tile.clickToRestore') : t('tile.clickToMaximise')}
    >
      <video ref={videoRef} className="tile__video" muted autoPlay playsInline disablePictureInPicture />
      <div className="tile__caption">
        <span className="tile__name">{name}</span>
        <span className="tile__branch">{position.branch_name}</span>
      </div>
      <div className={`tile__status tile__status--${shown.status}`} data-testid="status-chip">
        <span className="tile__status-dot" />
        {statusText(shown, t)}
        {maximised && <span className="tile__quality">{t('tile.main')}</span>}
      </div>
      {shown.status === 'connecting' && (
        <div className="tile__center">
          <Loader size="sm" color="gray" type="dots" />
        </div>
      )}
      {shown.status === 'offline' && (
        <div className="tile__center tile__error" data-testid="error-overlay">
          <strong>{shown.cause === 'server' ? t('tile.serverUnreachable') : t('tile.cameraOffline')}</strong>
          <span>{t('tile.retrying', { reason: reasonText(shown.error, t) })}</span>
        </div>
      )}
      {detection && (
        <div key={detection.eventId} className="tile__badge" data-testid="detection-badge">
          <span className="tile__badge-label">{t('tile.detected')}</span> {detection.reId}
          {detection.count > 1 && <span className="tile__badge-count">×{detection.count}</span>}
        </div>
      )}
      <div className="tile__position">{position.position_number}</div>
    </div>
  );
}
