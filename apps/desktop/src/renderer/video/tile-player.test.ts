import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FIRST_FRAME_MAX_WAIT_MS,
  FIRST_FRAME_TIMEOUT_MS,
  LIVE_EDGE_TARGET_S,
  TilePlayer,
  type TileState,
} from './tile-player.js';

function setup(opts: { failUrl?: boolean; urlError?: Error } = {}) {
  const video = { currentTime: 0, bufferedEnd: 0, buffered: { length: 1, end: () => video.bufferedEnd } };
  const states: TileState[] = [];
  const players: Array<{ url: string; destroyed: boolean; fail: (r: string) => void }> = [];
  let urlCount = 0;
  const player = new TilePlayer({
    video,
    resolveUrl: () =>
      opts.urlError
        ? Promise.reject(opts.urlError)
        : opts.failUrl
          ? Promise.reject(new Error('503'))
          : Promise.resolve(`ws://s/ws/streams/1?ticket=t${++urlCount}`),
    createPlayer: (url, _video, onFailure) => {
      const p = { url, destroyed: false, fail: onFailure };
      players.push(p);
      return {
        destroy: () => {
          p.destroyed = true;
        },
      };
    },
    onState: (s) => states.push(s),
    now: () => Date.now(),
    backoff: { random: () => 0.5 },
  });
  const statuses = () => states.map((s) => s.status);
  return { video, player, players, statuses, states };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TilePlayer', () => {
  it('goes connecting → live when the video clock advances', async () => {
    const t = setup();
    t.player.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.players[0]?.url).toBe('ws://s/ws/streams/1?ticket=t1');
    expect(t.statuses()).toEqual(['connecting']);
    t.video.currentTime = 0.04;
    await vi.advanceTimersByTimeAsync(500);
    expect(t.player.current.status).toBe('live');
    t.player.stop();
    expect(t.players[0]?.destroyed).toBe(true);
  });

  it('reports stalled with seconds behind, then restarts with a fresh URL', async () => {
    const t = setup();
    t.player.start();
    await vi.advanceTimersByTimeAsync(0);
    t.video.currentTime = 1;
    await vi.advanceTimersByTimeAsync(500);
    expect(t.player.current.status).toBe('live');
    await vi.advanceTimersByTimeAsync(3000);
    expect(t.player.current).toMatchObject({ status: 'stalled', behindS: 3 });
    await vi.advanceTimersByTimeAsync(6000);
    expect(t.players).toHaveLength(2);
    expect(t.players[0]?.destroyed).toBe(true);
    expect(t.players[1]?.url).toBe('ws://s/ws/streams/1?ticket=t2');
    t.video.currentTime = 5;
    await vi.advanceTimersByTimeAsync(500);
    expect(t.player.current.status).toBe('live');
    t.player.stop();
  });

  it('goes offline on a player error and retries with backoff and a new ticket', async () => {
    const t = setup();
    t.player.start();
    await vi.advanceTimersByTimeAsync(0);
    t.players[0]?.fail('NetworkError: closed');
    expect(t.player.current).toMatchObject({ status: 'offline', error: 'NetworkError: closed' });
    await vi.advanceTimersByTimeAsync(499);
    expect(t.players).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.players).toHaveLength(2);
    expect(t.player.current.status).toBe('offline'); // stays offline until a frame plays
    t.players[1]?.fail('again');
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.players).toHaveLength(3);
    expect(t.players[2]?.url).toBe('ws://s/ws/streams/1?ticket=t3');
    t.video.currentTime = 0.5;
    await vi.advanceTimersByTimeAsync(500);
    expect(t.player.current.status).toBe('live');
    t.player.stop();
  });

  it('goes offline when no live URL can be had, and when nothing plays in time', async () => {
    const a = setup({ failUrl: true });
    a.player.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.player.current.status).toBe('offline');
    expect(a.player.current.error).toContain('503');
    a.player.stop();

    const b = setup();
    b.player.start();
    await vi.advanceTimersByTimeAsync(FIRST_FRAME_TIMEOUT_MS + 500);
    expect(b.player.current).toMatchObject({ status: 'offline', error: 'no video received' });
    b.player.stop();
  });

  it('waits for a first frame while data keeps arriving, up to the longest wait', async () => {
    const t = setup();
    t.player.start();
    await vi.advanceTimersByTimeAsync(0);
    // data buffered every 5 s but no frame shown (a decoder far behind on a busy machine)
    for (let s = 5_000; s <= 25_000; s += 5_000) {
      await vi.advanceTimersByTimeAsync(5_000);
      t.video.bufferedEnd = s / 1000;
    }
    expect(t.player.current.status).toBe('connecting');
    expect(t.players).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(FIRST_FRAME_MAX_WAIT_MS - 25_000 + 500);
    expect(t.player.current).toMatchObject({ status: 'offline', error: 'no video received' });

    // the buffer stops growing: the usual timeout from the last growth
    const u = setup();
    u.player.start();
    await vi.advanceTimersByTimeAsync(4_000);
    u.video.bufferedEnd = 1;
    await vi.advanceTimersByTimeAsync(FIRST_FRAME_TIMEOUT_MS);
    expect(u.player.current.status).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(u.player.current).toMatchObject({ status: 'offline', error: 'no video received' });
    t.player.stop();
    u.player.stop();
  });

  it('says the codec is the cause when the URL source names it (the server will not transcode), and retries', async () => {
    const t = setup({
      urlError: Object.assign(new Error('H.265 · transcode limit reached'), { tileCause: 'codec' as const }),
    });
    t.player.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.states.at(-1)).toMatchObject({
      status: 'offline',
      cause: 'codec',
      error: 'codec: H.265 · transcode limit reached',
    });
    expect(t.players).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.states.filter((s) => s.cause === 'codec').length).toBeGreaterThan(1); // it asked again
    t.player.stop();
  });

  it('reports nothing after stop', async () => {
    const t = setup();
    t.player.start();
    t.player.stop();
    const n = t.states.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(t.states.length).toBe(n);
  });
  it('says the server is unreachable when no live URL can be had, and retries at once on retryNow()', async () => {
    let down = true;
    let calls = 0;
    const player = new TilePlayer({
      video: { currentTime: 0 },
      resolveUrl: () => (
        calls++,
        down ? Promise.reject(new Error('Failed to fetch')) : Promise.resolve('ws://s/ws/streams/1?ticket=t')
      ),
      createPlayer: () => ({ destroy: () => undefined }),
      onState: () => undefined,
      now: () => Date.now(),
      backoff: { random: () => 0.5 },
    });
    player.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000);
    expect(player.current).toMatchObject({ status: 'offline', cause: 'server' });
    const before = calls;
    down = false;
    player.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(before + 1);
    expect(player.current.status).toBe('offline'); // stays offline until the first frame plays
    player.stop();
  });

  it('brings a viewer that fell behind back to the live edge, and leaves one at the edge alone', async () => {
    const t = setup();
    t.player.start();
    await vi.advanceTimersByTimeAsync(0);
    // playing 0.4 s behind the buffered end: fine
    t.video.currentTime = 1;
    t.video.bufferedEnd = 1.4;
    await vi.advanceTimersByTimeAsync(500);
    expect(t.player.current.status).toBe('live');
    expect(t.video.currentTime).toBe(1);
    // a burst arrives: 3 s buffered ahead of the picture
    t.video.currentTime = 1.5;
    t.video.bufferedEnd = 4.5;
    await vi.advanceTimersByTimeAsync(500);
    expect(t.video.currentTime).toBeCloseTo(4.5 - LIVE_EDGE_TARGET_S);
    expect(t.player.catchUps).toBe(1);
    // the jump itself is not a stall or a restart
    t.video.currentTime = 4.7;
    t.video.bufferedEnd = 5;
    await vi.advanceTimersByTimeAsync(500);
    expect(t.player.current.status).toBe('live');
    expect(t.player.catchUps).toBe(1);
    expect(t.players).toHaveLength(1);
    t.player.stop();
  });
});
