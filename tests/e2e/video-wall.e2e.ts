/**
 * The 16-tile video wall end to end (issue 6, tiles and streams): a real server, `pantau
 * simulate --cameras 16` at substream resolution (320×180; main streams 640×360) and the
 * console in Chromium.
 *
 * - all 16 tiles live; decoded frames per second per tile over 10 s and the CPU of the server
 *   (+ its ffmpeg), the simulator (+ GStreamer) and Chromium, read from /proc;
 * - a second window on the same wall shares the gateway's upstreams (16 ffmpeg, 2 viewers each);
 * - a hidden page releases its players and plays again when shown;
 * - maximise (main stream, no frame without a picture during the switch) and restore;
 * - a camera cut off shows offline within 5 s and live again after it returns;
 * - glass to glass: screenshots with the page's clock beside the burned-in camera clock.
 * Figures go to artifacts/bench/wall16.json (the ones kept are in bench/results/wall16-*.json);
 * screenshots to artifacts/e2e/wall-16*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '@pantau/shared';
import { showPageClock } from './console-ui.js';
import { waitForCount, wallDiagnostics } from './diagnostics.js';
import {
  ADMIN,
  ARTIFACTS,
  collectErrors,
  freePort,
  launchChromium,
  prepareDataDir,
  signIn,
  startControlledSimulator,
  startServer,
  stopAll,
  type ControlledSimulator,
} from './support.js';

const CAMERAS = 16;
/**
 * Frames per second of the simulated cameras. 15 is what NVR substreams commonly run at; it
 * also keeps 16 encoders (the simulator) and 16 decoders (Chromium) inside 2 cores with room
 * to spare, so a slower or busier machine does not tip the wall into stalls.
 */
const FPS = 15;
const root = path.resolve(import.meta.dirname, '../..');
let browser: Browser;
let page: Page;
let errors: string[];
let server: { url: string; child: import('node:child_process').ChildProcess };
let sim: ControlledSimulator;
let admin: ApiClient;
const figures: Record<string, unknown> = {};
const startedAt = Date.now();

