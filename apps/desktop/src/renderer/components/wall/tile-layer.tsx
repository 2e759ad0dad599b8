/**
 * The layers of a video tile (video-tile.tsx): each plays one stream (a quality, with or without
 * sound) on its own `<video>` through {@link TilePlayer}; the oldest is shown, and a newer one
 * (another quality, or the same with sound) plays underneath and replaces it once live, so a
 * switch never shows black. A layer asks the server for its URL with the codecs this console
 * decodes, the tile's height and whether it wants audio, and reports what it was given
 * ({@link LiveInfo}: codec, copy or transcode, the fallback) beside its state.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { PantauError, type LiveStream, type StreamQuality } from '@pantau/shared';
import { useSessionStore } from '../../stores/session-store.js';
import { useConnectionStore } from '../../stores/connection-store.js';
import { toWebSocketUrl } from '../../lib/server-url.js';
import { TilePlayer, type TileCauseError, type TileState } from '../../video/tile-player.js';
import { codecLabel, pageCodecs } from '../../video/codec-support.js';
import { canPlay, createLivePlayer, createLivePlayerWithAudio, livePlayerKind } from '../../video/live-player.js';

type Quality = StreamQuality;
/** A layer's state before anything is known. */
export const CONNECTING: TileState = { status: 'connecting', behindS: 0, error: null };

/** What the server said about the stream a layer plays (codec negotiation). */
export type LiveInfo = Pick<LiveStream, 'quality' | 'codec' | 'delivery' | 'fallback' | 'audio_codec' | 'audio'>;

/** A speaker, with sound waves when on and struck through when off (no icon font needed). */
export function SpeakerIcon({ on }: { on: boolean }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
      <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
      {on ? <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" /> : <path d="M16 9l6 6M22 9l-6 6" />}
    </svg>
  );
}

/** One stream of the tile on its own `<video>`; reports its state up. */
export function TileLayer(props: {
  streamId: number;
  quality: Quality;
  /** With sound (unmuted). */
  audio: boolean;
  run: boolean;
  top: boolean;
  onState: (state: TileState) => void;
  onInfo: (info: LiveInfo) => void;
}) {
  const { streamId, quality, audio, run, top, onState, onInfo } = props;
  const videoRef = useRef<HTMLVideoElement>(null);
  const api = useSessionStore((s) => s.api);
  const serverUrl = useSessionStore((s) => s.serverUrl);

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !api || !run) return;
    const player = new TilePlayer({
      video,
      resolveUrl: async () => {
        const codecs = pageCodecs();
        // device px, so a transcode is made as sharp as the screen shows it and no bigger
        const height = Math.round((video.clientHeight || 180) * (globalThis.devicePixelRatio || 1));
        let live: LiveStream;
        try {
          live = await api.liveStream(streamId, {
            quality,
            ...(codecs.length > 0 && { codecs: codecs.join(',') }),
            height: Math.min(4320, Math.max(90, height)),
            audio: audio ? '1' : '0',
          });
        } catch (err) {
          if (err instanceof PantauError && err.details?.reason === 'transcode_limit') {
            const codec = codecLabel(typeof err.details.codec === 'string' ? err.details.codec : null);
            throw Object.assign(new Error(`${codec} · ${err.message}`), { tileCause: 'codec' }) as TileCauseError;
          }
          throw err;
        }
        onInfo({
          quality: live.quality,
          codec: live.codec,
          delivery: live.delivery,
          fallback: live.fallback,
          audio_codec: live.audio_codec,
          audio: live.audio,
        });
        const url = toWebSocketUrl(serverUrl, live.url);
        const kind = livePlayerKind(url);
        if (kind !== live.player) throw new Error(`server says ${live.player}, URL is ${kind}`);
        if (!canPlay(kind)) throw new Error(`cannot play ${kind}`);
        return url;
      },
      createPlayer: audio ? createLivePlayerWithAudio : createLivePlayer,
      onState,
    });
    onState(CONNECTING);
    player.start();
    // When the server comes back, offline tiles retry now instead of at their next backoff step.
    const unsubscribe = useConnectionStore.subscribe((now, before) => {
      if (now.status === 'connected' && before.status !== 'connected') player.retryNow();
    });
    return () => {
      unsubscribe();
      player.stop();
    };
  }, [api, serverUrl, streamId, quality, audio, run, onState, onInfo]);

  return (
    <video
      ref={videoRef}
      className="tile__video"
      // Painted later than the layer shown, so transparent until it takes over.
      style={top ? undefined : { opacity: 0 }}
      data-testid="tile-video"
      data-quality={quality}
      data-audio={audio ? 'on' : 'off'}
      data-shown={top}
      muted={!audio}
      autoPlay
      playsInline
      disablePictureInPicture
    />
  );
}

export interface Layer {
  id: number;
  quality: Quality;
  audio: boolean;
  state: TileState;
  /** What the server said it serves, once it has. */
  info?: LiveInfo;
}

/**
 * The layers of a tile: the oldest is shown; a newer one (another quality) plays underneath
 * and replaces it once live. See the module comment.
 */
export function useLayers(quality: Quality, audio: boolean, run: boolean) {
  const nextId = useRef(1);
  const [layers, setLayers] = useState<Layer[]>([{ id: 0, quality, audio, state: CONNECTING }]);
  useEffect(() => {
    setLayers((ls) => {
      const shown = ls[0];
      const last = ls.at(-1);
      if (last?.quality === quality && last.audio === audio) return ls;
      const fresh: Layer = { id: nextId.current++, quality, audio, state: CONNECTING };
      // Only a picture is worth keeping: with nothing live, switch at once.
      return shown && shown.state.status === 'live' && run ? [shown, fresh] : [fresh];
    });
  }, [quality, audio, run]);
  const onState = useCallback((id: number, state: TileState) => {
    setLayers((ls) => {
      const at = ls.findIndex((l) => l.id === id);
      if (at < 0) return ls;
      const next = ls.map((l) => (l.id === id ? { ...l, state } : l));
      // A newer layer has a picture: drop the ones it was waiting behind.
      return at > 0 && state.status === 'live' ? next.slice(at) : next;
    });
  }, []);
  const onInfo = useCallback((id: number, info: LiveInfo) => {
    setLayers((ls) => ls.map((l) => (l.id === id ? { ...l, info } : l)));
  }, []);
  // Released: keep only the wanted quality, so it alone starts when the tile is seen again.
  useEffect(() => {
    if (!run) setLayers((ls) => (ls.length > 1 ? ls.slice(-1) : ls));
  }, [run]);
  return { layers, onState, onInfo };
}
