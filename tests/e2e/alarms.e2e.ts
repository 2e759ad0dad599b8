/**
 * The alarm workflow end to end (issue 5): a real server and two operators, each in their own
 * browser context. A detection posted through the device API shows on both feeds as a new
 * alarm; operator A acknowledges it from the feed and operator B's feed shows it acknowledged
 * by A within 1 s; A acknowledges five at once with the bulk action; with a branch escalating
 * after 2 s, an alarm left alone turns red and pulsing with the siren on both consoles, until A
 * mutes and acknowledges it from its detail drawer, whose timeline tells who did what.
 * Last, A chooses to be toasted for escalated alarms only: a new alarm reaches A's feed without
 * a toast (B, on the default, gets one) and its escalation still toasts on A.
 * Screenshots: artifacts/e2e/alarms-en.png (A) and alarms-id.png (B, Bahasa Indonesia),
 * alarms-toast-mode-en.png (A's toast setting).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiClient } from '@pantau/shared';
import {
  ARTIFACTS,
  collectErrors,
  freePort,
  launchChromium,
  prepareDataDir,
  signIn,
  startServer,
  stopAll,
} from './support.js';
import { setLanguage } from './console-ui.js';

const OPERATORS = {
  a: { email: 'ayu@e2e.local', name: 'Ayu Lestari', password: 'ayu-operator-pw' },
  b: { email: 'budi@e2e.local', name: 'Budi Santoso', password: 'budi-operator-pw' },
};

let browser: Browser;
const contexts: BrowserContext[] = [];
let pageA: Page;
let pageB: Page;
const errors: string[][] = [];
let url: string;
let admin: ApiClient;
let device: ApiClient;
let branchId: number;
let seq = 0;

async function openConsole(who: keyof typeof OPERATORS): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  errors.push(collectErrors(page));
  await page.goto(`${url}/console/`);
  await page.getByTestId('sign-in-email').fill(OPERATORS[who].email);
  await page.getByTestId('sign-in-password').fill(OPERATORS[who].password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('event-feed').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 10_000 });
  return page;
}

/** Posts a detection and resolves with its event id once both feeds show it. */
async function raise(): Promise<number> {
  const reId = `e2e-alarm-${++seq}`;
  const r = await device.logDetection({
    re_id: reId,
    branch_id: branchId,
    device_id: 'alarm-cam',
    detected_count: 1,
    event_id: reId,
  });
  expect(r.status).toBe(202);
  let id = 0;
  await expect
    .poll(
      async () => {
        id = (await admin.listEvents({ limit: 20 })).find((e) => e.re_id === reId)?.id ?? 0;
        return id;
      },
      { timeout: 5000 },
    )
    .toBeGreaterThan(0);
  for (const page of [pageA, pageB])
    await row(page, id)
      .waitFor({ timeout: 2000 })
      .catch(async (e: unknown) => {
        await page.screenshot({ path: path.join(ARTIFACTS, 'alarms-debug.png') });
        console.log(errors);
        throw e;
      });
  return id;
}

const row = (page: Page, id: number) => page.locator(`[data-testid="event-row"][data-event-id="${id}"]`);
const stateOf = (page: Page, id: number) => row(page, id).getAttribute('data-alarm-state');

