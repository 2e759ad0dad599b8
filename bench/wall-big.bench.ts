/**
 * Big walls (issue 15): 36 and 64 simulated cameras at substream size on one workstation, with
 * the wall always live and live on activity. Per (cameras, mode), over 10 s once the wall has
 * settled: CPU of Chromium, of the server without and of its ffmpeg (the gateway), and of the
 * simulated cameras, in cores; tiles live and media players held; decoded frames per second per
 * live tile; and, live on activity, the time from a detection's POST to its tile's first frame.
 * The anchor is the same wall in the other mode, in the same run: the figures that matter are the
 * ratios, since this machine's speed drifts between runs.
 *
 * Run: `npm run bench -- --wall` (builds first: the server and console come from dist). Writes
 * bench/results/wall-big-<date>.json. Needs the machine otherwise quiet.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ApiClient } from '@pantau/shared';
import {
  freePort,
  launchChromium,
  prepareDataDir,
  processTreeTicks,
  signIn,
  signInConsole,
  startControlledSimulator,
  startServer,
  stopAll,
} from '../tests/e2e/support.js';

const SIZES = (process.env.PANTAU_BENCH_WALLS ?? '36,64').split(',').map(Number);
const MEASURE_MS = 10_000;
const results: Record<string, unknown>[] = [];

afterAll(async () => {
  await stopAll();
  const file = path.join(import.meta.dirname, 'results', `wall-big-${new Date().toISOString().slice(0, 10)}.json`);
  fs.writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine: `${os.cpus().length} cores, Node ${process.version}, Chromium headless (software decoding)`, cameras_at: '192x108, 5 fps, key frame every second', results }, null, 2)}\n`,
  );
  console.log(`wrote ${file}`);
});

/** Decoded frames so far per tile (its shown video). */
const frames = (page: Page) =>
  page.$$eval('[data-testid^="tile-"][data-position]', (els) =>
    els.map((el) => {
      const v = el.querySelector('video[data-shown="true"]') as HTMLVideoElement | null;
      return v?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
    }),
  );
const count = (page: Page, selector: string) => page.locator(selector).count();

async function measure(page: Page, serverPid: number, simPid: number) {
  const chromium = () => processTreeTicks(process.pid, (c) => /chrom/i.test(c));
  const all = () => processTreeTicks(serverPid);
  const ffmpeg = () => processTreeTicks(serverPid, (c) => c === 'ffmpeg');
  const cams = () => processTreeTicks(simPid);
  const f0 = await frames(page);
  const t0 = { c: chromium(), a: all(), f: ffmpeg(), k: cams(), at: Date.now() };
  await page.waitForTimeout(MEASURE_MS);
  const f1 = await frames(page);
  const s = (Date.now() - t0.at) / 1000;
  const cores = (now: number, then: number) => Number(((now - then) / 100 / s).toFixed(2));
  const ff = ffmpeg();
  const fps = f1.map((f, i) => (f - (f0[i] ?? 0)) / s).filter((x) => x > 0);
  fps.sort((a, b) => a - b);
  return {
    cpu_cores: {
      chromium: cores(chromium(), t0.c),
      server: cores(all() - ff, t0.a - t0.f),
      gateway_ffmpeg: cores(ff, t0.f),
      simulated_cameras: cores(cams(), t0.k),
    },
    tiles_live: await count(page, '[data-testid^="tile-"][data-position][data-status="live"]'),
    tiles_still: await count(page, '[data-testid^="tile-"][data-position][data-status="still"]'),
    players: await page.$$eval(
      'video[data-testid="tile-video"]',
      (vs) => vs.filter((v) => (v as HTMLVideoElement).src !== '').length,
    ),
    fps_per_live_tile_median: fps.length ? Number(fps[Math.floor(fps.length / 2)]!.toFixed(1)) : 0,
  };
}

describe.each(SIZES)('%i-tile wall', (cameras) => {
  let browser: Browser;
  it('always live, then live on activity', async () => {
    const server = await startServer(await freePort(), prepareDataDir());
    const sim = await startControlledSimulator(server.url, {
      cameras,
      rate: 0,
      rtspPort: await freePort(),
      extra: ['--sub-resolution', '192x108', '--resolution', '320x180', '--fps', '5'],
    });
    const admin = await signIn(server.url);
    const cred = await admin.createCredential({ credential_name: `bench wall ${cameras}` });
    const device = new ApiClient({ baseUrl: server.url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
    const layout = await admin.defaultLayout();
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await signInConsole(page, server.url);
    // the layout change below reaches the wall as a realtime event: be connected first
    await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 30_000 });
    await page.mouse.move(2, 1075);

    // live on activity: stills, and a detection wakes one tile
    // the demo wall past 16 cameras is live on activity already: as an operator opens it
    const s2 = Date.now();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="tile-still"][data-loaded="true"]').length >= n,
      cameras,
      { timeout: 90_000, polling: 500 },
    );
    const activitySettleMs = Date.now() - s2;
    await page.waitForTimeout(3000);
    const activity = { ...(await measure(page, server.child.pid!, sim.child.pid!)), settle_ms: activitySettleMs };
    const wakes: number[] = [];
    for (const n of [3, Math.ceil(cameras / 2), cameras]) {
      const p = layout.positions.find((x) => x.position_number === n)!;
      const t0 = performance.now();
      await device.logDetection({
        re_id: `bench-${cameras}-${n}`,
        branch_id: p.branch_id,
        device_id: p.device_id,
        detected_count: 1,
        event_id: `bench-${cameras}-${n}`,
      });
      await page.waitForFunction(
        (pos) =>
          [...document.querySelectorAll(`[data-testid="tile-${pos}"] video`)].some(
            (v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 0,
          ),
        n,
        { timeout: 15_000, polling: 20 },
      );
      wakes.push(Math.round(performance.now() - t0));
    }
    console.log(`${cameras} live on activity`, activity, 'detection → first frame, ms', wakes);
    // always live: every tile its own player
    await admin.updateLayout(layout.id, { live_mode: 'always' });
    const started = Date.now();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid^="tile-"][data-position][data-mode="still"]').length === 0,
      undefined,
      { timeout: 15_000 },
    );
    await page
      .waitForFunction(
        (n) => document.querySelectorAll('[data-testid^="tile-"][data-position][data-status="live"]').length >= n,
        cameras,
        { timeout: 90_000, polling: 500 },
      )
      .catch(() => undefined); // a wall that never gets there is a result too
    const alwaysSettleMs = Date.now() - started;
    await page.waitForTimeout(3000);
    const always = { ...(await measure(page, server.child.pid!, sim.child.pid!)), settle_ms: alwaysSettleMs };
    console.log(`${cameras} always live`, always);

    results.push({
      cameras,
      always_live: always,
      live_on_activity: { ...activity, detection_to_first_frame_ms: wakes },
      ratio_activity_to_always: {
        chromium: always.cpu_cores.chromium
          ? Number((activity.cpu_cores.chromium / always.cpu_cores.chromium).toFixed(2))
          : null,
        gateway_ffmpeg: always.cpu_cores.gateway_ffmpeg
          ? Number((activity.cpu_cores.gateway_ffmpeg / always.cpu_cores.gateway_ffmpeg).toFixed(2))
          : null,
      },
    });
    expect(activity.tiles_still).toBeGreaterThan(0);
    await browser.close();
    await stopAll();
  });
});
