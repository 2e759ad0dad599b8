/**
 * Cameras as they ship, end to end (issue 15): `pantau simulate --codec h265 --audio pcma --auth
 * digest` (H.265 main stream with G.711 audio, H.264 substream, digest auth with a password full of
 * special characters), a real server, and the console in Debian's Chromium — which, like many
 * control-room PCs, has no HEVC decoder.
 *
 * - the grid plays the H.264 substream as it is; a maximised tile plays the H.265 main stream
 *   through the gateway's H.264 transcode (frames decoded, "H.265 · transcoded");
 * - a camera whose stored password is wrong says "Wrong credentials (401)" on its tile and in
 *   the camera tree, never "offline";
 * - a camera that reboots comes back on the same tile without a reload;
 * - glass to glass, transcoded beside copied: screenshots with the page clock
 *   (artifacts/e2e/field-latency-*.png).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '@pantau/shared';
import { fieldError, openView, pick, showPageClock } from './console-ui.js';
import { startOnvifStandIn, type OnvifStandIn } from '../../apps/server/src/onvif/test-fixtures/onvif-standin.js';
import {
  ARTIFACTS,
  collectErrors,
  freePort,
  launchChromium,
  prepareDataDir,
  signIn,
  signInConsole,
  startControlledSimulator,
  startServer,
  stopAll,
  waitUntil,
  type ControlledSimulator,
} from './support.js';

const CAMERA_PASSWORD = 'k@m:era/#1 ok';
let browser: Browser;
let page: Page;
let errors: string[];
let server: { url: string };
let sim: ControlledSimulator;
let admin: ApiClient;

const tile = (n: number) => page.getByTestId(`tile-${n}`);
const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

/**
 * Puts the page clock just under the burned-in camera clock of tile `n`'s picture and
 * screenshots only that corner, so both clocks are read off one small image.
 */
async function latencyShot(n: number, name: string): Promise<void> {
  const box = await tile(n).evaluate((el) => {
    const v = el.querySelector('video[data-shown="true"]') as HTMLVideoElement;
    const r = v.getBoundingClientRect();
    // the picture inside the element (letterboxed to its aspect ratio)
    const scale = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
    const h = v.videoHeight * scale;
    const w = v.videoWidth * scale;
    const x = r.left + (r.width - w) / 2;
    const y = r.top + (r.height - h) / 2;
    const clock = document.getElementById('e2e-clock')!;
    clock.style.right = '';
    clock.style.bottom = '';
    clock.style.left = `${x}px`;
    clock.style.top = `${y + h * 0.2}px`;
    return { x, y, width: Math.min(w, 420), height: h * 0.2 + 50 };
  });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), clip: box });
}

/** Frames the shown `<video>` of tile `n` has decoded so far. */
const framesOf = (n: number) =>
  tile(n).evaluate((el) => {
    const v = el.querySelector('video[data-shown="true"]') as HTMLVideoElement | null;
    return v?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
  });

