/**
 * Counting reports end to end (issue 13): a real server, the console in Chromium, detections
 * posted through the device API for a past day at a WITA branch. The reports screen asks for the
 * day's report, shows the server generating it, then the report (totals, the hourly chart, the
 * device and top-person tables); each export downloads and reads back (pdftotext finds the
 * branch, the period and the total; the CSV's total row; the XLSX is a zip); a late batch for
 * the day makes the report stale and it comes back "updated with 3 late detections"; the weekly
 * report has its seven days. An admin sets the branch's daily report recipients (a bad number
 * refused with its reason and nothing stored; then two numbers in English); after a restart the
 * catch-up sends yesterday's report to both as a WhatsApp document (the Cloud API stand-in), and
 * the report view lists the two deliveries.
 * Screenshots: artifacts/e2e/admin-reports-{en,id}.png, admin-report-recipients-{en,id}.png,
 * admin-report-deliveries-{en,id}.png.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ApiClient, type Branch } from '@pantau/shared';
import { WhatsAppStandIn } from '../../apps/server/src/test-support/whatsapp-stand-in.js';
import {
  ADMIN,
  collectErrors,
  freePort,
  launchChromium,
  prepareDataDir,
  startServer,
  stop,
  stopAll,
} from './support.js';
import { pick, shotBoth } from './console-ui.js';

let browser: Browser;
let page: Page;
let errors: string[];
let server: { url: string; child: ChildProcess };
let admin: ApiClient;
let device: ApiClient;
let makassar: Branch;
let seq = 0;
let port: number;
let dataDir: string;
let standIn: WhatsAppStandIn;
const DAY = '2026-11-10';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-reports-e2e-'));

beforeAll(async () => {
  port = await freePort();
  dataDir = prepareDataDir();
  server = await startServer(port, dataDir);
  standIn = await WhatsAppStandIn.start();
  admin = new ApiClient({ baseUrl: server.url });
  await admin.login({ email: ADMIN.email, password: ADMIN.password });
  const g = await admin.createGroup({
    province_code: 'SN',
    province_name: 'Sulawesi Selatan',
    group_name: 'Rep Sulsel',
  });
  makassar = await admin.createBranch({
    group_id: g.id,
    branch_code: 'R-MKS',
    branch_name: 'Makassar Pettarani',
    city: 'Makassar',
    timezone: 'Asia/Makassar',
  });
  await admin.createDevice({
    device_id: 'rep-cam-1',
    device_name: 'Entrance',
    device_type: 'camera',
    branch_id: makassar.id,
  });
  await admin.createDevice({
    device_id: 'rep-cam-2',
    device_name: 'Cashier',
    device_type: 'camera',
    branch_id: makassar.id,
  });
  const c = await admin.createCredential({ credential_name: 'reports e2e' });
  device = new ApiClient({ baseUrl: server.url, apiKey: { key: c.api_key, secret: c.api_secret } });
  // 12 detections on DAY (WITA): 09:xx ×6 at the entrance, 14:xx ×4 and 23:30 ×2 at the cashier
  const at = (hhmm: string) => `${DAY}T${hhmm}:00.000+08:00`;
  const plan: Array<[string, string, string]> = [
    ...Array.from({ length: 6 }, (_, i): [string, string, string] => ['rep-cam-1', at(`09:0${i}`), `rp-${i % 3}`]),
    ...Array.from({ length: 4 }, (_, i): [string, string, string] => ['rep-cam-2', at(`14:1${i}`), `rp-${i % 2}`]),
    ['rep-cam-2', at('23:30'), 'rp-9'],
    ['rep-cam-2', at('23:31'), 'rp-9'],
  ];
  for (const [dev, ts, reId] of plan)
    await device.logDetection({
      re_id: reId,
      branch_id: makassar.id,
      device_id: dev,
      detected_count: 1,
      detection_timestamp: ts,
      event_id: `rep-${++seq}`,
    });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, locale: 'en-GB', acceptDownloads: true });
  errors = collectErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
  await standIn?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const report = () => page.getByTestId('report');

describe('reports', () => {
  it("generates a branch's daily report from the screen and shows it", async () => {
    await page.goto(`${server.url}/console/#/reports`);
    await page.getByTestId('sign-in-email').fill(ADMIN.email);
    await page.getByTestId('sign-in-password').fill(ADMIN.password);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('reports').waitFor({ timeout: 15_000 });
    await page.getByTestId('report-date').fill(DAY);
    await pick(page, 'report-branch', 'Makassar Pettarani');
    await expect.poll(() => report().getAttribute('data-total'), { timeout: 15_000 }).toBe('12');
    expect(await page.getByTestId('report-kpi-unique_person_count').getAttribute('data-value')).toBe('4');
    expect(await page.getByTestId('report-kpi-peak_hour').getAttribute('data-value')).toBe('9');
    const hours = (await page.getByTestId('report-chart-hourly').getAttribute('data-points'))!.split(',').map(Number);
    expect(hours).toHaveLength(24);
    expect([hours[9], hours[14], hours[23]]).toEqual([6, 4, 2]);
    expect(await page.getByTestId('report-devices').locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^Entrance\s+Makassar Pettarani\s+6\s+6$/),
      expect.stringMatching(/^Cashier\s+Makassar Pettarani\s+6\s+6$/),
    ]);
    expect(await page.getByTestId('report-persons').locator('tbody tr').count()).toBe(4);
    await shotBoth(page, 'reports');
  });

  it('downloads the PDF, CSV and XLSX, and other readers read them back', async () => {
    const save = async (format: string) => {
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(`report-export-${format}`).click(),
      ]);
      expect(dl.suggestedFilename()).toMatch(new RegExp(`^pantau-daily-${DAY}-makassar-pettarani\\.${format}$`));
      const file = path.join(dir, dl.suggestedFilename());
      await dl.saveAs(file);
      return file;
    };
    const pdf = execFileSync('pdftotext', ['-layout', await save('pdf'), '-'], { encoding: 'utf8' });
    expect(pdf).toContain('Makassar Pettarani');
    expect(pdf).toContain(DAY);
    expect(pdf).toMatch(/Detections[\s\S]*12/);
    const csv = fs.readFileSync(await save('csv'), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\r\n')[1]).toMatch(/^total,daily,2026-11-10,+12,12,4,,$/);
    const xlsx = fs.readFileSync(await save('xlsx'));
    expect(xlsx.subarray(0, 2).toString()).toBe('PK');
  });

  it('shows the report updated with late detections after an edge box replays its buffer', async () => {
    const r = await device.logDetectionBatch({
      detections: [1, 2, 3].map((i) => ({
        re_id: `rp-late-${i}`,
        branch_id: makassar.id,
        device_id: 'rep-cam-1',
        detected_count: 1,
        detection_timestamp: `${DAY}T1${i}:00:00.000+08:00`,
        event_id: `rep-late-${i}`,
      })),
    });
    expect(r.accepted).toBe(3);
    // asked again (another period and back), the server finds it stale and regenerates it
    await page.getByTestId('report-type').getByText('Weekly').click();
    await expect.poll(() => page.getByTestId('report-chart-days').count(), { timeout: 10_000 }).toBe(1);
    const days = (await page.getByTestId('report-chart-days').getAttribute('data-points'))!.split(',').map(Number);
    expect(days).toHaveLength(7);
    expect(days[1]).toBe(15); // 2026-11-10 is the Tuesday of its week
    await page.getByTestId('report-type').getByText('Daily').click();
    try {
      await expect.poll(() => report().getAttribute('data-total'), { timeout: 15_000 }).toBe('15');
    } catch (e) {
      // what the server says, beside what the screen shows
      await page.screenshot({ path: path.join(dir, '..', 'pantau-reports-late.png') });
      const r = await admin.report('daily', { branch_id: makassar.id, date: DAY });
      console.log('server:', JSON.stringify({ status: r.status, ...(r.data as object), report_data: undefined }));
      throw e;
    }
    await expect
      .poll(() => page.getByTestId('report-late').textContent(), { timeout: 10_000 })
      .toMatch(/^Updated at \d\d:\d\d with 3 late detections$/);
    expect(await page.getByTestId('report-stale').count()).toBe(0);
  });

  it("sets a branch's daily report recipients: a wrong number is refused with its reason, a good list is saved", async () => {
    const row = page.getByTestId(`recipients-row-b${makassar.id}`);
    await row.scrollIntoViewIfNeeded();
    expect(await row.innerText()).toMatch(/No recipients/);
    await page.getByTestId(`recipients-edit-b${makassar.id}`).click();
    const phones = page.getByTestId('recipients-phones');
    await phones.fill('12345');
    await phones.press('Enter');
    await page.getByTestId('recipients-save').click();
    await expect
      .poll(() => page.getByTestId('recipients-form').innerText(), { timeout: 10_000 })
      .toMatch(/not a valid international number/);
    // nothing was stored by the refusal
    expect(await admin.listReportRecipients()).toEqual([]);
    // the refused number off again (Backspace in the empty field removes the last one)
    await phones.press('Backspace');
    await phones.fill('+62 811 4400 1234');
    await phones.press('Enter');
    await phones.fill('+6281344005678');
    await phones.press('Enter');
    await page.getByTestId('recipients-language').click();
    await page.getByRole('option', { name: 'English' }).click();
    await page.getByTestId('recipients-save').click();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/\+6281144001234, \+6281344005678/);
    expect(await row.innerText()).toMatch(/English/);
    expect(await admin.listReportRecipients()).toEqual([
      expect.objectContaining({
        branch_id: makassar.id,
        phones: ['+6281144001234', '+6281344005678'],
        language: 'en',
        enabled: true,
      }),
    ]);
    await page.getByTestId('report-recipients').scrollIntoViewIfNeeded();
    await shotBoth(page, 'report-recipients');
  });

  it("sends yesterday's report to its recipients after a restart, and shows the deliveries under the report", async () => {
    // the provider: the Cloud API stand-in
    await admin.saveProviderSettings({
      provider: 'whatsapp_cloud',
      config: { base_url: standIn.url, phone_number_id: '1234567890' },
      secrets: { token: 'reports-e2e-token' },
    });
    // yesterday in Makassar (WITA) counted someone; the server was down at 01:00
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar' }).format(
      new Date(Date.now() - 86_400_000),
    );
    await device.logDetection({
      re_id: 'rp-yesterday',
      branch_id: makassar.id,
      device_id: 'rep-cam-1',
      detected_count: 2,
      detection_timestamp: `${yesterday}T10:00:00.000+08:00`,
      event_id: `rep-${++seq}`,
    });
    // counted before the restart (a 202 is "accepted": the detection job applies it a moment later)
    await expect
      .poll(
        () =>
          admin.person('rp-yesterday').then(
            () => true,
            () => false,
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    const errorsBefore = errors.length;
    await stop(server.child);
    server = await startServer(port, dataDir);
    // the startup catch-up makes yesterday's report and sends it to both numbers as a document
    await expect
      .poll(() => standIn.requests.filter((r) => r.path.endsWith('/messages')).length, { timeout: 30_000 })
      .toBe(2);
    const sent = standIn.requests
      .filter((r) => r.path.endsWith('/messages'))
      .map((r) => r.body as { to: string; type: string });
    expect(sent.map((b) => [b.to, b.type]).sort()).toEqual([
      ['6281144001234', 'document'],
      ['6281344005678', 'document'],
    ]);
    // made in the report thread of the built server (it stays a minute after its last report)
    expect((await admin.health()).worker.report_thread).toBe('running');
    // the console (reconnected by itself) shows the day's report with its two deliveries
    await page.getByTestId('report-date').fill(yesterday);
    await expect.poll(() => report().getAttribute('data-total'), { timeout: 30_000 }).toBe('1');
    // what the page logged while the server was away (its reconnect attempts) is expected, and so
    // is a 503 from the server while it closes (Fastify answers requests that arrive during a
    // graceful close with 503: CI caught the console's feed poll in that window)
    const whileDown = errors.splice(errorsBefore);
    expect(
      whileDown.every((e) =>
        /net::ERR_(CONNECTION_(REFUSED|RESET)|EMPTY_RESPONSE)|status of 503 \(Service Unavailable\)/.test(e),
      ),
      whileDown.join('\n'),
    ).toBe(true);
    const rows = page.getByTestId('deliveries-table').getByTestId('delivery-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    await page.getByText('Sent to recipients (WhatsApp)').waitFor();
    const texts = await rows.allInnerTexts();
    expect(
      texts.every((t) => /Daily report/.test(t)),
      texts.join('\n'),
    ).toBe(true);
    await expect
      .poll(() => rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-status')).sort()), { timeout: 10_000 })
      .toEqual(['sent', 'sent']);
    // the live connection back too (it retries with backoff), before the pictures
    await expect
      .poll(() => page.getByTestId('connection-indicator').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('connected');
    await page.getByTestId('deliveries-table').scrollIntoViewIfNeeded();
    await shotBoth(page, 'report-deliveries');
  });

  it('logged no errors in the page (but the refused recipients save)', () => {
    const rest = errors.filter((e) => !/status of 400 \(Bad Request\) \(at report-recipients:/.test(e));
    expect(rest, rest.join('\n')).toEqual([]);
  });
});
