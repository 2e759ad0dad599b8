/**
 * Picks the player for a live URL the gateway handed out: MPEG-TS over WebSocket (`ws:`/`wss:`,
 * the gateway's RTSP remux) with mpegts.js, HLS playlists (`….m3u8`, the gateway's HLS proxy or
 * any http(s) source) with hls.js.
 */
import { canPlayHls, hlsPlayerFactory } from './hls-player.js';
import { canPlayMpegts, mpegtsPlayerFactory } from './mpegts-player.js';
import type { PlayerFactory } from './tile-player.js';
import { livePlayerKind, type LivePlayerKind } from './player-kind.js';

export { livePlayerKind, type LivePlayerKind };

/** Whether this browser can play a kind at all (Media Source Extensions). */
export function canPlay(kind: LivePlayerKind): boolean {
  return kind === 'hls' ? canPlayHls() : canPlayMpegts();
}

/**
 * A {@link PlayerFactory} that hands the URL to mpegts.js or hls.js by {@link livePlayerKind},
 * muted and video only, or with `audio` and unmuted (an operator unmuted a maximised tile).
 */
export function livePlayerFactory(opts: { audio: boolean }): PlayerFactory {
  const hls = hlsPlayerFactory(opts);
  const ts = mpegtsPlayerFactory(opts);
  return (url, video, onFailure) =>
    livePlayerKind(url) === 'hls' ? hls(url, video, onFailure) : ts(url, video, onFailure);
}

/** Muted, video only: what every tile starts with. */
export const createLivePlayer: PlayerFactory = livePlayerFactory({ audio: false });
/** With sound. */
export const createLivePlayerWithAudio: PlayerFactory = livePlayerFactory({ audio: true });
