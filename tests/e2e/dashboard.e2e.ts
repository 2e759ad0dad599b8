/**
 * The dashboard end to end (issue 12): a real server, the console in Chromium and detections
 * posted through the device API. The KPI cards and the hourly chart change without a reload
 * when detections arrive (through `stats_updated`, at most once a second), the charts are the
 * same canvases before and after (updated in place, not re-created), "Live updates" off keeps
 * the figures still, a branch picked narrows them, and a viewer starts on the dashboard. Then a
 * person is opened from the wall's feed: the branch summary cards and the journey (visits in
 * time order across the two branches), the label and note saved, in English and Bahasa Indonesia.
 * Screenshots: artifacts/e2e/admin-dashboard-{en,id}.png, admin-person-{en,id}.png.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ApiClient, type Branch } from '@pantau/shared';
import { ADMIN, collectErrors, freePort, launchChromium, prepareDataDir, startServer, stopAll } from './support.js';
import { pick, setLanguage, shotBoth } from './console-ui.js';

let browser: Browser;
let page: Page;
let errors: string[];
let server: { url: string; child: ChildProcess };
let admin: ApiClient;
let device: ApiClient;
let jakarta: Branch;
let makassar: Branch;
let seq = 0;

beforeAll(async () => {
  server = await startServer(await freePort(), prepareDataDir());
  admin = new ApiClient({ baseUrl: server.url });
  await admin.login({ email: ADMIN.email, password: ADMIN.password });
  const g1 = await admin.createGroup({ province_code: 'JK', province_name: 'DKI Jakarta', group_name: 'Dash Jakarta' });
  const g2 = await admin.createGroup({
    province_code: 'SN',
    province_name: 'Sulawesi Selatan',
    group_name: 'Dash Sulsel',
  });
  jakarta = await admin.createBranch({
    group_id: g1.id,
    branch_code: 'D-JKT',
    branch_name: 'Dash Jakarta',
    city: 'Jakarta',
  });
  makassar = await admin.createBranch({
    group_id: g2.id,
    branch_code: 'D-MKS',
    branch_name: 'Dash Makassar',
    city: 'Makassar',
    timezone: 'Asia/Makassar',
  });
  await admin.createDevice({
    device_id: 'dash-cam-1',
    device_name: 'Lobby',
    device_type: 'camera',
    branch_id: jakarta.id,
  });
  await admin.createDevice({
    device_id: 'dash-cam-2',
    device_name: 'Gate',
    device_type: 'camera',
    branch_id: makassar.id,
  });
  const c = await admin.createCredential({ credential_name: 'dashboard e2e' });
  device = new ApiClient({ baseUrl: server.url, apiKey: { key: c.api_key, secret: c.api_secret } });
  await admin.createUser({
    email: 'viewer@e2e.local',
    name: 'Viewer',
    password: 'viewer-password',
    role: 'viewer',
    scope_all: true,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 }, locale: 'en-GB' });
  errors = collectErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

const post = (branch: Branch, deviceId: string, n: number, reId = () => `dash-p-${seq % 7}`) =>
  Promise.all(
    Array.from({ length: n }, () =>
      device.logDetection({
        re_id: reId(),
        branch_id: branch.id,
        device_id: deviceId,
        detected_count: 1,
        event_id: `dash-${++seq}`,
      }),
    ),
  );
const kpi = (field: string) => page.getByTestId(`kpi-${field}`).getAttribute('data-value');
const number = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

describe('dashboard', () => {
  it('shows the KPIs and charts, and changes them in place as detections arrive, without a reload', async () => {
    await post(jakarta, 'dash-cam-1', 5);
    await page.goto(`${server.url}/console/#/dashboard`);
    await page.getByTestId('sign-in-email').fill(ADMIN.email);
    await page.getByTestId('sign-in-password').fill(ADMIN.password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('dashboard').waitFor({ timeout: 15_000 });
    await expect.poll(async () => number(await kpi('detections_today')), { timeout: 5000 }).toBe(5);
    await page.locator('[data-testid="chart-hourly"] canvas').waitFor();
    // mark the canvases: a chart re-created would be a new element without the mark
    await page.$$eval('[data-testid^="chart-"] canvas', (cs) =>
      cs.forEach((c) => ((c as HTMLCanvasElement).dataset.mark = 'first')),
    );
    const hourBefore = await page.getByTestId('chart-hourly').getAttribute('data-points');
    const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length);

    const started = Date.now();
    await post(jakarta, 'dash-cam-1', 12);
    await post(makassar, 'dash-cam-2', 3, () => 'dash-mks');
    await expect.poll(async () => number(await kpi('detections_today')), { timeout: 5000, interval: 100 }).toBe(20);
    console.log(`20 detections posted → dashboard shows them in ${Date.now() - started} ms`);
    expect(number(await kpi('unique_persons_today'))).toBe(7 + 1);
    const hourAfter = await page.getByTestId('chart-hourly').getAttribute('data-points');
    expect(hourAfter).not.toBe(hourBefore);
    expect(
      hourAfter!
        .split(',')
        .map(Number)
        .reduce((a, b) => a + b, 0),
    ).toBe(20);
    expect(
      await page.$$eval('[data-testid^="chart-"] canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).dataset.mark)),
    ).toEqual(['first', 'first', 'first']);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(loads);
    expect(await page.getByTestId('chart-branches').getAttribute('data-points')).toBe('17,3');
    expect(
      number(await kpi('cameras_online')) +
        number((await page.getByTestId('kpi-cameras_online').textContent())?.match(/(\d+) offline/)?.[1] ?? '0'),
    ).toBe(2);
    // the header's infrastructure light: nothing failed, nothing reconnecting
    expect(await page.getByTestId('health-indicator').getAttribute('data-level')).toBe('ok');
    // in Bahasa Indonesia too, figures unchanged
    await setLanguage(page, 'id');
    expect(await page.getByTestId('kpi-detections_today').textContent()).toMatch(/^Deteksi hari ini20/);
    expect(await page.getByTestId('health-indicator').textContent()).toBe('Sistem normal');
    await setLanguage(page, 'en');
    await shotBoth(page, 'dashboard');
  });

  it('refreshes at most once a second under a burst, and not at all with live updates off', async () => {
    const fetches: number[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/dashboard')) fetches.push(Date.now());
    });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await post(jakarta, 'dash-cam-1', 20);
    await page.waitForTimeout(1500);
    const span = (Date.now() - t0) / 1000;
    expect(fetches.length).toBeGreaterThan(0);
    expect(fetches.length).toBeLessThanOrEqual(Math.ceil(span) + 1);
    for (let i = 1; i < fetches.length; i++) expect(fetches[i]! - fetches[i - 1]!).toBeGreaterThanOrEqual(900);
    await expect.poll(async () => number(await kpi('detections_today')), { timeout: 5000 }).toBe(120);

    await page.getByTestId('dashboard-live').click();
    await page.waitForTimeout(300);
    await post(jakarta, 'dash-cam-1', 4);
    await page.waitForTimeout(2500);
    expect(number(await kpi('detections_today'))).toBe(120);
    // on again: it catches up at once
    await page.getByTestId('dashboard-live').click();
    await expect.poll(async () => number(await kpi('detections_today')), { timeout: 5000 }).toBe(124);
  });

  it('narrows to one branch in its own day', async () => {
    await pick(page, 'dashboard-branch', 'Dash Makassar (D-MKS)');
    await expect.poll(async () => number(await kpi('detections_today')), { timeout: 5000 }).toBe(3);
    expect(await page.getByTestId('chart-branches').getAttribute('data-points')).toBe('3');
    expect(errors).toEqual([]);
  });

  it('opens on the dashboard for a viewer', async () => {
    const viewer = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await viewer.goto(`${server.url}/console/`);
    await viewer.getByTestId('sign-in-email').fill('viewer@e2e.local');
    await viewer.getByTestId('sign-in-password').fill('viewer-password');
    await viewer.getByTestId('sign-in-submit').click();
    await viewer.getByTestId('dashboard').waitFor({ timeout: 15_000 });
    expect(await viewer.getByTestId('nav-dashboard').getAttribute('aria-current')).toBe('page');
    expect(await viewer.getByTestId('kpi-queues').count()).toBe(0);
    await viewer.close();
  });

  it('opens a person from the feed: branch summary, journey across branches, label and note', async () => {
    // one person, seen this morning: two detections at Jakarta 10 minutes apart (one visit), then
    // Makassar, then Jakarta again (three visits)
    const base = Date.now() - 3 * 3600_000;
    const at = (min: number) => new Date(base + min * 60_000).toISOString();
    const send = (branch: Branch, deviceId: string, min: number) =>
      device.logDetection({
        re_id: 'journey-p1',
        branch_id: branch.id,
        device_id: deviceId,
        detected_count: 1,
        detection_timestamp: at(min),
        event_id: `journey-${min}`,
      });
    await send(jakarta, 'dash-cam-1', 0);
    await send(jakarta, 'dash-cam-1', 10);
    await send(makassar, 'dash-cam-2', 70);
    await send(jakarta, 'dash-cam-1', 130);
    await page.getByTestId('nav-wall').click();
    const row = page.locator('[data-testid="feed-person"]', { hasText: 'journey-p1' }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await page.getByTestId('persons-screen').waitFor();
    const detail = page.getByTestId('person-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-re-id')).toBe('journey-p1');
    await expect.poll(() => page.getByTestId('person-branch-card').count(), { timeout: 5000 }).toBe(2);
    const cards = await page.$$eval('[data-testid="person-branch-card"]', (els) =>
      els.map((e) => `${(e as HTMLElement).dataset.branchId}:${(e as HTMLElement).dataset.count}`),
    );
    expect(cards).toEqual([`${jakarta.id}:3`, `${makassar.id}:1`]);
    await expect.poll(() => page.getByTestId('journey-visit').count(), { timeout: 5000 }).toBe(3);
    const visits = await page.$$eval('[data-testid="journey-visit"]', (els) =>
      els.map((e) => `${(e as HTMLElement).dataset.branchId}:${(e as HTMLElement).dataset.count}`),
    );
    expect(visits).toEqual([`${jakarta.id}:2`, `${makassar.id}:1`, `${jakarta.id}:1`]);
    expect(await page.getByTestId('person-detection').count()).toBe(4);

    await page.getByTestId('person-label').fill('Courier, blue jacket');
    await page.getByTestId('person-note').fill('Delivers at Jakarta and Makassar');
    await page.getByTestId('person-save').click();
    await expect
      .poll(async () => (await admin.person('journey-p1')).person_label, { timeout: 5000 })
      .toBe('Courier, blue jacket');
    expect((await admin.person('journey-p1')).note).toBe('Delivers at Jakarta and Makassar');
    // a new detection while the detail is open shows without a reload
    await send(makassar, 'dash-cam-2', 140);
    await expect
      .poll(
        async () =>
          page
            .locator(`[data-testid="person-branch-card"][data-branch-id="${makassar.id}"]`)
            .getAttribute('data-count'),
        {
          timeout: 5000,
        },
      )
      .toBe('2');
    // the persons list finds them by label
    await page.getByTestId('persons-search').fill('courier');
    await expect
      .poll(() => page.$$eval('[data-testid="person-row"]', (els) => els.map((e) => (e as HTMLElement).dataset.reId)), {
        timeout: 5000,
      })
      .toEqual(['journey-p1']);
    await shotBoth(page, 'person');
    expect(errors).toEqual([]);
  });
});
