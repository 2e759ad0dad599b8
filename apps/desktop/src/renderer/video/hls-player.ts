/**
 * hls.js for HLS cameras (played through the gateway's HLS proxy, `/hls/streams/…m3u8?ticket=`),
 * set up for live latency rather than smoothness: HLS cannot get under about one segment
 * (≈1.3 s with 1 s segments, MACHINE.md), so the point is to never drift further than that.
 */
import Hls from 'hls.js';
import type { HlsConfig } from 'hls.js';
import type { PlayerFactory } from './tile-player.js';

/**
 * Player config. Why each value:
 * - `lowLatencyMode`: use LL-HLS parts and preload hints where the source offers them;
 * - `liveSyncDuration` 1 s behind the live edge (not 3 segments), `liveMaxLatencyDuration` 3 s:
 *   further behind than that and hls.js jumps to the sync point;
 * - `maxLiveSyncPlaybackRate` 1.5: between the two, catch up by playing faster (invisible on
 *   CCTV, unlike a jump);
 * - short buffers (`maxBufferLength` 4 s, `backBufferLength` 10 s): a wall runs for days with
 *   up to 16 of these;
 * - worker on, as for mpegts.js: transmuxing off the main thread.
 * Source: hls.js API.md, "Low-latency streaming" and the config reference.
 */
export const HLS_LOW_LATENCY_CONFIG: Partial<HlsConfig> = {
  enableWorker: true,
  lowLatencyMode: true,
  liveSyncDuration: 1,
  liveMaxLatencyDuration: 3,
  maxLiveSyncPlaybackRate: 1.5,
  maxBufferLength: 4,
  backBufferLength: 10,
  manifestLoadingMaxRetry: 2,
  levelLoadingMaxRetry: 2,
  fragLoadingMaxRetry: 2,
};

/** True when this browser can play HLS through hls.js (Media Source Extensions). */
export function canPlayHls(): boolean {
  return Hls.isSupported();
}

/**
 * A factory of hls.js players, attached and started on a `<video>`, muted unless `audio`
 * (hls.js plays whatever audio the camera muxed). Fatal errors (hls.js has given up retrying)
 * are reported through `onFailure`; the tile then asks for a fresh URL.
 */
export function hlsPlayerFactory(opts: { audio: boolean }): PlayerFactory {
  return (url, video, onFailure) => startHls(url, video as HTMLVideoElement, onFailure, opts.audio);
}

/** Muted: every tile starts so. */
export const createHlsPlayer: PlayerFactory = hlsPlayerFactory({ audio: false });

function startHls(
  url: string,
  element: HTMLVideoElement,
  onFailure: (reason: string) => void,
  audio: boolean,
): { destroy(): void } {
  element.muted = !audio;
  const hls = new Hls(HLS_LOW_LATENCY_CONFIG);
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) onFailure(`${data.type}: ${data.details}`);
  });
  hls.on(Hls.Events.MANIFEST_PARSED, () => {
    element.play().catch(() => undefined);
  });
  hls.loadSource(url);
  hls.attachMedia(element);
  return {
    destroy() {
      hls.destroy();
      element.removeAttribute('src');
      element.load();
    },
  };
}
