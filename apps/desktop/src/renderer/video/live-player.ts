/**
 * Picks the player for a live URL the gateway handed out: MPEG-TS over WebSocket (`ws:`/`wss:`,
 * the gateway's RTSP remux) with mpegts.js, HLS playlists (`….m3u8`, the gateway's HLS proxy or
 * any http(s) source) with hls.js.
 */
import { canPlayHls, createHlsPlayer } from './hls-player.js';
import { canPlayMpegts, createMpegtsPlayer } from './mpegts-player.js';
import type { PlayerFactory } from './tile-player.js';
import { livePlayerKind, type LivePlayerKind } from './player-kind.js';

export { livePlayerKind, type LivePlayerKind };

/** Whether this browser can play a kind at all (Media Source Extensions). */
export function canPlay(kind: LivePlayerKind): boolean {
  return kind === 'hls' ? canPlayHls() : canPlayMpegts();
}

/** {@link PlayerFactory} that hands the URL to mpegts.js or hls.js by {@link livePlayerKind}. */
export const createLivePlayer: PlayerFactory = (url, video, onFailure) =>
  livePlayerKind(url) === 'hls' ? createHlsPlayer(url, video, onFailure) : createMpegtsPlayer(url, video, onFailure);
