/**
 * WhatsApp alerts end to end (issue 5): a real server, the console in Chromium and a stand-in
 * WhatsApp Cloud API (a real HTTP server that records what it is sent). An admin sets up the
 * provider and a branch's alert setting on the alerts screen — a bad number is refused beside
 * the field, the template's preview follows what is typed — then a camera posts a detection and
 * the message reaches the stand-in with the rendered template, and the delivery shows as sent
 * on the screen without a reload. Screenshots: artifacts/e2e/alerts-{en,id}.png.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ApiClient, type Branch } from '@pantau/shared';
import { WhatsAppStandIn } from '../../apps/server/src/test-support/whatsapp-stand-in.js';
import { ADMIN, collectErrors, freePort, launchChromium, prepareDataDir, startServer, stopAll } from './support.js';
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
  await admin.login(ADMIN.email, ADMIN.password);
  const group = await admin.createGroup({ province_code: 'JK', province_name: 'DKI Jakarta', group_name: 'Alerts Jakarta' });
  branch = await admin.createBranch({ group_id: group.id, branch_code: 'JKT-A', branch_name: 'Jakarta Alerts', city: 'Jakarta' });
  await admin.createDevice({ device_id: 'alert-cam', device_name: 'Front Door', device_type: 'camera', branch_id: branch.id });
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
    await expect.poll(async () => (await admin.listAlertSettings({ branch_id: branch.id })).length, { timeout: 10_000 }).toBe(1);
    const [saved] = await admin.listAlertSettings({ branch_id: branch.id });
    expect(saved).toMatchObject({ enabled: true, numbers: ['+6281234567890'] });
  });

  it('a posted detection is sent through the provider and shows as sent on the screen, live', async () => {
    await device.logDetection({ re_id: 'alert-person-1', branch_id: branch.id, device_id: 'alert-cam', detected_count: 2 });
    await expect.poll(() => standIn.requests.filter((r) => r.path.endsWith('/messages')).length, { timeout: 15_000 }).toBe(1);
    const sent = standIn.requests.find((r) => r.path.endsWith('/messages'))!;
    expect(sent.headers.authorization).toBe('Bearer stand-in-token');
    expect(JSON.stringify(sent.body)).toContain('Person alert-person-1 seen 2x at Jakarta Alerts / Front Door');
    expect(JSON.stringify(sent.body)).toContain('6281234567890');
    await page.locator('[data-testid="delivery-row"][data-status="sent"]').waitFor({ timeout: 10_000 });
    await shotBoth(page, 'alerts');
    expect(errors).toEqual([]);
  });
});
