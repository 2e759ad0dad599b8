/**
 * The product over TLS (issue 16): `pantau serve --tls-self-signed` makes its certificate in
 * the data directory; the simulator trusts it (NODE_EXTRA_CA_CERTS) and posts detections over
 * https; Chromium trusts exactly that certificate (its SPKI pinned, as an operator would pin
 * the fingerprint the server prints) and runs the console from `https://…/console/`: sign-in,
 * the wall's video over wss, the live feed over wss, no console error (so the page's CSP
 * with its style nonce holds for everything the console draws). A plain-http address is sent
 * to https; the page answers with HSTS and may not be framed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  ADMIN,
  ARTIFACTS,
  collectErrors,
  freePort,
  httpsJson,
  launchChromium,
  prepareDataDir,
  signInConsole,
  spawnCli,
  spkiPin,
  stopAll,
  waitUntil,
} from './support.js';

describe('the console and the simulator over TLS', () => {
  let browser: Browser;
  let url: string;
  let ca: string;
  let server: ChildProcess;

  beforeAll(async () => {
    const dataDir = prepareDataDir();
    const port = await freePort();
    server = spawnCli(
      ['serve', '--port', String(port), '--host', '127.0.0.1', '--tls-self-signed', '--data-dir', dataDir],
      'server.log',
    );
    url = `https://127.0.0.1:${port}`;
    const certFile = path.join(dataDir, 'tls', 'server.crt');
    await waitUntil(() => fs.existsSync(certFile), 20_000, 'the self-signed certificate');
    ca = fs.readFileSync(certFile, 'utf8');
    await waitUntil(async () => (await httpsJson(`${url}/health`, ca))?.status === 200, 20_000, 'https health');
    const rtspPort = await freePort();
    spawnCli(
      [
        'simulate',
        '--server',
        url,
        '--email',
        ADMIN.email,
        '--password',
        ADMIN.password,
        '--cameras',
        '2',
        '--rate',
        '2',
        '--rtsp-port',
        String(rtspPort),
      ],
      'simulator.log',
      'ignore',
      { NODE_EXTRA_CA_CERTS: certFile },
    );
    const login = await httpsJson(`${url}/api/v1/auth/login`, ca, {
      method: 'POST',
      body: { email: ADMIN.email, password: ADMIN.password },
    });
    const token = (login?.body as { data: { token: string } }).data.token;
    await waitUntil(
      async () => {
        const r = await httpsJson(`${url}/api/v1/layouts/default`, ca, { token });
        return ((r?.body as { data?: { positions?: unknown[] } })?.data?.positions?.length ?? 0) === 2;
      },
      40_000,
      'the demo layout, made by the simulator over https',
    );
    browser = await launchChromium([spkiPin(ca)]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopAll();
  });

  it('signs in, plays the wall over wss and shows detections live, with no console error', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const errors = collectErrors(page);
    const first = await page.goto(`${url}/console/`);
    expect(first?.status()).toBe(200);
    const headers = first!.headers();
    expect(headers['strict-transport-security']).toBe('max-age=31536000');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toMatch(/style-src 'self' 'nonce-[^']+'/);
    expect(headers['content-security-policy']).toContain(`wss://127.0.0.1:${new URL(url).port}`);
    await signInConsole(page, url);
    await waitUntil(
      async () =>
        page.evaluate(() =>
          [...document.querySelectorAll('[data-testid^="tile-"] video')].some(
            (v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 0,
          ),
        ),
      40_000,
      'a tile decoding frames over wss',
    );
    await waitUntil(
      async () => (await page.locator('[data-testid="event-row"]').count()) > 0,
      30_000,
      'a detection in the live feed over wss',
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'tls-console.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends a plain-http address to https', async () => {
    const page = await browser.newPage();
    await page.goto(`${url.replace('https', 'http')}/console/`);
    expect(page.url()).toBe(`${url}/console/`);
    await page.getByTestId('sign-in-email').waitFor({ timeout: 15_000 });
    await page.close();
    expect(server.exitCode).toBeNull();
  });
});
