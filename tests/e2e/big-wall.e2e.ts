/**
 * A 36-tile wall that goes live on activity, end to end (issue 15): `pantau simulate --cameras
 * 36` (its demo wall is the 6 × 6 layout with `live_mode: 'activity'`), a real server and the
 * console in Chromium.
 *
 * - every tile shows a still frame of its camera and no tile holds a media player;
 * - a detection at one camera puts its tile live (measured from the POST to the tile's first
 *   played frame; the issue's target is under 1 s), and only that tile;
 * - hovering a tile puts it live too;
 * - CPU of Chromium, the server (+ its ffmpeg) and the simulated cameras over 10 s with every tile
 *   a still, to artifacts/bench/wall36.json.
 * Screenshots: artifacts/e2e/wall-36-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '@pantau/shared';
import {
  ARTIFACTS,
  collectErrors,
  freePort,
  launchChromium,
  prepareDataDir,
  signIn,
  processTreeTicks as treeTicks,
  signInConsole,
  startControlledSimulator,
  startServer,
  stopAll,
  type ControlledSimulator,
} from './support.js';

const CAMERAS = 36;
const root = path.resolve(import.meta.dirname, '../..');
let browser: Browser;
let page: Page;
let errors: string[];
let server: { url: string; child: import('node:child_process').ChildProcess };
let sim: ControlledSimulator;
let admin: ApiClient;
let device: ApiClient;
const figures: Record<string, unknown> = {};

const tile = (n: number) => page.getByTestId(`tile-${n}`);
const tiles = () => page.locator('[data-testid^="tile-"][data-position]');
const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

/** Media players the page holds: `<video>`s with a source attached (mpegts.js sets a blob: URL). */
const players = () =>
  page.$$eval('video[data-testid="tile-video"]', (vs) => vs.filter((v) => (v as HTMLVideoElement).src !== '').length);

