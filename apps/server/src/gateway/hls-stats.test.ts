/**
 * The HLS figures on their own, with a clock the tests move (no sleeping).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HLS_MIN_VIEWER_WINDOW_MS, HlsStats, targetDurationMs } from './hls-stats.js';
import type { HlsStatsOptions } from './hls-stats.js';

const MEDIA = (targetS: number) => `#EXTM3U\n#EXT-X-TARGETDURATION:${targetS}\n#EXTINF:${targetS}.0,\nseg0.ts\n`;

let clock = 1_000_000;
const made: HlsStats[] = [];
const told: Array<{ stream_id: number; state: string; viewers: number }> = [];

function stats(options: HlsStatsOptions = {}): HlsStats {
  const s = new HlsStats({
    now: () => clock,
    idleTimeoutMs: 5000,
    onStatus: (st) => told.push({ stream_id: st.stream_id, state: st.state, viewers: st.viewers }),
    ...options,
  });
  made.push(s);
  return s;
}

afterEach(() => {
  for (const s of made.splice(0)) s.close();
  told.length = 0;
  clock = 1_000_000;
});

describe('targetDurationMs', () => {
  it("reads a media playlist's target duration in ms; null for a master playlist", () => {
    expect(targetDurationMs(MEDIA(2))).toBe(2000);
    expect(targetDurationMs('#EXTM3U\n#EXT-X-TARGETDURATION:6.5\n')).toBe(6500);
    expect(targetDurationMs('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/index.m3u8\n')).toBeNull();
  });
});

describe('HlsStats', () => {
  it('counts distinct players that fetched a playlist within the window: 10 s, or 3 target durations when longer', () => {
    const s = stats();
    s.request(1, 'sub', 'ticket-a', true);
    s.request(1, 'sub', 'ticket-a', true);
    s.request(1, 'sub', 'ticket-b', true);
    s.request(1, 'sub', 'ticket-c', false); // segments alone do not make a viewer
    s.playlistLoaded(1, 'sub', MEDIA(2));
    expect(s.stats()).toMatchObject([{ stream_id: 1, quality: 'sub', protocol: 'hls', viewers: 2 }]);
    clock += HLS_MIN_VIEWER_WINDOW_MS; // 3 × 2 s < 10 s: the floor holds
    expect(s.stats()[0]!.viewers).toBe(2);
    clock += 1;
    expect(s.stats()[0]!.viewers).toBe(0);

    s.request(1, 'sub', 'ticket-a', true);
    s.playlistLoaded(1, 'sub', MEDIA(6)); // 3 × 6 s = 18 s > 10 s
    clock += 18_000;
    expect(s.stats()[0]!.viewers).toBe(1);
    clock += 1;
    expect(s.stats()[0]!.viewers).toBe(0);
  });

  it('goes starting → live → reconnecting → live; failures counted, uptime from the first playlist of the run; each change told once', () => {
    const s = stats();
    s.request(3, 'main', 't', true);
    expect(s.stats()[0]).toMatchObject({ state: 'starting', uptime_ms: 0, restarts: 0, last_error: null });
    s.playlistLoaded(3, 'main', MEDIA(2));
    clock += 4000;
    s.request(3, 'main', 't', true);
    s.playlistLoaded(3, 'main', MEDIA(2));
    expect(s.stats()[0]).toMatchObject({ state: 'live', uptime_ms: 4000 });

    s.request(3, 'main', 't', true);
    s.failed(3, 'main', 'http://cam/live/index.m3u8: answered 503 Service Unavailable');
    s.request(3, 'main', 't', true);
    s.failed(3, 'main', 'http://cam/live/index.m3u8: unreachable (connect ECONNREFUSED)');
    expect(s.stats()[0]).toMatchObject({
      state: 'reconnecting',
      uptime_ms: 0,
      restarts: 2,
      last_error: 'http://cam/live/index.m3u8: unreachable (connect ECONNREFUSED)',
      viewers: 1,
    });

    clock += 1000;
    s.request(3, 'main', 't', true);
    s.playlistLoaded(3, 'main', MEDIA(2));
    clock += 500;
    expect(s.stats()[0]).toMatchObject({ state: 'live', uptime_ms: 500, restarts: 2, last_error: null });
    expect(told.map((t) => t.state)).toEqual(['starting', 'live', 'reconnecting', 'live']);
    expect(told[0]).toEqual({ stream_id: 3, state: 'starting', viewers: 1 });
  });

  it('counts bytes from the source and the bitrate over the last 5 s', () => {
    const s = stats();
    s.request(1, 'sub', 't', false);
    s.received(1, 'sub', 100_000);
    clock += 2000;
    s.received(1, 'sub', 150_000);
    // 250 000 bytes over 2 s
    expect(s.stats()[0]).toMatchObject({ bytes_in: 250_000, bitrate_bps: 1_000_000 });
    clock += 4000; // the first sample left the 5 s window
    expect(s.stats()[0]).toMatchObject({ bytes_in: 250_000, bitrate_bps: (150_000 * 8 * 1000) / 4000 });
    clock += 1001;
    expect(s.stats()[0]).toMatchObject({ bytes_in: 250_000, bitrate_bps: 0 });
    s.received(2, 'sub', 1000); // not asked for: ignored
    expect(s.stats()).toHaveLength(1);
  });

  it('drops a stream nobody asked for during the viewer window plus idleTimeoutMs, telling stopped; close() drops the rest', () => {
    const s = stats();
    s.request(1, 'sub', 'a', true);
    s.request(2, 'sub', 'b', true);
    clock += HLS_MIN_VIEWER_WINDOW_MS;
    s.request(2, 'sub', 'b', true);
    clock += 5000;
    expect(s.stats().map((e) => [e.stream_id, e.viewers])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    clock += 1;
    expect(s.stats().map((e) => e.stream_id)).toEqual([2]);
    expect(told.at(-1)).toEqual({ stream_id: 1, state: 'stopped', viewers: 0 });
    s.close();
    expect(s.stats()).toEqual([]);
    expect(told.at(-1)).toMatchObject({ stream_id: 2, state: 'stopped' });
    s.request(1, 'sub', 'a', true); // after close: not counted
    expect(s.stats()).toEqual([]);
  });
});
