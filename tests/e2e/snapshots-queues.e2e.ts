/**
 * Snapshots and the queue monitor end to end (issue 5): a real server (the `pantau` CLI) and
 * the console in Chromium.
 *
 * 1. A camera posts a detection as multipart with a real JPEG (a 1920×1080 ffmpeg test
 *    picture): the feed shows its thumbnail once the image job is done, and a click opens the
 *    stamped full image in a modal (loaded through its signed link).
 * 2. The queue monitor lists every queue live and a failed image job with its error, attempts
 *    and payload; retrying it from the screen runs it for real: the job leaves the failed list
 *    and the event's thumbnail appears in the feed. The failed job is the state the worker
 *    leaves when an image job spends its 10/30/60 s retries because its original was not
 *    readable (a storage volume away): a failed_jobs row written the way the queue writes it,
 *    while the original file comes back — the 100 s retry window is not waited out here.
 * 3. The queue-size alert: 10,050 jobs stuck in a queue raise a toast on the wall (not only on
 *    the monitor), whose button opens the queue monitor; draining them brings the all-clear.
 * Screenshots: artifacts/e2e/snapshot-feed-en.png, snapshot-modal-en.png,
 * queue-monitor-en.png, queue-monitor-id.png and queue-alert-en.png.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROUTES, type ApiClient } from '@pantau/shared';
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
import { setLanguage } from './console-ui.js';

let browser: Browser;
let page: Page;
let errors: string[];
let url: string;
let dataDir: string;
let admin: ApiClient;
let credential: { key: string; secret: string };
let branchId: number;
let jpeg: Buffer;

/** A real JPEG: one frame of ffmpeg's test pattern, 1920×1080. */
function ffmpegJpeg(): Buffer {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-jpeg-')), 'frame.jpg');
  const r = spawnSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1920x1080:rate=1',
    '-frames:v',
    '1',
    '-q:v',
    '3',
    out,
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${String(r.stderr)}`);
  return fs.readFileSync(out);
}

/** Post a multipart detection with the JPEG; resolves with the event id once the server made it. */
async function postWithSnapshot(reId: string): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries({
    re_id: reId,
    branch_id: branchId,
    device_id: 'snap-cam',
    detected_count: 2,
    event_id: reId,
  }))
    form.append(k, String(v));
  form.append('snapshot', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'lobby.jpg');
  const res = await fetch(`${url}${ROUTES.logDetection.path}`, {
    method: 'POST',
    headers: { 'x-api-key': credential.key, 'x-api-secret': credential.secret },
    body: form,
  });
  expect(res.status).toBe(202);
  return eventIdOf(reId);
}

async function eventIdOf(reId: string): Promise<number> {
  let id = 0;
  await expect
    .poll(
      async () => {
        id = (await admin.listEvents({ limit: 50 })).find((e) => e.re_id === reId)?.id ?? 0;
        return id;
      },
      { timeout: 10_000 },
    )
    .toBeGreaterThan(0);
  return id;
}

const thumb = (id: number) => page.locator(`[data-testid="snapshot-thumb"][data-event-id="${id}"]`);
/** Whether an image element has really loaded (decoded, non-zero size). */
const loaded = (selector: string) =>
  page
    .locator(selector)
    .evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0);

beforeAll(async () => {
  dataDir = prepareDataDir();
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
  await admin.createDevice({ device_id: 'snap-cam', device_name: 'Lobby', device_type: 'camera', branch_id: branchId });
  const c = await admin.createCredential({ credential_name: 'e2e snapshots' });
  credential = { key: c.api_key, secret: c.api_secret };
  jpeg = ffmpegJpeg();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 }, locale: 'en-GB' });
  errors = collectErrors(page);
  await page.goto(`${url}/console/`);
  await page.getByTestId('sign-in-email').fill(ADMIN.email);
  await page.getByTestId('sign-in-password').fill(ADMIN.password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('event-feed').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor({ timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

describe('snapshots and the queue monitor', () => {
  it('shows the thumbnail of a detection posted with a JPEG, and opens the stamped image', async () => {
    const id = await postWithSnapshot('snap-visitor');
    await thumb(id).waitFor({ timeout: 15_000 });
    await expect
      .poll(() => loaded(`[data-testid="snapshot-thumb"][data-event-id="${id}"] img`), { timeout: 5000 })
      .toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'snapshot-feed-en.png') });
    await thumb(id).click();
    await page.getByTestId('snapshot-image').waitFor({ timeout: 5000 });
    await expect.poll(() => loaded('[data-testid="snapshot-image"]'), { timeout: 10_000 }).toBe(true);
    const size = await page
      .getByTestId('snapshot-image')
      .evaluate((el) => [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight]);
    expect(size).toEqual([1920, 1080]);
    // the image came through a signed /files/ link, not a path on the server
    expect(await page.getByTestId('snapshot-image').getAttribute('src')).toMatch(
      /\/files\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/,
    );
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'snapshot-modal-en.png') });
    // closing the modal does not open the alarm drawer behind it
    await page.keyboard.press('Escape');
    await page.getByTestId('snapshot-image').waitFor({ state: 'detached' });
  });

  it('lists a failed image job on the queue monitor and retries it from there', async () => {
    // an event whose image job failed: posted as JSON, its original stored by hand, the job in failed_jobs
    const reId = 'snap-retry';
    const device = await fetch(`${url}${ROUTES.logDetection.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': credential.key, 'x-api-secret': credential.secret },
      body: JSON.stringify({ re_id: reId, branch_id: branchId, device_id: 'snap-cam', detected_count: 1 }),
    });
    expect(device.status).toBe(202);
    const eventId = await eventIdOf(reId);
    const original = `events/recovered/${eventId}_e2e.jpg`;
    fs.mkdirSync(path.join(dataDir, 'storage', 'events', 'recovered'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'storage', original), jpeg);
    const db = new SQLite(path.join(dataDir, 'pantau.sqlite'));
    db.pragma('busy_timeout = 5000');
    db.prepare(
      `INSERT INTO failed_jobs (job_id, queue, type, payload, attempts, error, failed_at) VALUES (?, 'images', 'image.process', ?, 4, ?, ?)`,
    ).run(
      9001,
      JSON.stringify({ event_log_id: eventId, branch_id: branchId, original }),
      `ENOENT: no such file or directory, open '${path.join(dataDir, 'storage', original)}'`,
      new Date().toISOString(),
    );
    db.close();

    await page.getByTestId('nav-queues').click();
    await page.getByTestId('queue-monitor').waitFor();
    const images = page.locator('[data-testid="queue-row"][data-queue="images"]');
    await expect.poll(() => images.getAttribute('data-failed'), { timeout: 10_000 }).toBe('1');
    expect(await images.getAttribute('data-health')).toBe('failed');
    expect(
      await page
        .locator('[data-testid="queue-row"]')
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.queue)),
    ).toEqual(['critical', 'notifications', 'detections', 'images', 'reports', 'maintenance']);
    const failedRow = page.locator('[data-testid="failed-row"][data-type="image.process"]');
    await failedRow.waitFor();
    await failedRow.click();
    await expect.poll(() => page.getByTestId('failed-payload').textContent()).toContain(`"event_log_id": ${eventId}`);
    for (const language of ['en', 'id'] as const) {
      await setLanguage(page, language);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(ARTIFACTS, `queue-monitor-${language}.png`) });
    }
    await setLanguage(page, 'en');

    await failedRow.getByTestId('failed-retry').click();
    await page.getByTestId('failed-empty').waitFor({ timeout: 10_000 });
    await expect.poll(() => images.getAttribute('data-failed'), { timeout: 10_000 }).toBe('0');
    expect((await admin.failedJobsPage()).meta.total).toBe(0);
    // the retried job really ran: the event has its snapshot and the feed shows it
    await expect
      .poll(async () => (await admin.listEvents({ limit: 10 })).find((e) => e.id === eventId)?.snapshot, {
        timeout: 10_000,
      })
      .toBe('ready');
    await page.getByTestId('nav-wall').click();
    await thumb(eventId).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  });

  it('raises the queue-size alert on any screen: a toast when a queue passes 10,000 waiting jobs, with the way to the monitor, and one when it drains', async () => {
    // a backlog as a stuck worker leaves it: 10,050 maintenance jobs due in an hour (`delayed`, so no
    // worker takes them; they count as waiting)
    const db = new SQLite(path.join(dataDir, 'pantau.sqlite'));
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare(
      `INSERT INTO jobs (queue, type, payload, priority, status, attempts, max_attempts, run_at, created_at) VALUES ('maintenance', 'e2e.backlog', '{}', 0, 'delayed', 0, 1, ?, ?)`,
    );
    const due = Date.now() + 3_600_000;
    db.transaction(() => {
      for (let i = 0; i < 10_050; i++) insert.run(due, new Date().toISOString());
    })();
    db.close();

    // the operator is on the wall, not on the queue monitor
    expect(await page.getByTestId('nav-wall').getAttribute('aria-current')).toBe('page');
    const over = page.locator('[data-testid="queue-alert"][data-queue="maintenance"][data-state="over"]');
    await over.waitFor({ timeout: 10_000 });
    expect(await over.textContent()).toMatch(/Queue backed up: Maintenance.*10,050 jobs are waiting/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue-alert-en.png') });
    await over.getByTestId('queue-alert-open').click();
    await page.getByTestId('queue-monitor').waitFor();
    const maintenance = page.locator('[data-testid="queue-row"][data-queue="maintenance"]');
    await expect.poll(() => maintenance.getAttribute('data-health'), { timeout: 10_000 }).toBe('over');
    await over.waitFor({ state: 'detached' });

    // the backlog drains: the all-clear toast, once
    const drain = new SQLite(path.join(dataDir, 'pantau.sqlite'));
    drain.pragma('busy_timeout = 5000');
    drain.prepare(`DELETE FROM jobs WHERE type = 'e2e.backlog'`).run();
    drain.close();
    await page
      .locator('[data-testid="queue-alert"][data-queue="maintenance"][data-state="under"]')
      .waitFor({ timeout: 10_000 });
    await expect.poll(() => maintenance.getAttribute('data-health'), { timeout: 10_000 }).not.toBe('over');
    expect(await page.locator('[data-testid="queue-alert"]').count()).toBe(1);
    await page.getByTestId('nav-wall').click();
    expect(errors).toEqual([]);
  });
});
