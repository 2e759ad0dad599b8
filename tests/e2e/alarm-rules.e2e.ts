/**
 * Alarm rules end to end (issue 14): a real server, an admin and an operator in Chromium. The
 * admin turns the branch's default "any person" rule off and writes a rule on the Rules tab:
 * the back door camera only, high priority, an instruction, and a time profile painted on the
 * week grid over the current hours; the preview counts what it would have raised. Detections
 * at the hall camera are then events (in the feed, no toast, no alarm state); at the back door
 * they raise a high-priority alarm with its toast, whose drawer shows the rule and the
 * instruction; the operator puts that person on the watchlist from the drawer. The operator disarms the branch from the wall's toolbar: the next detection at
 * the back door is an event, no toast, and the admin's console shows the branch disarmed.
 * Screenshots: artifacts/e2e/alarm-rules-editor-en.png, alarm-rules-list-id.png, alarm-rules-feed.png,
 * alarm-rules-drawer.png, alarm-rules-disarmed.png, alarm-rules-service-level.png.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiClient } from '@pantau/shared';
import {
  ADMIN,
  ARTIFACTS,
  collectErrors,
  freePort,
  launchChromium,
  prepareDataDir,
  signIn,
  startServer,
  stopAll,
} from './support.js';
import { pick, setLanguage } from './console-ui.js';

const OPERATOR = { email: 'sari@e2e.local', name: 'Sari Wulandari', password: 'sari-operator-pw' };
const INSTRUCTION = 'Call the guard post (ext. 21), then watch the back door camera until they arrive.';

let browser: Browser;
const contexts: BrowserContext[] = [];
let adminPage: Page;
let opPage: Page;
const errors: string[][] = [];
let url: string;
let admin: ApiClient;
let device: ApiClient;
let branchId: number;
let seq = 0;

async function openConsole(email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  errors.push(collectErrors(page));
  await page.goto(`${url}/console/`);
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 10_000 });
  return page;
}

/** Posts a detection at a camera and resolves with its event id once the operator's feed shows it. */
async function detect(deviceId: string): Promise<number> {
  const reId = `e2e-rule-${++seq}`;
  const r = await device.logDetection({
    re_id: reId,
    branch_id: branchId,
    device_id: deviceId,
    detected_count: 1,
    event_id: reId,
  });
  expect(r.status).toBe(202);
  let id = 0;
  await expect
    .poll(
      async () => {
        id = (await admin.listEvents({ limit: 50 })).find((e) => e.re_id === reId)?.id ?? 0;
        return id;
      },
      { timeout: 5000 },
    )
    .toBeGreaterThan(0);
  await row(opPage, id).waitFor({ timeout: 3000 });
  return id;
}

const row = (page: Page, id: number) => page.locator(`[data-testid="event-row"][data-event-id="${id}"]`);

