/**
 * WhatsApp alerts end to end (issue 5): a real server, the console in Chromium and a stand-in
 * WhatsApp Cloud API (a real HTTP server that records what it is sent). An admin sets up the
 * provider and a branch's alert setting on the alerts screen — a bad number is refused beside
 * the field, the template's preview follows what is typed — then a camera posts a detection and
 * the message reaches the stand-in with the rendered template, and the delivery shows as sent
 * on the screen without a reload. Then a camera gets an override with a number of its own
 * (prefilled from the branch-wide setting; a bad number refused beside the field): its detection
 * goes to its own number, the override is edited, and removed after the confirm. Screenshots:
 * artifacts/e2e/admin-alerts-{en,id}.png, alerts-override-form.png, alerts-overrides.png.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ApiClient, type Branch } from '@pantau/shared';
import { WhatsAppStandIn } from '../../apps/server/src/test-support/whatsapp-stand-in.js';
import {
  ADMIN,
  ARTIFACTS,
  collectErrors,
  freePort,
  launchChromium,
  prepareDataDir,
  startServer,
  stopAll,
} from './support.js';
import { pick, shotBoth } from './console-ui.js';

let browser: Browser;
let page: Page;
let errors: string[];
let server: { url: string; child: ChildProcess };
let admin: ApiClient;
let branch: Branch;
let standIn: WhatsAppStandIn;
let device: ApiClient;

beforeAll(async () => {
  standIn = await WhatsAppStandIn.start();
  server = await startServer(await freePort(), prepareDataDir());
  admin = new ApiClient({ baseUrl: server.url });
  await admin.login({ email: ADMIN.email, password: ADMIN.password });
  const group = await admin.createGroup({
    province_code: 'JK',
    province_name: 'DKI Jakarta',
    group_name: 'Alerts Jakarta',
  });
  branch = await admin.createBranch({
    group_id: group.id,
    branch_code: 'JKT-A',
    branch_name: 'Jakarta Alerts',
    city: 'Jakarta',
  });
  await admin.createDevice({
    device_id: 'alert-cam',
    device_name: 'Front Door',
    device_type: 'camera',
    branch_id: branch.id,
  });
  await admin.createDevice({
    device_id: 'alert-cam-2',
    device_name: 'Back Door',
    device_type: 'camera',
    branch_id: branch.id,
  });
  const c = await admin.createCredential({ credential_name: 'alerts e2e' });
  device = new ApiClient({ baseUrl: server.url, apiKey: { key: c.api_key, secret: c.api_secret } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 }, locale: 'en-GB' });
  errors = collectErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
  await standIn?.stop();
});

const byTestId = (id: string) => page.getByTestId(id);

describe('WhatsApp alerts', () => {
  it('sets up the provider and the branch alert on the screen, refusing a bad number beside the field', async () => {
    await page.goto(`${server.url}/console/#/alerts`);
    await byTestId('sign-in-email').fill(ADMIN.email);
    await byTestId('sign-in-password').fill(ADMIN.password);
    await byTestId('sign-in-submit').click();
    await byTestId('alerts-screen').waitFor({ timeout: 15_000 });

    await pick(page, 'provider-select', 'WhatsApp Cloud API');
    await byTestId('provider-base-url').fill(standIn.url);
    await byTestId('provider-phone-id').fill('1234567890');
    await byTestId('provider-token').fill('stand-in-token');
    await byTestId('provider-app-secret').fill('stand-in-app-secret');
    await byTestId('provider-save').click();
    await page.locator('[data-testid="secret-set"][data-name="token"]').waitFor({ timeout: 10_000 });
    // secrets are write-only: the screen knows one is set, never its value
    expect(await byTestId('provider-token').inputValue()).toBe('');

    await page.locator(`[data-testid="alert-form"][data-branch-id="${branch.id}"]`).waitFor();
    await byTestId('alert-number-input').fill('0812-not-a-number');
    await expect.poll(() => byTestId('alert-number-add').isDisabled()).toBe(true);
    expect(await byTestId('alert-number-input').getAttribute('aria-invalid')).toBe('true');
    await byTestId('alert-number-input').fill('+62 812 3456 7890');
    await byTestId('alert-number-add').click();
    await expect.poll(() => page.locator('[data-testid="alert-number"][data-valid="true"]').count()).toBe(1);
    await byTestId('alert-template').fill('Person {re_id} seen {detected_count}x at {branch_name} / {device_name}');
    await expect.poll(() => byTestId('alert-preview').innerText()).toContain('Jakarta Alerts');
    if (!(await byTestId('alert-enabled').isChecked())) await byTestId('alert-enabled').check({ force: true });
    await byTestId('alert-save').click();
    await expect
      .poll(async () => (await admin.listAlertSettings({ branch_id: branch.id })).length, { timeout: 10_000 })
      .toBe(1);
    const [saved] = await admin.listAlertSettings({ branch_id: branch.id });
    expect(saved).toMatchObject({ enabled: true, numbers: ['+6281234567890'] });
  });

  it('a posted detection is sent through the provider and shows as sent on the screen, live', async () => {
    await device.logDetection({
      re_id: 'alert-person-1',
      branch_id: branch.id,
      device_id: 'alert-cam',
      detected_count: 2,
    });
    await expect
      .poll(() => standIn.requests.filter((r) => r.path.endsWith('/messages')).length, { timeout: 15_000 })
      .toBe(1);
    const sent = standIn.requests.find((r) => r.path.endsWith('/messages'))!;
    expect(sent.headers.authorization).toBe('Bearer stand-in-token');
    expect(JSON.stringify(sent.body)).toContain('Person alert-person-1 seen 2x at Jakarta Alerts / Front Door');
    expect(JSON.stringify(sent.body)).toContain('6281234567890');
    await page.locator('[data-testid="delivery-row"][data-status="sent"]').waitFor({ timeout: 10_000 });
    await shotBoth(page, 'alerts');
    expect(errors).toEqual([]);
  });

  it('gives a camera its own number (an override), edits it and removes it after the confirm', async () => {
    const overrideOf = async (deviceId: string) =>
      (await admin.listAlertSettings({ branch_id: branch.id })).find((x) => x.device_id === deviceId);
    await byTestId('alert-override-empty').waitFor();
    await pick(page, 'alert-override-device', 'Back Door');
    await byTestId('alert-override-add').click();

    // the same form, for the camera, starting as a copy of the branch-wide setting
    const form = page.locator('[data-testid="alert-form"][data-device-id="alert-cam-2"]');
    await form.waitFor();
    const inForm = (id: string) => form.getByTestId(id);
    expect(await inForm('alert-number').allInnerTexts()).toEqual(['+6281234567890']);
    await expect.poll(() => inForm('alert-preview').innerText()).toContain('Jakarta Alerts / Back Door');

    // a bad number is refused beside the field
    await inForm('alert-number-input').fill('+62 812');
    await expect.poll(() => inForm('alert-number-add').isDisabled()).toBe(true);
    const bad = await inForm('alert-number-input').evaluate((el) => ({
      invalid: el.getAttribute('aria-invalid'),
      text: document.getElementById(`${el.id}-error`)?.textContent ?? null,
    }));
    expect(bad).toEqual({ invalid: 'true', text: 'Not a valid international number (e.g. +6281234567890)' });
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(ARTIFACTS, 'alerts-override-form.png') });

    await inForm('alert-number-remove').click();
    await inForm('alert-number-input').fill('+62 812 9876 5432');
    await inForm('alert-number-add').click();
    await expect.poll(() => inForm('alert-number').allInnerTexts()).toEqual(['+6281298765432']);
    await inForm('alert-save').click();
    await expect
      .poll(() => overrideOf('alert-cam-2'), { timeout: 10_000 })
      .toMatchObject({ branch_id: branch.id, device_name: 'Back Door', enabled: true, numbers: ['+6281298765432'] });
    await form.waitFor({ state: 'detached' });
    const row = page.locator('[data-testid="alert-override-row"][data-device-id="alert-cam-2"]');
    await row.waitFor();
    // the branch-wide setting is untouched
    expect((await admin.listAlertSettings({ branch_id: branch.id })).find((x) => x.device_id === null)).toMatchObject({
      numbers: ['+6281234567890'],
    });

    // the camera's detection goes to its own number only
    await device.logDetection({
      re_id: 'alert-person-2',
      branch_id: branch.id,
      device_id: 'alert-cam-2',
      detected_count: 1,
    });
    const messages = () => standIn.requests.filter((r) => r.path.endsWith('/messages'));
    await expect.poll(() => messages().length, { timeout: 15_000 }).toBe(2);
    const own = JSON.stringify(messages()[1]!.body);
    expect(own).toContain('6281298765432');
    expect(own).not.toContain('6281234567890');
    expect(own).toContain('Jakarta Alerts / Back Door');

    // edit: a second number and a shorter cooldown
    await row.getByTestId('alert-override-edit').click();
    await form.waitFor();
    await inForm('alert-number-input').fill('+44 7911 123456');
    await inForm('alert-number-add').click();
    await inForm('alert-cooldown').fill('45');
    await inForm('alert-save').click();
    await expect
      .poll(() => overrideOf('alert-cam-2'), { timeout: 10_000 })
      .toMatchObject({ numbers: ['+6281298765432', '+447911123456'], cooldown_seconds: 45 });
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => row.innerText()).toContain('45 s');
    // the console scrolls inside its shell, so a taller window shows the whole screen
    await page.setViewportSize({ width: 1600, height: 1500 });
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(ARTIFACTS, 'alerts-overrides.png') });
    await page.setViewportSize({ width: 1600, height: 900 });

    // remove: asks first (and says the camera falls back to the branch-wide setting)
    await row.getByTestId('alert-override-remove').click();
    expect(await byTestId('confirm-dialog').innerText()).toContain('falls back to the branch-wide setting');
    await byTestId('confirm-no').click();
    await byTestId('confirm-dialog').waitFor({ state: 'detached' });
    expect(await overrideOf('alert-cam-2')).toBeDefined();
    await row.getByTestId('alert-override-remove').click();
    await byTestId('confirm-yes').click();
    await expect.poll(() => overrideOf('alert-cam-2'), { timeout: 10_000 }).toBeUndefined();
    await row.waitFor({ state: 'detached' });
    await byTestId('alert-override-empty').waitFor();
    expect(await admin.listAlertSettings({ branch_id: branch.id })).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
