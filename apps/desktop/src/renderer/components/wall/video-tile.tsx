/**
 * D2 tile: one camera of the wall. Plays its stream through {@link TilePlayer} (mpegts.js over
 * the gateway's WebSocket, or hls.js for HLS sources: the URL decides), shows camera, branch and
 * status, flashes a badge on a detection from this camera, and maximises on click (or Enter /
 * Space while focused).
 *
 * Accessibility: the tile is a named group (the camera's name) reached with Tab; its status chip
 * is a polite live region, so a screen reader hears "live", "stalled", "offline since…" as
 * they change; the speaker button is named. The tile is not a button itself: it holds one.
 *
 * Quality: the position's (substream in the grid), the main stream while maximised. A switch
 * never shows black: the new stream plays in a second `<video>` under the old one, which stays
 * on top until the new one has shown a frame, then goes away (one "layer" per quality).
 *
 * Sound: tiles start muted and play video only. A maximised tile whose camera sends audio has a
 * speaker button; unmuting plays the stream again with its audio (AAC as it is, G.711
 * transcoded to AAC by the gateway) in a new layer, swapped in as for a quality switch; restoring
 * the tile mutes it again.
 *
 * Live on activity (a layout's `live_mode: 'activity'`, for 25-, 36- and 64-tile walls): the
 * tile shows a still frame of its camera (tile-still.tsx), and plays live while maximised,
 * hovered or focused and for a while after a detection at its camera (tile-activity.ts); while
 * the live picture starts, the still stays over it, so the switch never shows black.
 *
 * Hidden tiles (page hidden, off-screen or not laid out, or `paused` by the wall) stop and
 * release their players after a short grace (use-tile-visible.ts) and start again at the live
 * edge when seen again: browsers cap media players per page.
 *
 * Status shown: the player's (connecting, live, stalled N s, offline), but offline as soon as
 * the gateway says the camera stopped answering (`stream_status` reconnecting, "since HH:MM"),
 * or the camera device reports itself offline (`camera_status_update`, heartbeats). While the
 * console cannot reach the server (reconnecting or offline) an offline tile says "server
 * unreachable" instead: the streams ended with the server, not with the cameras.
 *
 * Codecs (issue 15): each live request says which codecs this console decodes and how tall the
 * tile is; the gateway transcodes what it cannot decode (the tile says "H.265 · transcoded"),
 * and past its transcode limit serves the substream (the tile says why) or refuses (the tile
 * says "codec not supported here"). What is wrong is said in its own words: wrong credentials
 * (401), camera unreachable, stream not found, camera busy, no video, codec not supported — never
 * "offline" for a camera that answers. The camera tree and the fleet board read the same
 * `problem` (the stream's, from the probe and the gateway).
 *
 * Test hooks: `data-testid="tile-<position_number>"`, `data-status` (connecting | live |
 * stalled | offline | still), `data-mode` (live | still), `data-problem` (unauthorized | not_found | unavailable | unreachable |
 * no_video | codec, while offline for that reason), `data-delivery` (copy | transcode),
 * `data-codec` (the camera's codec), `data-fallback` (transcode_limit), `data-position`, `data-stream-id`, `data-device-id`, `data-quality`
 * (sub | main: the stream shown now), `data-wanted-quality` (the one asked for), `data-playing`
 * (false while released), `data-audio` (on | off), `data-maximized`, `data-last-re-id`. Inside: `status-chip`,
 * `detection-badge`, `error-overlay` (only while offline), `tile-video[data-quality][data-shown]`
 * per layer, `tile-codec` (the codec line, when there is something to say), `tile-audio` (the
 * speaker button, `data-audio` on | off, maximised tiles of cameras with audio only).
 * No other test id starts with `tile-`.
 */
