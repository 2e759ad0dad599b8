/**
 * API credentials and the fleet status board end to end (issue 4): a real server with a 4 s
 * heartbeat timeout (PANTAU_HEARTBEAT_TIMEOUT_MS), two simulated cameras sending heartbeats,
 * and the console in Chromium.
 *
 * The admin creates a credential on the credentials screen, reads and copies its secret from
 * the once-only modal, posts a detection from the test console (202 with X-RateLimit headers),
 * revokes the credential and sees the test console answer 401. The fleet board shows the
 * simulator's cameras online; a camera whose heartbeats stop turns offline on the board with a
 * toast and the summary counts move, and it comes back with a toast shown on another screen.
 * Screenshots: artifacts/e2e/credentials-{en,id}.png, credentials-secret.png, fleet-{en,id}.png.
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiClient, type Branch } from '@pantau/shared';
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
  stopAll,
} from './support.js';
import { setLanguage } from './console-ui.js';

/** Short enough to watch a device go offline within the test (the server sweeps every 5 s). */
const HEARTBEAT_TIMEOUT_MS = 4_000;
/** The camera the test beats for by hand, then lets fall silent. */
const GATE = { device_id: 'cam-e2e-gate', device_name: 'E2E Gate' };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let server: { url: string; child: ChildProcess };
let admin: ApiClient;
let branch: Branch;
let simulatorCameras: string[];

beforeAll(async () => {
  // read by the server child process (support.ts passes process.env on)
  process.env.PANTAU_HEARTBEAT_TIMEOUT_MS = String(HEARTBEAT_TIMEOUT_MS);
  server = await startServer(await freePort(), prepareDataDir());
  await startSimulator(server.url, { cameras: 2, rate: 0, rtspPort: await freePort() });
  admin = await signIn(server.url);
  simulatorCameras = (await admin.defaultLayout()).positions.map((p) => p.device_id).sort();
  branch = (await admin.listBranches()).find((b) => b.branch_code === 'JKT-01')!;
  await admin.createDevice({ ...GATE, device_type: 'camera', branch_id: branch.id });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'en-GB' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await context.newPage();
  errors = collectErrors(page);
  await page.goto(`${server.url}/console/`);
  await page
    .getByTestId('sign-in-email')
    .waitFor({ timeout: 15_000 })
    .catch(async (err: unknown) => {
      await page.screenshot({ path: `${ARTIFACTS}/fleet-credentials-failed-sign-in.png` });
      throw err;
    });
  await page.getByTestId('sign-in-email').fill(ADMIN.email);
  await page.getByTestId('sign-in-password').fill(ADMIN.password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('wall-view').waitFor({ timeout: 15_000 });
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail')
    await page
      ?.screenshot({
        path: `${ARTIFACTS}/fleet-credentials-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`,
      })
      .catch(() => undefined);
});

afterAll(async () => {
  delete process.env.PANTAU_HEARTBEAT_TIMEOUT_MS;
  await browser?.close();
  await stopAll();
});

const byTestId = (id: string) => page.getByTestId(id);
const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const row = (deviceId: string) => page.locator(`[data-testid="fleet-row"][data-device-id="${deviceId}"]`);
const summary = async (attr: 'nvrs-online' | 'nvrs-offline' | 'cameras-online' | 'cameras-offline') =>
  Number(await byTestId('fleet-summary').getAttribute(`data-${attr}`));
const alerts = (status: 'online' | 'offline', deviceId: string) =>
  page.locator(`[data-testid="device-alert"][data-status="${status}"][data-device-ids~="${deviceId}"]`);

/** The test console's answer to one send: its status and the headers it lists. */
async function sendFromConsole(): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const before = await byTestId('console-result').count();
  const previous = before ? await byTestId('console-body').textContent() : null;
  await byTestId('console-send').click();
  await expect
    .poll(
      async () =>
        (await byTestId('console-result').count()) > 0 && (await byTestId('console-body').textContent()) !== previous,
      { timeout: 10_000 },
    )
    .toBe(true);
  await expect.poll(async () => byTestId('console-send').getAttribute('data-loading')).toBeNull();
  const headers = Object.fromEntries(
    await page.$$eval('[data-testid="console-header"]', (rows) =>
      rows.map((r) => [(r as HTMLElement).dataset.name!, r.querySelectorAll('td')[1]!.textContent!.trim()]),
    ),
  ) as Record<string, string>;
  return {
    status: Number(await byTestId('console-status').getAttribute('data-status')),
    headers,
    body: (await byTestId('console-body').textContent()) ?? '',
  };
}

