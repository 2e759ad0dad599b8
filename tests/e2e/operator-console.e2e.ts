/**
 * The main job end to end (issue 2): a real server, four simulated RTSP cameras and the
 * console in Chromium. The operator signs in and sees four live tiles; detections posted
 * through the public API appear in the feed within 1 s; the server is killed and restarted
 * while the console is open, and the console shows reconnecting, then catches up with no
 * event missing. Screenshots go to artifacts/e2e/.
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ApiClient, type EventLog } from '@pantau/shared';
import {
  ADMIN,
  ARTIFACTS,
  collectErrors,
  freePort,
  launchChromium,
  prepareDataDir,
  signIn,
  startServer,
  startSimulator,
  stop,
  stopAll,
} from './support.js';
import { showPageClock } from './console-ui.js';

let browser: Browser;
let page: Page;
let errors: string[];
let server: { url: string; child: ChildProcess };
let simulator: ChildProcess;
let port: number;
let dataDir: string;
let device: ApiClient;
let branchId: number;
let deviceId: string;

beforeAll(async () => {
  dataDir = prepareDataDir();
  port = await freePort();
  server = await startServer(port, dataDir);
  simulator = await startSimulator(server.url, { cameras: 4, rate: 2, rtspPort: await freePort() });
  const admin = await signIn(server.url);
  const cred = await admin.createCredential({ credential_name: 'e2e device' });
  device = new ApiClient({ baseUrl: server.url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
  const layout = await admin.defaultLayout();
  branchId = layout.positions[0]!.branch_id;
  deviceId = layout.positions[0]!.device_id;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  errors = collectErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const status = () => page.getByTestId('connection-indicator').getAttribute('data-status');

/** Ids of every event the feed holds, read by scrolling its virtualised list top to bottom. */
async function feedIds(): Promise<number[]> {
  return page.evaluate(async () => {
    const scroller = document.querySelector('.feed__scroll') as HTMLElement;
    const ids = new Set<number>();
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let top = 0; ; top += scroller.clientHeight / 2) {
      scroller.scrollTop = top;
      await frame();
      document
        .querySelectorAll('[data-testid="event-row"]')
        .forEach((r) => ids.add(Number((r as HTMLElement).dataset.eventId)));
      if (top >= scroller.scrollHeight) break;
    }
    scroller.scrollTop = 0;
    return [...ids].sort((a, b) => a - b);
  });
}

/** Post a detection and resolve with the ms until its row is on screen. */
async function postAndSee(reId: string): Promise<number> {
  const t0 = Date.now();
  const r = await device.logDetection({
    re_id: reId,
    branch_id: branchId,
    device_id: deviceId,
    detected_count: 1,
    event_id: reId,
  });
  expect(r.status).toBe(202);
  await page.waitForFunction(
    (id) => [...document.querySelectorAll('[data-testid="event-row"]')].some((row) => row.textContent?.includes(id)),
    reId,
    { timeout: 1000, polling: 'raf' },
  );
  return Date.now() - t0;
}