beforeAll(async () => {
  const dataDir = prepareDataDir();
  const server = await startServer(await freePort(), dataDir);
  url = server.url;
  admin = await signIn(url);
  const group = await admin.createGroup({ province_code: 'JKT', province_name: 'DKI Jakarta', group_name: 'Jakarta' });
  const branch = await admin.createBranch({
    group_id: group.id,
    branch_code: 'JKT-01',
    branch_name: 'Jakarta Pusat',
    city: 'Jakarta',
  });
  branchId = branch.id;
  await admin.createDevice({
    device_id: 'alarm-cam',
    device_name: 'Lobby',
    device_type: 'camera',
    branch_id: branchId,
  });
  for (const o of Object.values(OPERATORS))
    await admin.createUser({ ...o, role: 'operator', scope_branch_ids: [branchId] });
  const cred = await admin.createCredential({ credential_name: 'e2e alarms' });
  device = new ApiClient({ baseUrl: url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
  browser = await launchChromium();
  pageA = await openConsole('a');
  pageB = await openConsole('b');
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stopAll();
});

describe('alarm workflow across two consoles', () => {
  it('shows a new alarm on both feeds; A acknowledges it and B sees "acknowledged by A" within 1 s', async () => {
    const id = await raise();
    expect([await stateOf(pageA, id), await stateOf(pageB, id)]).toEqual(['new', 'new']);
    await row(pageA, id).getByTestId('alarm-ack').click();
    const t0 = Date.now();
    await pageB.waitForFunction(
      (eventId) =>
        document
          .querySelector(`[data-testid="event-row"][data-event-id="${eventId}"]`)
          ?.getAttribute('data-alarm-state') === 'acknowledged',
      id,
      { timeout: 1000, polling: 'raf' },
    );
    console.log(`acknowledged on A → shown on B in ${Date.now() - t0} ms`);
    expect(await row(pageB, id).getByTestId('alarm-state').textContent()).toContain(OPERATORS.a.name);
    expect(await stateOf(pageA, id)).toBe('acknowledged');
    // B's console no longer offers to acknowledge it
    expect(await row(pageB, id).getByTestId('alarm-ack').count()).toBe(0);
  });

  it('acknowledges five alarms at once with the bulk action and a note', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await raise());
    for (const id of ids) await row(pageA, id).getByTestId('alarm-select').check();
    const bulk = pageA.getByTestId('alarm-bulk-ack');
    expect(await bulk.getAttribute('data-count')).toBe('5');
    await pageA.getByTestId('alarm-bulk-note').fill('shift handover: all checked');
    await bulk.click();
    for (const page of [pageA, pageB]) {
      await expect
        .poll(async () => Promise.all(ids.map((id) => stateOf(page, id))), { timeout: 2000 })
        .toEqual(Array(5).fill('acknowledged'));
    }
    await pageA.getByTestId('alarm-bulk-result').first().waitFor();
    expect(await pageA.getByTestId('alarm-bulk-bar').count()).toBe(0);
    const timeline = await admin.alarmTimeline(ids[2]!);
    expect(timeline.at(-1)).toMatchObject({
      action: 'acknowledged',
      user_name: OPERATORS.a.name,
      note: 'shift handover: all checked',
    });
  });

  it('escalates an alarm left unacknowledged: red, pulsing and the siren on both consoles, until acknowledged', async () => {
    await admin.putEscalationSettings(branchId, {
      enabled: true,
      escalate_after_seconds: 2,
      numbers: ['+628111222333'],
    });
    const id = await raise();
    // the scheduler's tick runs every 5 s: escalated 2–7 s after the alarm
    for (const page of [pageA, pageB]) {
      await expect
        .poll(() => row(page, id).getAttribute('class'), { timeout: 10_000 })
        .toContain('feed__row--escalated');
      expect(await page.getByTestId('alarm-escalated').getAttribute('data-count')).toBe('1');
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.siren)).toBe('on');
      await page.getByTestId('alarm-escalation-toast').first().waitFor();
    }
    const colour = await row(pageA, id).evaluate((el) => getComputedStyle(el).boxShadow);
    expect(colour).toContain('rgb(250, 82, 82)');
    await pageA.waitForTimeout(400);
    await pageA.screenshot({ path: path.join(ARTIFACTS, 'alarms-en.png') });
    await setLanguage(pageB, 'id');
    await pageB.waitForTimeout(400);
    await pageB.screenshot({ path: path.join(ARTIFACTS, 'alarms-id.png') });

    // A mutes the siren (B's keeps sounding), then acknowledges from the detail drawer
    await pageA.getByTestId('alarm-mute').click();
    await expect.poll(() => pageA.evaluate(() => document.documentElement.dataset.siren)).toBe('off');
    expect(await pageB.evaluate(() => document.documentElement.dataset.siren)).toBe('on');
    await row(pageA, id).locator('.feed__time').click(); // the row opens the alarm (its re_id opens the person)
    const drawer = pageA.getByTestId('alarm-timeline');
    await drawer.waitFor();
    await expect
      .poll(() =>
        pageA
          .locator('[data-testid="timeline-entry"]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))),
      )
      .toEqual(['created', 'escalated']);
    await pageA.getByTestId('alarm-note').fill('guard sent to the lobby');
    await pageA.getByTestId('alarm-drawer-ack').click();
    await expect
      .poll(
        () =>
          pageA
            .locator('[data-testid="timeline-entry"]')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))),
        { timeout: 3000 },
      )
      .toEqual(['created', 'escalated', 'acknowledged']);
    expect(await pageA.getByTestId('alarm-timeline').textContent()).toContain('guard sent to the lobby');
    await pageA.screenshot({ path: path.join(ARTIFACTS, 'alarms-drawer-en.png') });
    for (const page of [pageA, pageB]) {
      await expect.poll(() => stateOf(page, id), { timeout: 2000 }).toBe('acknowledged');
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.siren)).toBe('off');
      expect(await page.getByTestId('alarm-escalated').count()).toBe(0);
    }
    await pageA.keyboard.press('Escape');
  });

  it('lists the alarms by state with the unacknowledged count per branch', async () => {
    await raise();
    await pageB.getByTestId('nav-alarms').click();
    await pageB.getByTestId('alarm-list').waitFor();
    await expect.poll(() => pageB.getByTestId('alarm-branch-count').first().getAttribute('data-count')).toBe('1');
    expect(await pageB.getByTestId('alarm-row').count()).toBe(1);
    await pageB.screenshot({ path: path.join(ARTIFACTS, 'alarms-list-id.png') });
  });

  it('with "escalated only" chosen, a new alarm shows in the feed without a toast; its escalation still toasts', async () => {
    await pageB.getByTestId('nav-wall').click();
    await pageB.getByTestId('event-feed').waitFor();
    await pageA.getByTestId('alarm-toast-mode').click();
    await pageA.getByTestId('alarm-toast-mode-options').waitFor();
    await pageA.getByTestId('alarm-toast-mode-escalated').check();
    await pageA.waitForTimeout(400); // the dropdown's fade-in
    await pageA.screenshot({ path: path.join(ARTIFACTS, 'alarms-toast-mode-en.png') });
    await pageA.keyboard.press('Escape');
    expect(await pageA.getByTestId('alarm-toast-mode').getAttribute('data-mode')).toBe('escalated');
    expect(await pageA.evaluate(() => localStorage.getItem('pantau.alarm-toast-mode'))).toBe('"escalated"');
    const id = await raise();
    // B kept the default: its toast for the same alarm shows that one would have come
    await pageB.locator(`[data-testid="alarm-toast"][data-event-id="${id}"]`).waitFor({ timeout: 2000 });
    expect(await stateOf(pageA, id)).toBe('new');
    expect(await pageA.locator(`[data-testid="alarm-toast"][data-event-id="${id}"]`).count()).toBe(0);
    // the branch still escalates after 2 s: the escalation toasts whatever the mode
    await pageA.locator(`[data-testid="alarm-escalation-toast"][data-event-id="${id}"]`).waitFor({ timeout: 10_000 });
    await row(pageA, id).getByTestId('alarm-ack').click();
    await expect.poll(() => stateOf(pageB, id), { timeout: 2000 }).toBe('acknowledged');
  });

  it('ran without console errors', () => {
    expect(errors.flat()).toEqual([]);
  });
});
