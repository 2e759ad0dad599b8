import { describe, expect, it } from 'vitest';
import { livePlayerKind } from './player-kind.js';

describe('livePlayerKind', () => {
  it('plays the gateway WebSocket with mpegts.js and HLS playlists with hls.js', () => {
    expect(livePlayerKind('ws://127.0.0.1:8080/ws/streams/3?quality=sub&ticket=v1.a.b')).toBe('mpegts');
    expect(livePlayerKind('wss://pantau.example/ws/streams/3?ticket=t')).toBe('mpegts');
    expect(livePlayerKind('http://127.0.0.1:8080/hls/streams/3/sub/index.m3u8?ticket=t')).toBe('hls');
    expect(livePlayerKind('https://cdn.example/live/CH1.M3U8')).toBe('hls');
  });

  it('refuses what neither plays', () => {
    expect(() => livePlayerKind('rtsp://10.0.0.7/live')).toThrow(/no player for rtsp:/);
    expect(() => livePlayerKind('http://10.0.0.7/live.flv')).toThrow(/no player/);
  });
});