beforeAll(async () => {
  const dataDir = prepareDataDir();
  server = await startServer(await freePort(), dataDir);
  sim = await startControlledSimulator(server.url, {
    cameras: 2,
    rate: 0,
    rtspPort: await freePort(),
    extra: [
      '--codec',
      'h265',
      '--audio',
      'pcma',
      '--auth',
      'digest',
      '--camera-password',
      CAMERA_PASSWORD,
      '--resolution',
      '640x360',
      '--sub-resolution',
      '320x180',
      '--fps',
      '15',
    ],
  });
  admin = await signIn(server.url);
  // camera 2's stored password goes wrong (as after someone changed it on the camera)
  const layout = await admin.defaultLayout();
  const second = layout.positions.find((p) => p.position_number === 2)!;
  await admin.updateStream(second.stream_id, { password: 'not-the-password' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  errors = collectErrors(page);
  await signInConsole(page, server.url);
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

describe('cameras as they ship', () => {
  it('this Chromium decodes H.264 but not H.265 through MSE (the shape of many control-room PCs)', async () => {
    const support = await page.evaluate(() => ({
      h264: MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E"'),
      hevc: MediaSource.isTypeSupported('video/mp4; codecs="hvc1.1.6.L93.B0"'),
    }));
    expect(support).toEqual({ h264: true, hevc: false });
  });

  it('knows what each stream sends: H.265 + G.711 on the main stream, H.264 on the substream', async () => {
    const layout = await admin.defaultLayout();
    const first = layout.positions.find((p) => p.position_number === 1)!;
    await waitUntil(async () => (await admin.getStream(first.stream_id)).media.main !== null, 20_000, 'probe');
    const s = await admin.getStream(first.stream_id);
    expect(s.media.main).toMatchObject({ video_codec: 'hevc', width: 640, height: 360, audio_codec: 'pcm_alaw' });
    expect(s.media.sub).toMatchObject({ video_codec: 'h264', width: 320, height: 180 });
    expect(s).toMatchObject({ resolution: '640x360', fps: 15, status: 'online', problem: null });
  });

  it('plays the H.264 substream as it is in the grid', async () => {
    await expect.poll(() => tile(1).getAttribute('data-status'), { timeout: 30_000 }).toBe('live');
    expect(await tile(1).getAttribute('data-delivery')).toBe('copy');
    expect(await tile(1).getAttribute('data-codec')).toBe('h264');
    expect(await tile(1).getByTestId('tile-codec').count()).toBe(0);
  });

  it('says "Wrong credentials (401)" for the camera whose password is wrong, on the tile and in the camera tree', async () => {
    await expect.poll(() => tile(2).getAttribute('data-problem'), { timeout: 30_000 }).toBe('unauthorized');
    expect(await tile(2).getAttribute('data-status')).toBe('offline');
    await expect.poll(() => tile(2).getByTestId('error-overlay').textContent()).toContain('Wrong credentials (401)');
    expect(await tile(2).getByTestId('status-chip').textContent()).toContain('401');
    const tree = page.locator('[data-testid="tree-camera"]').filter({ has: page.getByTestId('tree-problem') });
    await expect.poll(() => tree.count(), { timeout: 15_000 }).toBe(1);
    expect(await tree.getByTestId('tree-problem').getAttribute('data-problem')).toBe('unauthorized');
    await shot('field-wrong-credentials');
  });

  it('maximised, plays the H.265 main stream through the H.264 transcode, frames decoded', async () => {
    await tile(1).click();
    await expect.poll(() => tile(1).getAttribute('data-quality'), { timeout: 30_000 }).toBe('main');
    await expect.poll(() => tile(1).getAttribute('data-status'), { timeout: 30_000 }).toBe('live');
    expect(await tile(1).getAttribute('data-delivery')).toBe('transcode');
    expect(await tile(1).getAttribute('data-codec')).toBe('hevc');
    expect(await tile(1).getByTestId('tile-codec').textContent()).toBe('H.265 · transcoded');
    const before = await framesOf(1);
    await page.waitForTimeout(2000);
    expect(await framesOf(1)).toBeGreaterThan(before + 10);
    const stats = await admin.gatewayStreams();
    expect(stats.find((s) => s.delivery === 'transcode')).toMatchObject({
      codec: 'h264',
      encoder: 'libx264',
      viewers: 1,
    });
    await shot('field-transcoded');
  });

  it('starts muted; the speaker of the maximised tile plays the G.711 audio, transcoded to AAC', async () => {
    const audioBytes = () =>
      tile(1).evaluate((el) => {
        const v = el.querySelector('video[data-shown="true"]') as HTMLVideoElement & {
          webkitAudioDecodedByteCount?: number;
        };
        return { muted: v.muted, bytes: v.webkitAudioDecodedByteCount ?? 0 };
      });
    expect(await tile(1).getAttribute('data-audio')).toBe('off');
    expect(await audioBytes()).toMatchObject({ muted: true, bytes: 0 });
    const speaker = tile(1).getByTestId('tile-audio');
    expect(await speaker.getAttribute('data-audio')).toBe('off');
    await speaker.click();
    await expect.poll(() => tile(1).getAttribute('data-audio'), { timeout: 30_000 }).toBe('on');
    // still maximised (the click was the speaker's, not the tile's), still the transcoded main stream
    expect(await tile(1).getAttribute('data-maximized')).toBe('true');
    await expect.poll(() => tile(1).getAttribute('data-status'), { timeout: 30_000 }).toBe('live');
    const first = await audioBytes();
    expect(first.muted).toBe(false);
    await expect.poll(async () => (await audioBytes()).bytes, { timeout: 10_000 }).toBeGreaterThan(first.bytes + 1000);
    const withAudio = (await admin.gatewayStreams()).find((x) => x.audio !== null);
    expect(withAudio).toMatchObject({ quality: 'main', audio: 'aac', delivery: 'transcode' });
    await shot('field-unmuted');
    await speaker.click();
    await expect.poll(() => tile(1).getAttribute('data-audio'), { timeout: 30_000 }).toBe('off');
  });

  it('glass to glass: the transcoded main stream beside the copied substream (screenshots with the page clock)', async () => {
    await showPageClock(page);
    for (let i = 0; i < 4; i++) {
      await latencyShot(1, `field-latency-transcoded-${i}`);
      await page.waitForTimeout(600);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => tile(1).getAttribute('data-quality'), { timeout: 30_000 }).toBe('sub');
    await page.waitForTimeout(1500);
    for (let i = 0; i < 4; i++) {
      await latencyShot(1, `field-latency-copied-${i}`);
      await page.waitForTimeout(600);
    }
    await page.evaluate(() => document.getElementById('e2e-clock')?.remove());
  });

  it('a camera that reboots comes back on the same tile, without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { e2eMark: number }).e2eMark = 42));
    await sim.reboot(1);
    await expect.poll(() => tile(1).getAttribute('data-status'), { timeout: 15_000 }).not.toBe('live');
    await expect.poll(() => tile(1).getAttribute('data-status'), { timeout: 45_000 }).toBe('live');
    const before = await framesOf(1);
    await page.waitForTimeout(1500);
    expect(await framesOf(1)).toBeGreaterThan(before);
    expect(await page.evaluate(() => (window as unknown as { e2eMark?: number }).e2eMark)).toBe(42);
  });

  it('adds a camera by ONVIF: its profiles fill the stream form, and the saved stream plays', async () => {
    const layout = await admin.defaultLayout();
    const first = layout.positions.find((p) => p.position_number === 1)!;
    const stored = await admin.getStream(first.stream_id);
    // a camera's ONVIF service takes the same user and password as its RTSP server
    const onvif: OnvifStandIn = await startOnvifStandIn({
      username: 'admin',
      password: CAMERA_PASSWORD,
      mainUri: stored.main_url,
      subUri: stored.sub_url!,
    });
    try {
      await page.keyboard.press('Escape');
      await openView(page, 'streams');
      await page.getByTestId('create-button').click();
      await pick(page, 'field-branch_id', first.branch_name);
      await pick(page, 'field-device_id', first.device_id);
      await page.getByTestId('field-stream_name').fill('Lobby via ONVIF');
      await page.getByTestId('onvif-open').click();
      await page.getByTestId('onvif-address').fill(onvif.address);
      await page.getByTestId('onvif-username').fill('admin');
      await page.getByTestId('onvif-password').fill('wrong');
      await page.getByTestId('onvif-fetch').click();
      await expect
        .poll(async () => (await fieldError(page, 'onvif-password')).text)
        .toBe('The camera refused the user name or password');
      await page.getByTestId('onvif-password').fill(CAMERA_PASSWORD);
      await page.getByTestId('onvif-fetch').click();
      await page.getByTestId('onvif-result').waitFor();
      expect(await page.getByTestId('field-main_url').inputValue()).toBe(stored.main_url);
      expect(await page.getByTestId('field-sub_url').inputValue()).toBe(stored.sub_url);
      expect(await page.getByTestId('field-resolution').inputValue()).toBe('2560x1440');
      expect(await page.getByTestId('onvif-profile').count()).toBe(2);
      await shot('admin-stream-onvif');
      await page.getByTestId('form-save').click();
      await page.locator('[data-testid="form-drawer"]').waitFor({ state: 'detached', timeout: 10_000 });
      const created = (await admin.listStreams({ q: 'Lobby via ONVIF' })).find(
        (x) => x.stream_name === 'Lobby via ONVIF',
      )!;
      expect(created).toMatchObject({ main_url: stored.main_url, has_credentials: true });
      // probed with the credentials the form took from the ONVIF step: it really plays
      await waitUntil(async () => (await admin.getStream(created.id)).media.main !== null, 20_000, 'probe');
      expect((await admin.getStream(created.id)).media.main).toMatchObject({ video_codec: 'hevc' });
    } finally {
      await onvif.close();
    }
  });

  it('logged no errors in the page beyond the players of the refused and rebooted cameras', () => {
    const unexpected = errors.filter(
      (e) =>
        !/WebSocket|mpegts|MediaSource|net::ERR|Failed to load resource|\[IOController\]|\[TransmuxingController\]/i.test(
          e,
        ),
    );
    expect(unexpected, unexpected.join('\n')).toEqual([]);
  });
});