import { useEffect, useRef, useState } from 'react';
import { ActionIcon, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { LayoutPosition, StreamProblem, StreamQuality } from '@pantau/shared';
import { upstreamKey, useWallStore } from '../../stores/wall-store.js';
import { useFormat } from '../../i18n/use-format.js';
import { useBranchTimeZones } from '../../data/use-camera-tree.js';
import { useConnectionStore } from '../../stores/connection-store.js';
import type { TileState } from '../../video/tile-player.js';
import { codecLabel, pageCodecs } from '../../video/codec-support.js';
import { audioLabel } from '../common/stream-media.js';
import { useTileVisible } from '../../video/use-tile-visible.js';
import { useTileActivity } from '../../video/tile-activity.js';
import { TileStill } from './tile-still.js';
import { SpeakerIcon, TileLayer, useLayers, type LiveInfo } from './tile-layer.js';
import { useDeviceStatus } from '../../video/use-device-status.js';

type Quality = StreamQuality;

/** Why a tile is offline, in the tile's words (`codec`: this console cannot decode the camera and the server will not transcode it). */
type TileProblem = StreamProblem | 'codec';

/** Props of a tile. `quality` and `paused` are optional additions; the rest is unchanged. */
export interface VideoTileProps {
  position: LayoutPosition;
  maximised: boolean;
  onToggle: (position: number) => void;
  /** Force a quality (default: main while maximised, else the position's). */
  quality?: Quality;
  /** The wall covers this tile (e.g. another one is maximised over it): release its player. */
  paused?: boolean;
}

function statusText(state: TileState, problem: TileProblem | null, t: TFunction): string {
  switch (state.status) {
    case 'live':
      return t('tile.live');
    case 'connecting':
      return t('tile.connecting');
    case 'stalled':
      return t('tile.stalled', { seconds: state.behindS });
    case 'offline':
      return problem ? t(`tile.problem.${problem}.chip`) : t('tile.offline');
  }
}

/** The MSE errors mpegts.js and hls.js report for media the browser cannot decode. */
const DECODE_ERROR = /MediaMSEError|MediaError|bufferAddCodecError|manifestIncompatibleCodecsError/;

/** The player's technical reason in the user's language where it is one of the player's own. */
function reasonText(error: string | null, t: TFunction): string {
  if (error === null) return t('tile.noSignal');
  if (error === 'no video received') return t('tile.noVideo');
  if (error.startsWith('codec: ')) return error.slice('codec: '.length);
  const noUrl = /^no live URL: (.*)$/.exec(error);
  const noPlayer = noUrl && /cannot play (\w+)/.exec(noUrl[1] ?? '');
  if (noPlayer) return t('tiles.noPlayer', { kind: noPlayer[1] === 'hls' ? 'HLS' : 'MPEG-TS' });
  return noUrl ? t('tile.noLiveUrl', { reason: noUrl[1] }) : error;
}

/** One playing camera. */
export function VideoTile({ position, maximised, onToggle, quality: forced, paused = false }: VideoTileProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const timeZone = useBranchTimeZones().get(position.branch_id);
  const tileRef = useRef<HTMLDivElement>(null);
  const detection = useWallStore((s) => s.detections[position.device_id]);
  const quality: Quality = forced ?? (maximised ? 'main' : position.quality);
  const visible = useTileVisible(tileRef, paused);
  const liveMode = useWallStore((s) => s.layout?.live_mode ?? 'always');
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const live = useTileActivity({ mode: liveMode, maximised, heardAt: detection?.heardAt, hovered, focused });
  // a player only for a tile on screen that is live (always, or on activity)
  const run = visible && live;
  // sound only on a maximised tile, off again when it is restored
  const [unmuted, setUnmuted] = useState(false);
  useEffect(() => {
    if (!maximised) setUnmuted(false);
  }, [maximised]);
  const audio = unmuted && maximised;
  const { layers, onState, onInfo } = useLayers(quality, audio, run);
  const shownLayer = layers[0]!;
  const info = shownLayer.info;
  // the quality the server serves (a main stream past the transcode limit comes as the substream)
  const servedQuality = info?.quality ?? shownLayer.quality;
  const upstream = useWallStore((s) => s.upstreams[upstreamKey(position.stream_id, servedQuality)]);
  const device = useDeviceStatus(position.device_id);
  const state = shownLayer.state;
  const streamId = position.stream_id;
  // One callback per layer id, stable across renders (the layer's effect depends on it).
  const callbacks = useRef(new Map<number, { state: (s: TileState) => void; info: (i: LiveInfo) => void }>());
  const callbackFor = (id: number) => {
    let cb = callbacks.current.get(id);
    if (!cb) {
      cb = { state: (s: TileState) => onState(id, s), info: (i: LiveInfo) => onInfo(id, i) };
      callbacks.current.set(id, cb);
    }
    return cb;
  };

  // The gateway says at once when the camera stops answering; the player alone would only
  // notice after its stall and first-frame timeouts. The device's own word counts too.
  // While the camera stays away the upstream cycles reconnecting → starting → reconnecting:
  // a restart attempt after a drop is still "down" until it goes online.
  const [downSince, setDownSince] = useState<string | null>(null);
  useEffect(() => {
    if (upstream?.status === 'reconnecting' || upstream?.status === 'offline') setDownSince((d) => d ?? upstream.since);
    else if (upstream?.status !== 'starting') setDownSince(null);
  }, [upstream?.status, upstream?.since]);
  // (the player's own "live" is not trusted here: it lingers on the last frames of the dropped
  // connection; the gateway says live again with the first data of the new one)
  const gatewayDown =
    upstream?.status === 'reconnecting' ||
    upstream?.status === 'offline' ||
    (upstream?.status === 'starting' && downSince !== null);
  const deviceDown = device.status === 'offline';
  // While the console cannot reach the server, every stream ends with it: say so rather than
  // blame each camera ("camera offline" on all sixteen tiles would send someone to the cameras).
  const serverAway = useConnectionStore((c) => c.status === 'reconnecting' || c.status === 'offline');
  const shown: TileState =
    serverAway && (state.status === 'offline' || gatewayDown || deviceDown)
      ? { ...state, status: 'offline', behindS: 0, cause: 'server' }
      : gatewayDown
        ? {
            status: 'offline',
            behindS: 0,
            error: t('tile.notAnswering', { time: fmt.clock(downSince ?? upstream?.since, timeZone) }),
            cause: 'camera',
          }
        : deviceDown
          ? {
              status: 'offline',
              behindS: 0,
              error: device.since
                ? t('tiles.deviceOfflineSince', { time: fmt.clock(device.since, timeZone) })
                : t('tiles.deviceOffline'),
              cause: 'camera',
            }
          : state;
  const offlineSince = serverAway
    ? null
    : gatewayDown
      ? (downSince ?? upstream?.since ?? null)
      : deviceDown
        ? device.since
        : null;
  // Why it is offline, in its own words: what the gateway found (401, unreachable, …) while it
  // cannot read the camera; or a codec this console cannot decode and the server will not transcode.
  const codecs = pageCodecs();
  const undecodable =
    shown.status === 'offline' &&
    (shown.cause === 'codec' ||
      (info?.delivery === 'copy' &&
        info.codec !== null &&
        !(codecs as string[]).includes(info.codec) &&
        DECODE_ERROR.test(shown.error ?? '')));
  const problem: TileProblem | null =
    shown.status !== 'offline' || shown.cause === 'server'
      ? null
      : undecodable
        ? 'codec'
        : gatewayDown && upstream?.problem
          ? upstream.problem
          : null;
  const codecLine =
    info && info.delivery === 'transcode'
      ? t('tile.transcoded', { codec: codecLabel(info.codec) })
      : info?.fallback === 'transcode_limit'
        ? t('tile.fallbackSub')
        : null;
  const name = position.position_name ?? position.stream_name;
  // a wall that goes live on activity: a still unless live (or offline: the camera cannot be read)
  const still = liveMode === 'activity' && !live && shown.status !== 'offline';
  const domStatus = still ? 'still' : shown.status;

  return (
    <div
      ref={tileRef}
      className={`tile tile--${domStatus}${maximised ? ' tile--max' : ''}`}
      data-testid={`tile-${position.position_number}`}
      data-position={position.position_number}
      data-status={domStatus}
      data-mode={live ? 'live' : 'still'}
      data-problem={problem ?? undefined}
      data-delivery={info?.delivery}
      data-codec={info?.codec ?? undefined}
      data-fallback={info?.fallback ?? undefined}
      data-stream-id={streamId}
      data-device-id={position.device_id}
      data-quality={shownLayer.quality}
      data-wanted-quality={quality}
      data-playing={run}
      data-maximized={maximised}
      data-audio={shownLayer.audio && info?.audio ? 'on' : 'off'}
      data-last-re-id={detection?.reId}
      role="group"
      aria-label={name}
      onClick={() => onToggle(position.position_number)}
      onKeyDown={(e) => {
        // the tile's own keys only: the speaker button inside handles its own
        if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' ')) return;
        e.preventDefault();
        onToggle(position.position_number);
      }}
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      tabIndex={0}
      title={maximised ? t('tile.clickToRestore') : t('tile.clickToMaximise')}
    >
      {layers.map((layer, i) => (
        <TileLayer
          key={layer.id}
          streamId={streamId}
          quality={layer.quality}
          audio={layer.audio}
          run={run}
          top={i === 0}
          onState={callbackFor(layer.id).state}
          onInfo={callbackFor(layer.id).info}
        />
      ))}
      {/* a still: on a wall live on activity, and for a camera this console cannot decode and the
          server will not transcode (the gateway decodes stills of any codec) */}
      {((liveMode === 'activity' && (still || shown.status !== 'live')) || problem === 'codec') && (
        <TileStill streamId={streamId} quality={servedQuality} run={visible} overlay={!still} />
      )}
      <div className="tile__caption">
        <span className="tile__name">{name}</span>
        <span className="tile__branch">{position.branch_name}</span>
      </div>
      <div className={`tile__status tile__status--${shown.status}`} data-testid="status-chip" role="status">
        <span className="tile__status-dot" aria-hidden="true" />
        {still ? t('tile.still') : statusText(shown, problem, t)}
        {servedQuality === 'main' && <span className="tile__quality">{t('tile.main')}</span>}
      </div>
      {codecLine && shown.status !== 'offline' && (
        <div className="tile__codec" data-testid="tile-codec">
          {codecLine}
        </div>
      )}
      {shown.status === 'connecting' && !still && (
        <div className="tile__center">
          <Loader size="sm" color="gray" type="dots" />
        </div>
      )}
      {shown.status === 'offline' && (
        <div className="tile__center tile__error" data-testid="error-overlay">
          <strong>
            {shown.cause === 'server'
              ? t('tile.serverUnreachable')
              : problem
                ? t(`tile.problem.${problem}.title`)
                : offlineSince
                  ? t('tiles.offlineSince', { time: fmt.clock(offlineSince, timeZone) })
                  : t('tile.cameraOffline')}
          </strong>
          <span>
            {t('tile.retrying', {
              reason:
                problem && problem !== 'codec'
                  ? t(`tile.problem.${problem}.detail`)
                  : problem === 'codec'
                    ? t(shown.cause === 'codec' ? 'tile.problem.codec.limit' : 'tile.problem.codec.detail', {
                        codec:
                          shown.cause === 'codec'
                            ? (shown.error ?? '').replace(/^codec: /, '').split(' · ')[0]
                            : codecLabel(info?.codec ?? null),
                      })
                    : reasonText(shown.error, t),
            })}
          </span>
        </div>
      )}
      {detection && (
        <div key={detection.eventId} className="tile__badge" data-testid="detection-badge">
          <span className="tile__badge-label">{t('tile.detected')}</span> {detection.reId}
          {detection.count > 1 && <span className="tile__badge-count">×{detection.count}</span>}
        </div>
      )}
      {maximised && info?.audio_codec && (
        <ActionIcon
          className="tile__audio"
          variant="filled"
          color={audio ? 'teal' : 'dark'}
          size="lg"
          data-testid="tile-audio"
          data-audio={audio ? 'on' : 'off'}
          aria-pressed={audio}
          aria-label={audio ? t('tile.mute') : t('tile.unmute')}
          title={`${audio ? t('tile.mute') : t('tile.unmute')} (${audioLabel(info.audio_codec) ?? ''})`}
          onClick={(e) => {
            e.stopPropagation(); // a click on the tile restores it
            setUnmuted((u) => !u);
          }}
        >
          <SpeakerIcon on={audio} />
        </ActionIcon>
      )}
      <div className="tile__position">{position.position_number}</div>
    </div>
  );
}
