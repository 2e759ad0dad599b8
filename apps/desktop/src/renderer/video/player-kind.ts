/**
 * Which player a live URL needs, from its scheme and path alone (no player code here, so
 * it is tested in Node).
 */

/** Which player a URL needs. */
export type LivePlayerKind = 'mpegts' | 'hls';

/**
 * The player for a URL: `hls` for an http(s) URL whose path ends in `.m3u8`, `mpegts` for
 * `ws:`/`wss:`. @throws Error for anything else (the tile shows it and retries)
 */
export function livePlayerKind(url: string): LivePlayerKind {
  const u = new URL(url);
  if (u.protocol === 'ws:' || u.protocol === 'wss:') return 'mpegts';
  if ((u.protocol === 'http:' || u.protocol === 'https:') && u.pathname.toLowerCase().endsWith('.m3u8')) return 'hls';
  throw new Error(`no player for ${u.protocol} ${u.pathname}`);
}