beforeAll(async () => {
  const dataDir = prepareDataDir();
  server = await startServer(await freePort(), dataDir);
  sim = await startControlledSimulator(server.url, {
    cameras: CAMERAS,
    rate: 0,
    rtspPort: await freePort(),
    // substreams as small as a 6 × 6 tile shows them; 36 encoders must leave room for the rest
    extra: ['--sub-resolution', '192x108', '--resolution', '320x180', '--fps', '5'],
  });
  admin = await signIn(server.url);
  const cred = await admin.createCredential({ credential_name: 'e2e big wall' });
  device = new ApiClient({ baseUrl: server.url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  errors = collectErrors(page);
  await signInConsole(page, server.url);
  await page.mouse.move(2, 890); // off every tile: hovering one would put it live
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
  fs.mkdirSync(path.join(root, 'artifacts/bench'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'artifacts/bench/wall36.json'),
    `${JSON.stringify({ date: new Date().toISOString(), machine: `${os.cpus().length} cores, Node ${process.version}, Chromium headless`, ...figures }, null, 2)}\n`,
  );
});

describe('36-tile wall, live on activity', () => {
  it('is the demo 6 × 6 layout that goes live on activity', async () => {
    const layout = await admin.defaultLayout();
    expect(layout).toMatchObject({ layout_type: '36', live_mode: 'activity', grid_rows: 6, grid_cols: 6 });
    expect(layout.positions).toHaveLength(CAMERAS);
  });

  it('shows a still of every camera, and holds no media player', async () => {
    const started = Date.now();
    await expect
      .poll(() => page.locator('[data-testid="tile-still"][data-loaded="true"]').count(), { timeout: 90_000 })
      .toBe(CAMERAS);
    figures.all_stills_ms = Date.now() - started;
    expect(await tiles().count()).toBe(CAMERAS);
    expect(await page.locator('[data-testid^="tile-"][data-position][data-mode="still"]').count()).toBe(CAMERAS);
    expect(await page.locator('[data-testid^="tile-"][data-position][data-status="still"]').count()).toBe(CAMERAS);
    expect(await players()).toBe(0);
    // the stills are refreshed: within 20 s most tiles show a newer picture (each asks every ~3 s,
    // at most 3 at a time page-wide, so on a slow machine one tile may wait a while for its turn)
    const srcs = () => page.$$eval('[data-testid="tile-still"]', (els) => els.map((e) => (e as HTMLImageElement).src));
    const before = await srcs();
    await expect
      .poll(async () => (await srcs()).filter((src, i) => src !== before[i]).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(CAMERAS / 2);
    await shot('wall-36-stills');
  });

  it('measures CPU with every tile a still', async () => {
    const chromium = () => treeTicks(process.pid, (c) => /chrom/i.test(c));
    const serverTicks = () => treeTicks(server.child.pid!);
    const ffmpeg = () => treeTicks(server.child.pid!, (c) => c === 'ffmpeg');
    const cameras = () => treeTicks(sim.child.pid!);
    const t0 = { c: chromium(), s: serverTicks(), f: ffmpeg(), k: cameras(), at: Date.now() };
    await page.waitForTimeout(10_000);
    const s = (Date.now() - t0.at) / 1000;
    const cores = (now: number, then: number) => Number(((now - then) / 100 / s).toFixed(2));
    figures.stills_cpu_cores = {
      chromium: cores(chromium(), t0.c),
      server_with_ffmpeg: cores(serverTicks(), t0.s),
      gateway_ffmpeg: cores(ffmpeg(), t0.f),
      simulated_cameras: cores(cameras(), t0.k),
    };
    console.log('36 stills, CPU in cores:', figures.stills_cpu_cores);
  });

  it('puts the tile of a camera with a detection live, and only that one', async () => {
    const layout = await admin.defaultLayout();
    const p = layout.positions.find((x) => x.position_number === 7)!;
    const started = performance.now();
    const r = await device.logDetection({
      re_id: 'e2e-big-wall-1',
      branch_id: p.branch_id,
      device_id: p.device_id,
      detected_count: 1,
      event_id: 'e2e-big-wall-1',
    });
    expect(r.status).toBe(202);
    await expect.poll(() => tile(7).getAttribute('data-mode'), { timeout: 5000, interval: 20 }).toBe('live');
    const woke = performance.now();
    // the first frame the tile's player shows (what the operator sees), then the tile's own word
    await expect
      .poll(
        () =>
          tile(7).evaluate((el) =>
            [...el.querySelectorAll('video')].some(
              (v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 0,
            ),
          ),
        { timeout: 10_000, interval: 20 },
      )
      .toBe(true);
    const firstFrame = performance.now();
    await expect
      .poll(() => tile(7).getAttribute('data-status'), { timeout: 10_000, interval: 20 })
      .toBe('live')
      .catch(async (err: unknown) => {
        const why = await tile(7).evaluate((el) => ({
          attrs: Object.fromEntries([...el.attributes].map((a) => [a.name, a.value])),
          text: el.textContent,
        }));
        throw new Error(`tile 7 not live: ${JSON.stringify(why)}`, { cause: err });
      });
    const played = performance.now();
    figures.detection_to_live = {
      detection_to_mode_live_ms: Math.round(woke - started),
      detection_to_first_frame_ms: Math.round(firstFrame - started),
      detection_to_tile_live_ms: Math.round(played - started),
      target_ms: 1000,
    };
    console.log('detection → tile live:', figures.detection_to_live);
    expect(played - started).toBeLessThan(5000);
    expect(await page.locator('[data-testid^="tile-"][data-position][data-mode="live"]').count()).toBe(1);
    expect(await players()).toBe(1);
    await shot('wall-36-detection');
  });

  it('puts a hovered tile live', async () => {
    await tile(20).hover();
    await expect.poll(() => tile(20).getAttribute('data-status'), { timeout: 10_000 }).toBe('live');
    await page.mouse.move(2, 890);
  });

  it('logged no errors in the page', () => {
    const unexpected = errors.filter(
      (e) => !/WebSocket|mpegts|MediaSource|net::ERR|Failed to load resource|\[IOController\]/i.test(e),
    );
    expect(unexpected, unexpected.join('\n')).toEqual([]);
  });
});