beforeAll(async () => {
  const dataDir = prepareDataDir();
  const server = await startServer(await freePort(), dataDir);
  url = server.url;
  admin = await signIn(url);
  const group = await admin.createGroup({ province_code: 'JKT', province_name: 'DKI Jakarta', group_name: 'Jakarta' });
  const branch = await admin.createBranch({
    group_id: group.id,
    branch_code: 'JKT-02',
    branch_name: 'Jakarta Barat',
    city: 'Jakarta',
    timezone: 'Asia/Jakarta',
  });
  branchId = branch.id;
  for (const [device_id, device_name] of [
    ['back-door', 'Back door'],
    ['hall', 'Hall'],
  ] as const)
    await admin.createDevice({ device_id, device_name, device_type: 'camera', branch_id: branchId });
  await admin.createUser({ ...OPERATOR, role: 'operator', scope_branch_ids: [branchId] });
  const cred = await admin.createCredential({ credential_name: 'e2e rules' });
  device = new ApiClient({ baseUrl: url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
  // yesterday's detections for the preview to count: a store-and-forward batch from an edge box,
  // from 10:00 yesterday in Jakarta (UTC+7) on, so all 30 minutes fall on that day whatever the hour now
  const jakartaToday = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const yesterday = Date.parse(`${jakartaToday}T10:00:00+07:00`) - 86_400_000;
  await device.logDetectionBatch({
    detections: Array.from({ length: 30 }, (_, i) => ({
      re_id: `yesterday-${i % 12}`,
      branch_id: branchId,
      device_id: i % 3 === 0 ? 'back-door' : 'hall',
      detected_count: 1,
      detection_timestamp: new Date(yesterday + i * 60_000).toISOString(),
      event_id: `yesterday-${i}`,
    })),
  });
  browser = await launchChromium();
  adminPage = await openConsole(ADMIN.email, ADMIN.password);
  opPage = await openConsole(OPERATOR.email, OPERATOR.password);
  await opPage.getByTestId('event-feed').waitFor({ timeout: 10_000 });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stopAll();
});

describe('alarm rules on the console', () => {
  it('an admin writes a rule on the Rules tab: camera, high priority, instruction, hours painted on the grid, with a preview', async () => {
    const p = adminPage;
    await p.getByTestId('nav-alarms').click();
    await p.getByTestId('alarms-tab-rules').click();
    await p.getByTestId('rules-panel').waitFor();
    const rows = p.getByTestId('rule-row');
    await expect.poll(() => rows.count()).toBe(1);
    // the default rule off: only the new one raises alarms
    await rows.first().getByTestId('rule-enabled').click({ force: true });
    await expect.poll(() => rows.first().getAttribute('data-enabled')).toBe('false');

    await p.getByTestId('rule-new').click();
    const form = p.getByTestId('rule-form');
    await form.waitFor();
    await p.getByTestId('rule-name').fill('Back door, staff hours');
    await pick(p, 'rule-cameras', 'Back door');
    await pick(p, 'rule-priority', 'High');
    await p.getByTestId('rule-instructions').fill(INSTRUCTION);
    await p.getByTestId('rule-cooldown').fill('0');
    // paint: turn "always" off, then drag across the current hour and the next (Jakarta time)
    await p.getByTestId('rule-always').click({ force: true });
    const wall = new Date(Date.now() + 7 * 3600_000);
    const day = (wall.getUTCDay() + 6) % 7;
    const hour = wall.getUTCHours();
    const cell = (h: number) => p.locator(`[data-testid="time-cell"][data-day="${day}"][data-hour="${h}"]`);
    const from = await cell(Math.max(0, hour - 1)).boundingBox();
    const to = await cell(Math.min(23, hour + 1)).boundingBox();
    await p.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
    await p.mouse.down();
    await p.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2, { steps: 8 });
    await p.mouse.up();
    expect(await cell(hour).getAttribute('data-on')).toBe('true');
    expect(await p.locator('[data-testid="time-cell"][data-on="true"]').count()).toBe(
      Math.min(23, hour + 1) - Math.max(0, hour - 1) + 1,
    );
    // the preview counts yesterday's back-door detections (10 of 30) outside these hours or in them
    const preview = p.getByTestId('rule-preview');
    await expect.poll(() => preview.getAttribute('data-detections'), { timeout: 5000 }).toBe('30');
    await p.waitForTimeout(400);
    await p.screenshot({ path: path.join(ARTIFACTS, 'alarm-rules-editor-en.png') });
    await p.getByTestId('rule-save').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => rows.count()).toBe(2);
    // the list in Bahasa Indonesia (the modal covers the header's language switch, so after it)
    await setLanguage(p, 'id');
    await p.waitForTimeout(400);
    await p.screenshot({ path: path.join(ARTIFACTS, 'alarm-rules-list-id.png') });
    await setLanguage(p, 'en');
    const rules = await admin.alarmRules({ branch_id: branchId });
    const made = rules.find((r) => r.name === 'Back door, staff hours')!;
    expect(made).toMatchObject({
      device_ids: ['back-door'],
      priority: 'high',
      instructions: INSTRUCTION,
      cooldown_s: 0,
    });
    expect(made.schedule?.weekly[day]?.length).toBe(1);
  });

  it('at another camera a detection is an event with no toast; at the rule’s camera a high-priority alarm with its instruction', async () => {
    const hall = await detect('hall');
    expect(await row(opPage, hall).getAttribute('data-alarm-state')).toBe('event');
    await opPage.waitForTimeout(500);
    expect(await opPage.locator(`[data-testid="alarm-toast"][data-event-id="${hall}"]`).count()).toBe(0);
    const door = await detect('back-door');
    expect(await row(opPage, door).getAttribute('data-alarm-state')).toBe('new');
    expect(await row(opPage, door).getAttribute('data-priority')).toBe('high');
    const toast = opPage.locator(`[data-testid="alarm-toast"][data-event-id="${door}"]`);
    await toast.waitFor({ timeout: 3000 });
    expect(await toast.getAttribute('data-priority')).toBe('high');
    expect(await toast.textContent()).toContain('Back door, staff hours');
    const stripe = await row(opPage, door).evaluate((el) => getComputedStyle(el).boxShadow);
    expect(stripe).toContain('rgb(253, 126, 20)');
    await opPage.waitForTimeout(300);
    await opPage.screenshot({ path: path.join(ARTIFACTS, 'alarm-rules-feed.png') });
    await row(opPage, door).locator('.feed__time').click();
    await opPage.getByTestId('alarm-instructions').waitFor();
    expect(await opPage.getByTestId('alarm-instructions').textContent()).toContain(INSTRUCTION);
    expect(await opPage.getByTestId('alarm-rule').textContent()).toContain('Back door, staff hours');
    expect(await opPage.getByTestId('alarm-priority').getAttribute('data-priority')).toBe('high');
    // the operator puts the person on the watchlist from the alarm
    await opPage.getByTestId('watchlist-add').click();
    await opPage.getByTestId('watchlist-reason').fill('Tried the back door twice');
    await opPage.getByTestId('watchlist-save').click();
    await expect
      .poll(() => opPage.getByTestId('watchlist-control').getAttribute('data-watched'), { timeout: 3000 })
      .toBe('true');
    const watched = await admin.watchlist();
    expect(watched.map((w) => [w.re_id, w.reason, w.added_by_name])).toEqual([
      [`e2e-rule-${seq}`, 'Tried the back door twice', OPERATOR.name],
    ]);
    await opPage.waitForTimeout(300);
    await opPage.screenshot({ path: path.join(ARTIFACTS, 'alarm-rules-drawer.png') });
    await opPage.keyboard.press('Escape');
  });

  it('the operator disarms the branch from the wall toolbar: no alarm and no toast, and the admin sees it disarmed', async () => {
    const badge = opPage.locator(
      `[data-testid="wall-arming"] [data-testid="arming-badge"][data-branch-id="${branchId}"]`,
    );
    await badge.waitFor();
    expect(await badge.getAttribute('data-armed')).toBe('true');
    await badge.click();
    await opPage.getByTestId('arming-disarm').click();
    await expect.poll(() => badge.getAttribute('data-armed')).toBe('false');
    // the admin's console hears it (arming_updated) on its camera tree
    await adminPage.getByTestId('nav-wall').click();
    const adminBadge = adminPage.locator(
      `[data-testid="tree-branch"][data-id="${branchId}"] [data-testid="arming-badge"]`,
    );
    await expect.poll(() => adminBadge.getAttribute('data-armed'), { timeout: 5000 }).toBe('false');
    const door = await detect('back-door');
    expect(await row(opPage, door).getAttribute('data-alarm-state')).toBe('event');
    await opPage.waitForTimeout(800);
    expect(await opPage.locator(`[data-testid="alarm-toast"][data-event-id="${door}"]`).count()).toBe(0);
    await opPage.screenshot({ path: path.join(ARTIFACTS, 'alarm-rules-disarmed.png') });
    const audit = await admin.auditPage({ entity_type: 'arming', per_page: 5 });
    expect(audit.items[0]).toMatchObject({ action: 'disarm', user_email: OPERATOR.email });
  });

  it('shows the time to acknowledge per branch and operator on the Service level tab', async () => {
    const alarm = (await admin.alarmsPage({ branch_id: branchId, state: 'new' })).items[0]!;
    const op = new ApiClient({ baseUrl: url });
    await op.login({ email: OPERATOR.email, password: OPERATOR.password });
    await op.acknowledgeAlarm(alarm.id, {});
    await adminPage.getByTestId('nav-alarms').click();
    await adminPage.getByTestId('alarms-tab-service-level').click();
    const branchRow = adminPage.locator(`[data-testid="sl-branch-row"][data-branch-id="${branchId}"]`);
    await branchRow.first().waitFor({ timeout: 5000 });
    expect(await adminPage.getByTestId('sl-operator-row').first().textContent()).toContain(OPERATOR.name);
    await adminPage.waitForTimeout(300);
    await adminPage.screenshot({ path: path.join(ARTIFACTS, 'alarm-rules-service-level.png') });
    expect(errors.flat()).toEqual([]);
  });
});
