/**
 * mpegts.js set up for the lowest latency the gateway allows (MPEG-TS over WebSocket,
 * measured on the 2-core test machine at 0.34–0.45 s glass to glass with 16 tiles, MACHINE.md).
 */
import mpegts from 'mpegts.js';
import type { PlayerFactory } from './tile-player.js';

/**
 * Player config. Why each value:
 * - no stash buffer and no lazy load: hand every byte to MSE at once; a live camera has no
 *   "enough data" point;
 * - latency chasing: when the `<video>` buffer holds more than 0.9 s (a hiccup, a background
 *   tab) jump forward, keeping 0.2 s so decoding does not starve;
 * - auto cleanup: a wall runs for days; drop played-out buffer after 30 s, keep 10 s;
 * - worker: transmuxing 16 streams off the main thread keeps the feed and the UI smooth.
 */
export const LOW_LATENCY_CONFIG = {
  enableWorker: true,
  enableStashBuffer: false,
  stashInitialSize: 128 * 1024,
  lazyLoad: false,
  isLive: true,
  liveBufferLatencyChasing: true,
  liveBufferLatencyChasingOnPaused: true,
  liveBufferLatencyMaxLatency: 0.9,
  liveBufferLatencyMinRemain: 0.2,
  autoCleanupSourceBuffer: true,
  autoCleanupMaxBackwardDuration: 30,
  autoCleanupMinBackwardDuration: 10,
  fixAudioTimestampGap: false,
  deferLoadAfterSourceOpen: false,
} as const;

/** True when this browser can play MPEG-TS through Media Source Extensions. */
export function canPlayMpegts(): boolean {
  return mpegts.isSupported() && mpegts.getFeatureList().mseLivePlayback;
}

/**
 * A factory of mpegts.js players, attached and started on a `<video>`: muted and video only,
 * or with `audio` (the gateway sends AAC then) and unmuted. Errors and the end of the stream
 * (the gateway closed the socket) are reported through `onFailure`.
 */
export function mpegtsPlayerFactory(opts: { audio: boolean }): PlayerFactory {
  return (url, video, onFailure) => startMpegts(url, video as HTMLVideoElement, onFailure, opts.audio);
}

/** Muted, video only: every tile starts so. */
export const createMpegtsPlayer: PlayerFactory = mpegtsPlayerFactory({ audio: false });

function startMpegts(
  url: string,
  element: HTMLVideoElement,
  onFailure: (reason: string) => void,
  audio: boolean,
): { destroy(): void } {
  element.muted = !audio;
  const player = mpegts.createPlayer({ type: 'mpegts', isLive: true, hasAudio: audio, url }, LOW_LATENCY_CONFIG);
  player.on(mpegts.Events.ERROR, (type: unknown, detail: unknown) => onFailure(`${String(type)}: ${String(detail)}`));
  player.on(mpegts.Events.LOADING_COMPLETE, () => onFailure('stream ended'));
  player.attachMediaElement(element);
  player.load();
  const started = player.play();
  if (started) started.catch(() => undefined);
  return {
    destroy() {
      player.pause();
      player.unload();
      player.detachMediaElement();
      player.destroy();
    },
  };
}