describe('operator console', () => {
  it('signs in and shows the default layout as four live tiles', async () => {
    await page.goto(`${server.url}/console/`);
    await shot('01-sign-in');
    await page.getByTestId('sign-in-email').fill(ADMIN.email);
    await page.getByTestId('sign-in-password').fill(ADMIN.password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('video-wall').waitFor({ timeout: 10_000 });
    const tiles = page.locator('[data-testid^="tile-"][data-position]');
    await expect.poll(() => tiles.count(), { timeout: 10_000 }).toBe(4);
    await expect
      .poll(() => page.locator('[data-testid^="tile-"][data-position][data-status="live"]').count(), {
        timeout: 30_000,
      })
      .toBe(4);
    // video time advances on every tile, and no tile shows an error
    const times = () =>
      page.$$eval('[data-testid^="tile-"] video', (vs) => vs.map((v) => (v as HTMLVideoElement).currentTime));
    const t1 = await times();
    await page.waitForTimeout(2000);
    const t2 = await times();
    expect(t2).toHaveLength(4);
    t2.forEach((t, i) => expect(t - t1[i]!).toBeGreaterThan(1.0));
    expect(await page.getByTestId('error-overlay').count()).toBe(0);
    await expect.poll(() => status()).toBe('connected');
    await shot('02-wall-live');
  });

  it('shows each detection posted through the API in the feed within 1 s', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      latencies.push(await postAndSee(`e2e-live-${i}`));
      await page.waitForTimeout(50);
    }
    latencies.sort((a, b) => a - b);
    console.log(`POST → feed row: p50 ${latencies[10]} ms, max ${latencies.at(-1)} ms over ${latencies.length}`);
    expect(latencies.at(-1)!).toBeLessThanOrEqual(1000);
    await shot('03-feed');
  });

  it('takes a burst of 500 detections in one second without freezing the wall', async () => {
    const counter = page.getByTestId('event-counter');
    const before = Number(await counter.getAttribute('data-count'));
    // the anchor: the longest frame gap of the same wall over one quiet second, in this run (a
    // slow or busy machine drops frames without any burst; the burst may only add to that)
    const idleWorst = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let last = performance.now();
          let worst = 0;
          const end = last + 1000;
          const frame = (t: number) => {
            worst = Math.max(worst, t - last);
            last = t;
            if (t < end) requestAnimationFrame(frame);
            else resolve(worst);
          };
          requestAnimationFrame(frame);
        }),
    );
    await page.evaluate(() => {
      const w = window as unknown as { __gaps: number[]; __stop: boolean };
      w.__gaps = [];
      w.__stop = false;
      let last = performance.now();
      const frame = (t: number) => {
        w.__gaps.push(t - last);
        last = t;
        if (!w.__stop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    // 500 posts spread evenly over one second, not waiting for answers in between
    const t0 = Date.now();
    const posts: Array<Promise<unknown>> = [];
    for (let i = 0; i < 500; i++) {
      const wait = t0 + i * 2 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      posts.push(
        device.logDetection({
          re_id: `burst-${i}`,
          branch_id: branchId,
          device_id: deviceId,
          detected_count: 1,
          event_id: `burst-${i}`,
        }),
      );
    }
    const results = await Promise.all(posts);
    expect(results).toHaveLength(500);
    await expect
      .poll(async () => Number(await counter.getAttribute('data-count')) - before, { timeout: 5000 })
      .toBeGreaterThanOrEqual(500);
    const gaps = await page.evaluate(() => {
      const w = window as unknown as { __gaps: number[]; __stop: boolean };
      w.__stop = true;
      return w.__gaps;
    });
    const worst = Math.max(...gaps);
    console.log(
      `burst of 500 in ${Date.now() - t0} ms: ${gaps.length} frames, longest frame gap ${worst.toFixed(0)} ms (idle ${idleWorst.toFixed(0)} ms)`,
    );
    // frozen = no frame for half a second more than the quiet wall's own worst gap; headless
    // software decoding of four streams runs at ~30 fps (idle worst ~50 ms on a quiet machine)
    expect(worst).toBeLessThan(500 + Math.min(idleWorst, 500));
    expect(await page.locator('[data-testid^="tile-"][data-position][data-status="live"]').count()).toBe(4);
  });

  it('maximises a tile on click and restores it with Escape', async () => {
    const tile = page.getByTestId('tile-1');
    await tile.click();
    await expect.poll(() => tile.getAttribute('data-maximized')).toBe('true');
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 15_000 }).toBe('live');
    // the page's wall clock beside the burned-in camera clock: glass-to-glass latency is read off these
    await showPageClock(page);
    await page.waitForTimeout(3000);
    for (let i = 0; i < 3; i++) {
      await shot(`04-maximised-latency-${i}`);
      await page.waitForTimeout(700);
    }
    await page.evaluate(() => document.getElementById('e2e-clock')?.remove());
    await page.keyboard.press('Escape');
    await expect.poll(() => tile.getAttribute('data-maximized')).toBe('false');
  });

  it('shows reconnecting while the server is down, then catches up with no event missing', async () => {
    const before = await feedIds();
    expect(before.length).toBeGreaterThan(0);
    await stop(server.child, 'SIGKILL');
    await expect.poll(() => status(), { timeout: 10_000 }).toMatch(/reconnecting|offline/);
    await shot('05-reconnecting');
    server = await startServer(port, dataDir);
    await expect.poll(() => status(), { timeout: 20_000 }).toBe('connected');
    // the tiles come back with the server
    await expect
      .poll(() => page.locator('[data-testid^="tile-"][data-position][data-status="live"]').count(), {
        timeout: 15_000,
      })
      .toBe(4);
    for (let i = 0; i < 10; i++) expect(await postAndSee(`e2e-after-${i}`)).toBeLessThanOrEqual(1000);
    // Quiesce: stop the simulator's detections, then compare the feed with the server's log.
    await stop(simulator);
    await page.waitForTimeout(1000);
    const ids = await feedIds();
    const admin = await signIn(server.url);
    const serverEvents: EventLog[] = [];
    for (
      let page = await admin.listEvents({ limit: 500 });
      page.length > 0;
      page = await admin.listEvents({ limit: 500, before_id: page.at(-1)!.id })
    ) {
      serverEvents.push(...page);
    }
    const expected = serverEvents
      .map((e) => e.id)
      .filter((id) => id >= ids[0]!)
      .sort((a, b) => a - b);
    expect(ids).toEqual(expected);
    expect(ids.at(-1)).toBeGreaterThan(before.at(-1)!);
    await shot('06-after-restart');
    // cameras gone (the simulator stopped): every tile says so
    await expect
      .poll(() => page.locator('[data-testid^="tile-"][data-position][data-status="offline"]').count(), {
        timeout: 15_000,
      })
      .toBe(4);
    await shot('07-cameras-offline');
  });

  it('logged no errors in the page', () => {
    // Camera and stream errors after the simulator stops are expected from the players; the
    // page itself must not throw.
    expect(
      errors.filter(
        (e) =>
          !/WebSocket|mpegts|MediaSource|net::ERR|Failed to load resource|\[IOController\]|\[TransmuxingController\]/i.test(
            e,
          ),
      ),
    ).toEqual([]);
  });
});