beforeAll(async () => {
  const dataDir = prepareDataDir();
  server = await startServer(await freePort(), dataDir);
  sim = await startControlledSimulator(server.url, {
    cameras: CAMERAS,
    rate: 1,
    rtspPort: await freePort(),
    extra: ['--sub-resolution', '320x180', '--resolution', '640x360', '--fps', String(FPS)],
  });
  admin = await signIn(server.url);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  errors = collectErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
  fs.mkdirSync(path.join(root, 'artifacts/bench'), { recursive: true });
  const file = path.join(root, 'artifacts/bench/wall16.json');
  fs.writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine: `${os.cpus().length} cores, Node ${process.version}, Chromium headless (software decoding)`, ...figures }, null, 2)}\n`,
  );
});

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const tiles = (p: Page = page) => p.locator('[data-testid^="tile-"][data-position]');
const liveTiles = (p: Page = page) => p.locator('[data-testid^="tile-"][data-position][data-status="live"]');
/** Waits for every tile of `p` to be live; on timeout the error says what the tiles, gateway and logs show. */
const allLive = (timeoutMs: number, p: Page = page) =>
  waitForCount(() => liveTiles(p).count(), CAMERAS, {
    timeoutMs,
    intervalMs: 250,
    what: 'tiles live',
    diagnose: () => wallDiagnostics(p, admin, errors, startedAt),
  });

// ---- /proc: CPU of process trees -------------------------------------------------------------

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // fields after comm: state(0) ppid(1) … utime(11) stime(12)
      procs.set(Number(name), { pid: Number(name), ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // exited meanwhile
    }
  }
  return procs;
}

function descendants(procs: Map<number, Proc>, rootPid: number): Proc[] {
  const out: Proc[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    const p = procs.get(pid);
    if (p) out.push(p);
    for (const c of procs.values()) if (c.ppid === pid) stack.push(c.pid);
  }
  return out;
}

/** Ticks per group: server (+ffmpeg), simulator (+python/GStreamer), chromium (children of this test process). */
function cpuTicks(): { server: number; ffmpeg: number; simulator: number; chromium: number; ffmpegCount: number } {
  const procs = readProcs();
  const serverTree = descendants(procs, server.child.pid!);
  const simTree = descendants(procs, sim.child.pid!);
  const chromium = descendants(procs, process.pid).filter((p) => /chrom/i.test(p.comm));
  const ffmpeg = serverTree.filter((p) => p.comm === 'ffmpeg');
  const sum = (ps: Proc[]) => ps.reduce((n, p) => n + p.ticks, 0);
  return {
    server: sum(serverTree) - sum(ffmpeg),
    ffmpeg: sum(ffmpeg),
    simulator: sum(simTree),
    chromium: sum(chromium),
    ffmpegCount: ffmpeg.length,
  };
}

/** Frames decoded per tile (the picture shown) over `ms`, and CPU in cores over the same window. */
async function measure(ms: number) {
  const frames = () =>
    page.$$eval('[data-testid^="tile-"][data-position]', (els) =>
      els.map((el) => {
        const v = el.querySelector('video[data-shown="true"]') as HTMLVideoElement | null;
        const q = v?.getVideoPlaybackQuality();
        return {
          position: Number((el as HTMLElement).dataset.position),
          total: q?.totalVideoFrames ?? 0,
          dropped: q?.droppedVideoFrames ?? 0,
        };
      }),
    );
  const f0 = await frames();
  const c0 = cpuTicks();
  const t0 = Date.now();
  await page.waitForTimeout(ms);
  const f1 = await frames();
  const c1 = cpuTicks();
  const seconds = (Date.now() - t0) / 1000;
  const hz = 100; // USER_HZ on Linux
  const cores = (k: 'server' | 'ffmpeg' | 'simulator' | 'chromium') =>
    Number(((c1[k] - c0[k]) / hz / seconds).toFixed(2));
  const fps = f1.map((f, i) => ({
    position: f.position,
    fps: Number(((f.total - f0[i]!.total) / seconds).toFixed(1)),
    dropped: f.dropped - f0[i]!.dropped,
  }));
  return {
    seconds: Number(seconds.toFixed(1)),
    fps,
    cpu_cores: {
      server: cores('server'),
      ffmpeg: cores('ffmpeg'),
      simulator: cores('simulator'),
      chromium: cores('chromium'),
    },
    ffmpeg_processes: c1.ffmpegCount,
  };
}

async function openWall(p: Page): Promise<void> {
  await p.goto(`${server.url}/console/`);
  await p.getByTestId('sign-in-email').fill(ADMIN.email);
  await p.getByTestId('sign-in-password').fill(ADMIN.password);
  // Sign-in hashes the password (slow when the 2 cores are busy): try again if the console gave up.
  for (let attempt = 1; ; attempt++) {
    await p.getByTestId('sign-in-submit').click();
    const outcome = await Promise.race([
      p
        .getByTestId('video-wall')
        .waitFor({ timeout: 30_000 })
        .then(() => 'wall'),
      p
        .getByTestId('sign-in-error')
        .waitFor({ timeout: 30_000 })
        .then(() => 'error'),
    ]);
    if (outcome === 'wall' || attempt === 3) break;
  }
  await p.getByTestId('video-wall').waitFor({ timeout: 15_000 });
}

describe('16-tile video wall', () => {
  it('shows the demo 16-tile layout with every tile live at substream resolution', async () => {
    const layout = await admin.defaultLayout();
    expect(layout.layout_type).toBe('16');
    expect(layout.positions).toHaveLength(CAMERAS);
    const t0 = Date.now();
    await openWall(page);
    await expect.poll(() => tiles().count(), { timeout: 15_000 }).toBe(CAMERAS);
    await allLive(90_000);
    figures.sign_in_to_16_live_ms = Date.now() - t0;
    const sizes = await page.$$eval('[data-testid^="tile-"][data-position] > video[data-shown="true"]', (vs) =>
      vs.map((v) => `${(v as HTMLVideoElement).videoWidth}x${(v as HTMLVideoElement).videoHeight}`),
    );
    expect(sizes).toEqual(Array(CAMERAS).fill('320x180'));
    expect(await page.locator('[data-testid^="tile-"][data-position][data-quality="sub"]').count()).toBe(CAMERAS);
    expect(await page.getByTestId('error-overlay').count()).toBe(0);
    await page.waitForTimeout(1500);
    await shot('wall-16');
  });

  it('plays every tile at frame rate; measures fps per tile and CPU over 10 s', async () => {
    const m = await measure(10_000);
    figures.sixteen_tiles = m;
    await shot('wall-16');
    const rates = m.fps.map((f) => f.fps);
    console.log(
      `16 tiles: fps per tile min ${Math.min(...rates)} / median ${[...rates].sort((a, b) => a - b)[8]} / max ${Math.max(...rates)}; CPU cores ${JSON.stringify(m.cpu_cores)}; ffmpeg ${m.ffmpeg_processes}`,
    );
    // liveness, not a performance target: every tile decodes a moving picture
    for (const f of m.fps) expect(f.fps, `tile ${f.position}`).toBeGreaterThan(5);
    expect(m.ffmpeg_processes).toBe(CAMERAS);
    const streams = await admin.gatewayStreams();
    expect(streams.filter((s) => s.quality === 'sub' && s.state === 'live')).toHaveLength(CAMERAS);
    for (const s of streams) {
      expect(s.viewers).toBe(1);
      expect(s.bitrate_bps).toBeGreaterThan(50_000);
      expect(s.uptime_ms).toBeGreaterThan(5000);
    }
    figures.gateway_streams = streams.map((s) => ({
      stream_id: s.stream_id,
      quality: s.quality,
      viewers: s.viewers,
      bitrate_bps: s.bitrate_bps,
      uptime_ms: s.uptime_ms,
    }));
    const health = (await (await fetch(`${server.url}/health`)).json()) as {
      data: { gateway: { streams: number; viewers: number; bitrate_bps: number } };
    };
    expect(health.data.gateway).toMatchObject({ streams: CAMERAS, viewers: CAMERAS });
    expect(health.data.gateway.bitrate_bps).toBeGreaterThan(CAMERAS * 50_000);
  });

  it('shares one upstream per camera with a second window on the same wall', async () => {
    // The console's own "Open a wall window" (a kiosk window on the same layout, signed in
    // through the opener's session, as an operator would open one for a second monitor).
    await page.getByTestId('wall-windows-menu').click();
    const [second] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('walls-open-window').click()]);
    try {
      await expect.poll(() => tiles(second).count(), { timeout: 15_000 }).toBe(CAMERAS);
      // Every upstream serves both windows: each of the 16 is seen with 2 viewers, none with
      // more, and no second ffmpeg starts. Seen over a window of samples, not all 32 at one
      // instant: on 2 cores 32 software decoders do not all play at once, and a tile that
      // stalls is between two players (0 or 1 viewers) for a moment; in CI at load 14 two
      // tiles of the first window were between players at every sample for 30 s, and the second
      // window's none attached: the window is 45 s, and a failure prints what the second shows.
      const most = new Map<number, number>();
      let mostFfmpeg = 0;
      const end = Date.now() + 45_000;
      for (;;) {
        for (const s of await admin.gatewayStreams())
          most.set(s.stream_id, Math.max(most.get(s.stream_id) ?? 0, s.viewers));
        mostFfmpeg = Math.max(mostFfmpeg, cpuTicks().ffmpegCount);
        const shared = [...most.values()].filter((v) => v >= 2).length;
        if (shared === CAMERAS && most.size === CAMERAS) break;
        if (Date.now() > end)
          throw new Error(
            `only ${shared} of ${CAMERAS} upstreams seen with 2 viewers in 45 s (most viewers per upstream: ${[...most.values()].join()})\n` +
              `second window: ${await wallDiagnostics(second, admin, errors, startedAt)}`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(Math.max(...most.values()), 'viewers on one upstream').toBe(2);
      expect(mostFfmpeg, 'ffmpeg processes while both windows play').toBe(CAMERAS);
    } finally {
      await second.close();
    }
    await expect
      .poll(async () => (await admin.gatewayStreams()).map((s) => s.viewers).join(), { timeout: 10_000 })
      .toBe(Array(CAMERAS).fill(1).join());
  });

  it('releases the players of a hidden page and plays again at the live edge when it is shown', async () => {
    // Headless Chromium keeps every tab 'visible', so the page is told it is hidden the way a
    // browser tells it (visibilityState + visibilitychange); the release itself is real.
    const setHidden = (hidden: boolean) =>
      page.evaluate((h) => {
        Object.defineProperty(document, 'visibilityState', {
          configurable: true,
          get: () => (h ? 'hidden' : 'visible'),
        });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await expect
      .poll(() => page.locator('[data-testid^="tile-"][data-playing="false"]').count(), { timeout: 10_000 })
      .toBe(CAMERAS);
    await expect
      .poll(async () => (await admin.gatewayStreams()).reduce((n, s) => n + s.viewers, 0), { timeout: 10_000 })
      .toBe(0);
    expect(
      await page.$$eval(
        '[data-testid^="tile-"] video',
        (vs) => vs.filter((v) => (v as HTMLVideoElement).src !== '').length,
      ),
    ).toBe(0);
    await setHidden(false);
    const t0 = Date.now();
    await allLive(30_000);
    figures.shown_again_to_16_live_ms = Date.now() - t0;
  });

  it('maximises a tile on the main stream without a frame lacking a picture, and restores it', async () => {
    const tile = page.getByTestId('tile-1');
    // every animation frame, note whether the tile shows a decoded picture and of which quality
    await page.evaluate(() => {
      const w = window as unknown as {
        __frames: Array<{ t: number; picture: boolean; quality: string | null; readyState: number; seeking: boolean }>;
        __stop: boolean;
      };
      w.__frames = [];
      w.__stop = false;
      const el = document.querySelector('[data-testid="tile-1"]');
      const frame = () => {
        const tileEl = document.querySelector('[data-testid="tile-1"]') ?? el;
        const v = tileEl?.querySelector('video[data-shown="true"]') as HTMLVideoElement | null;
        // A seek (the live-edge jump) keeps the last frame on screen while the new one decodes.
        const picture = !!v && v.videoWidth > 0 && (v.readyState >= 2 || v.seeking);
        w.__frames.push({
          t: performance.now(),
          picture,
          quality: v?.dataset.quality ?? null,
          readyState: v?.readyState ?? -1,
          seeking: v?.seeking ?? false,
        });
        if (!w.__stop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    const t0 = Date.now();
    await tile.click();
    await expect.poll(() => tile.getAttribute('data-maximized')).toBe('true');
    await expect.poll(() => tile.getAttribute('data-quality'), { timeout: 15_000, interval: 100 }).toBe('main');
    figures.maximise_to_main_shown_ms = Date.now() - t0;
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 15_000 }).toBe('live');
    expect(
      await tile
        .locator('video[data-shown="true"]')
        .evaluate((v) => `${(v as HTMLVideoElement).videoWidth}x${(v as HTMLVideoElement).videoHeight}`),
    ).toBe('640x360');
    await showPageClock(page);
    await page.waitForTimeout(2000);
    for (let i = 0; i < 3; i++) {
      await shot(`wall-16-maximised-latency-${i}`);
      await page.waitForTimeout(700);
    }
    await page.evaluate(() => document.getElementById('e2e-clock')?.remove());
    await page.keyboard.press('Escape');
    await expect.poll(() => tile.getAttribute('data-maximized')).toBe('false');
    await expect.poll(() => tile.getAttribute('data-quality'), { timeout: 30_000, interval: 100 }).toBe('sub');
    const frames = await page.evaluate(async () => {
      const w = window as unknown as {
        __frames: Array<{ t: number; picture: boolean; quality: string | null; readyState: number; seeking: boolean }>;
        __stop: boolean;
      };
      // The swap to the substream is in the DOM, but the recorder samples at animation frames:
      // let two more frames paint so the one that shows the swap is recorded (in CI the poll
      // read the attribute and stopped the recorder before the next frame had run).
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      w.__stop = true;
      return w.__frames;
    });
    const blank = frames.filter((f) => !f.picture);
    const qualities = frames.map((f) => f.quality).filter((q, i, all) => q !== all[i - 1]);
    figures.maximise_restore = {
      frames: frames.length,
      frames_without_picture: blank.length,
      qualities_shown: qualities,
      blank: blank.slice(0, 10),
    };
    expect(qualities).toEqual(['sub', 'main', 'sub']);
    expect(blank).toEqual([]);
    await allLive(30_000);
  });

  it('shows a camera cut off as offline within 5 s, and live again after it returns', async () => {
    const tile = page.getByTestId('tile-5');
    await allLive(30_000);
    const t0 = Date.now();
    await sim.setCamera(5, false);
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 5000, interval: 100 }).toBe('offline');
    const offlineMs = Date.now() - t0;
    await expect.poll(() => tile.getByTestId('error-overlay').textContent()).toMatch(/Camera offline since \d\d:\d\d/);
    // the others stay live (polled: on a busy machine one may stall for a moment and catch up)
    await expect.poll(() => liveTiles().count(), { timeout: 10_000 }).toBe(CAMERAS - 1);
    await page.waitForTimeout(1000);
    await shot('wall-16-camera-offline');
    // it stays offline while the gateway keeps retrying (no flapping to connecting or stalled)
    const seen = new Set<string | null>();
    for (let i = 0; i < 20; i++) {
      seen.add(await tile.getAttribute('data-status'));
      await page.waitForTimeout(200);
    }
    expect([...seen]).toEqual(['offline']);
    const t1 = Date.now();
    await sim.setCamera(5, true);
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 30_000, interval: 100 }).toBe('live');
    const backMs = Date.now() - t1;
    figures.camera_cut = {
      to_offline_ms: offlineMs,
      back_to_live_ms: backMs,
      note: 'back includes the gateway restart backoff (1, 2, 4, 8 s)',
    };
    console.log(`camera 5 cut: offline after ${offlineMs} ms; back: live after ${backMs} ms`);
    expect(await liveTiles().count()).toBe(CAMERAS);
  });

  it('glass to glass on the 16-tile grid: screenshots with the page clock', async () => {
    await showPageClock(page);
    await page.waitForTimeout(1000);
    for (let i = 0; i < 3; i++) {
      await shot(`wall-16-latency-${i}`);
      await page.waitForTimeout(700);
    }
    await page.evaluate(() => document.getElementById('e2e-clock')?.remove());
  });

  it('logged no errors in the page', () => {
    // Player errors while camera 5 was cut are expected; the page itself must not throw.
    const unexpected = errors.filter(
      (e) =>
        !/WebSocket|mpegts|MediaSource|net::ERR|Failed to load resource|\[IOController\]|\[TransmuxingController\]/i.test(
          e,
        ),
    );
    expect(unexpected, unexpected.join('\n')).toEqual([]);
  });
});