describe('fleet status and API credentials', () => {
  let created: { id: number; key: string; secret: string };

  it('creates a credential; its secret is shown once, copyable, and works', async () => {
    await byTestId('nav-credentials').click();
    await page.locator('[data-testid="admin-screen"][data-entity="credentials"]').waitFor();
    await byTestId('create-button').click();
    await byTestId('field-credential_name').fill('E2E gate box');
    await byTestId('field-rate_limit_per_hour').fill('500');
    await byTestId('form-save').click();
    await byTestId('secret-modal').waitFor({ timeout: 10_000 });
    expect(await byTestId('secret-modal').getAttribute('data-kind')).toBe('create');
    expect(await byTestId('secret-warning').textContent()).toMatch(/will not see this secret again/i);
    const key = (await byTestId('secret-key').textContent())!.trim();
    const secret = (await byTestId('secret-value').textContent())!.trim();
    expect(key).toMatch(/^pantau_live_/);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await byTestId('secret-copy-secret').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await shot('credentials-secret');
    // the server keeps no secret: the list has the key, never the secret
    const listed = (await admin.credentialsPage({ q: 'E2E gate box' })).items;
    expect(listed.map((c) => c.api_key)).toEqual([key]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    created = { id: listed[0]!.id, key, secret };
    expect(listed[0]!.rate_limit_per_hour).toBe(500);
    await byTestId('secret-try').click();
    await byTestId('test-console').waitFor();
    expect(await byTestId('console-key').inputValue()).toBe(key);
    expect(await byTestId('console-secret').inputValue()).toBe(secret);
  });

  it('posts a detection from the test console: 202 with the rate-limit headers', async () => {
    const body = JSON.parse(await byTestId('console-body-input').inputValue()) as {
      device_id: string;
      branch_id: number;
    };
    expect(simulatorCameras.concat(GATE.device_id)).toContain(body.device_id);
    const r = await sendFromConsole();
    expect(r.status).toBe(202);
    expect(r.headers['x-ratelimit-limit']).toBe('500');
    expect(Number(r.headers['x-ratelimit-remaining'])).toBe(499);
    expect(Number(r.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect(JSON.parse(r.body)).toMatchObject({
      success: true,
      data: { status: 'processing', job_id: expect.any(Number) },
    });
    // a body that is not JSON is caught before anything is sent
    await byTestId('console-body-input').fill('{ not json');
    await byTestId('console-send').click();
    expect(await page.locator('[data-testid="console-body-input"][aria-invalid="true"]').count()).toBe(1);
    await byTestId('console-reset-body').click();
    for (const language of ['en', 'id'] as const) {
      await setLanguage(page, language);
      await page.waitForTimeout(300);
      await shot(`credentials-${language}`);
    }
    await setLanguage(page, 'en');
  });

  it('lists the credential with its use this hour, revokes it after asking, and the test console then gets 401', async () => {
    await byTestId('tab-list').click();
    const listRow = page.locator(`[data-testid="admin-row"][data-id="${created.id}"]`);
    await expect
      .poll(async () => listRow.getByTestId('credential-usage').getAttribute('data-used'), { timeout: 40_000 })
      .toBe('1');
    expect(await listRow.getByTestId('credential-usage').getAttribute('data-limit')).toBe('500');
    await shot('credentials-list');
    // rotate with the preselected hour of grace: a new secret, shown once, and until when the old one works
    await listRow.getByTestId('row-rotate').click();
    await byTestId('rotate-modal').waitFor();
    expect(await byTestId('rotate-grace').inputValue()).toBe('1 hour');
    await byTestId('rotate-confirm').click();
    await page.locator('[data-testid="secret-modal"][data-kind="rotate"]').waitFor({ timeout: 10_000 });
    const rotated = (await byTestId('secret-value').textContent())!.trim();
    expect(rotated).not.toBe(created.secret);
    expect(await byTestId('secret-grace').textContent()).toMatch(/old secret keeps working until/);
    const graceUntil = (await admin.getCredential(created.id)).previous_secret_expires_at!;
    expect(Date.parse(graceUntil) - Date.now()).toBeGreaterThan(3_500_000);
    await byTestId('secret-close').click();
    await listRow.getByTestId('row-revoke').click();
    await byTestId('confirm-dialog').waitFor();
    await byTestId('confirm-yes').click();
    await expect.poll(async () => listRow.getByTestId('status-badge').getAttribute('data-status')).toBe('revoked');
    expect((await admin.getCredential(created.id)).status).toBe('revoked');
    await byTestId('tab-console').click();
    // revocation takes effect within seconds even though credentials are cached
    const revokedAt = Date.now();
    let r = await sendFromConsole();
    while (r.status !== 401 && Date.now() - revokedAt < 6_000) {
      await page.waitForTimeout(500);
      r = await sendFromConsole();
    }
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ success: false, error: { code: 'INVALID_CREDENTIALS' } });
  });

  it('shows the simulator’s cameras online on the fleet board, with their streams', async () => {
    await byTestId('nav-fleet').click();
    await byTestId('fleet-screen').waitFor();
    for (const id of simulatorCameras) {
      await expect.poll(async () => row(id).getAttribute('data-status'), { timeout: 20_000 }).toBe('online');
      expect(await row(id).getByTestId('fleet-stream').count()).toBe(1);
      expect(await row(id).getByTestId('fleet-last-seen').textContent()).toMatch(/now|second/);
    }
    expect(await row(GATE.device_id).getAttribute('data-status')).toBe('unknown');
    expect(await summary('cameras-online')).toBe(simulatorCameras.length);
  });

  it('turns a camera that stops heartbeating offline with a toast, and back online with a toast on another screen', async () => {
    const cred = await admin.createCredential({ credential_name: 'e2e gate heartbeats' });
    const gate = new ApiClient({ baseUrl: server.url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
    await gate.heartbeat({ device_id: GATE.device_id });
    await expect.poll(async () => row(GATE.device_id).getAttribute('data-status'), { timeout: 5_000 }).toBe('online');
    await expect.poll(() => summary('cameras-online')).toBe(simulatorCameras.length + 1);
    await alerts('online', GATE.device_id).first().waitFor({ timeout: 5_000 });
    const offlineBefore = await summary('cameras-offline');

    // silence: offline after the 4 s timeout, at the next 5 s sweep
    const silentFrom = Date.now();
    await alerts('offline', GATE.device_id).first().waitFor({ timeout: 15_000 });
    expect(Date.now() - silentFrom).toBeGreaterThanOrEqual(HEARTBEAT_TIMEOUT_MS - 500);
    expect(await row(GATE.device_id).getAttribute('data-status')).toBe('offline');
    expect(await summary('cameras-offline')).toBe(offlineBefore + 1);
    expect(await summary('cameras-online')).toBe(simulatorCameras.length);
    expect(await alerts('offline', GATE.device_id).first().textContent()).toContain(GATE.device_name);
    // the simulator's own cameras kept beating and stayed online
    for (const id of simulatorCameras) expect(await row(id).getAttribute('data-status')).toBe('online');
    for (const language of ['en', 'id'] as const) {
      await setLanguage(page, language);
      await page.waitForTimeout(300);
      await shot(`fleet-${language}`);
    }
    await setLanguage(page, 'en');

    // back: the toast shows on the wall too
    await byTestId('nav-wall').click();
    await byTestId('wall-view').waitFor();
    await gate.heartbeat({ device_id: GATE.device_id });
    await alerts('online', GATE.device_id).last().waitFor({ timeout: 5_000 });
    expect(await alerts('online', GATE.device_id).last().textContent()).toMatch(/back online/i);
    await byTestId('nav-fleet').click();
    await expect.poll(async () => row(GATE.device_id).getAttribute('data-status')).toBe('online');
  });

  it('filters the board by branch and status', async () => {
    const rowIds = () =>
      page.$$eval('[data-testid="fleet-row"]', (rs) => rs.map((r) => (r as HTMLElement).dataset.deviceId!).sort());
    await byTestId('filter-branch').click();
    await page.locator('[role="option"]:visible', { hasText: branch.branch_name }).first().click();
    const jakarta = (await admin.listDevices({ branch_id: branch.id })).map((d) => d.device_id).sort();
    expect(jakarta).toContain(GATE.device_id);
    await expect.poll(rowIds).toEqual(jakarta);
    // the gate has been silent since its last heartbeat: offline again
    await expect.poll(async () => row(GATE.device_id).getAttribute('data-status'), { timeout: 15_000 }).toBe('offline');
    await byTestId('filter-status').click();
    await page.locator('[role="option"]:visible', { hasText: 'Online' }).first().click();
    await expect.poll(rowIds).toEqual(jakarta.filter((id) => id !== GATE.device_id));
    expect(
      await page.$$eval('[data-testid="fleet-row"]', (rs) => rs.map((r) => (r as HTMLElement).dataset.status)),
    ).toEqual(['online']);
  });

  it('logged no errors in the page (but the 401 the revoked key was meant to get)', () => {
    expect(errors.filter((e) => !/status of 401 .*\(at log:/.test(e))).toEqual([]);
  });
});
