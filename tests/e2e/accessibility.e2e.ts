/**
 * Accessibility of the console (issue 16, item 11): axe-core (through `@axe-core/playwright`)
 * over the sign-in screen and every screen an admin with scope "everything" can open, with a
 * realistic organisation behind them — the simulator's cameras posting detections (a feed, more
 * than one page of alarms, persons), an API credential with usage bars, a report, a layout — and
 * with the stream form's drawer open. Each screen must have no critical and no serious
 * violation (contrast, names, ARIA); moderate and minor ones are printed, and the cheap ones
 * (one `h1`, landmarks, heading order, content in landmarks) are asserted too.
 *
 * The console has one colour scheme (dark, forced in main.tsx), so only that one is checked.
 * Screenshots: artifacts/e2e/a11y-<screen>.png.
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { ApiClient } from '@pantau/shared';
import {
  ARTIFACTS,
  collectErrors,
  freePort,
  launchChromium,
  prepareDataDir,
  signIn,
  signInConsole,
  startServer,
  startSimulator,
  stopAll,
  waitUntil,
} from './support.js';
import { setLanguage } from './console-ui.js';

/** The console's screens as the navigation names them (nav-store.ts's VIEWS for a scope-all admin). */
const SCREENS = [
  'wall',
  'dashboard',
  'persons',
  'reports',
  'fleet',
  'alarms',
  'layouts',
  'groups',
  'branches',
  'devices',
  'streams',
  'users',
  'credentials',
  'audit',
  'alerts',
  'queues',
] as const;

/**
 * What each screen must show before it is checked, so the check sees realistic content: tiles,
 * the alarm pager, credential usage bars, audit rows, people, failed-job and alert tables.
 */
const CONTENT: Partial<Record<(typeof SCREENS)[number], string>> = {
  wall: 'tile-1',
  persons: 'persons-page',
  alarms: 'alarm-pager',
  credentials: 'credential-usage',
  audit: 'admin-row',
  streams: 'admin-row',
  users: 'admin-row',
};

/** Impacts that fail a screen. */
const BLOCKING = new Set(['critical', 'serious']);
/**
 * Moderate/minor rules that are cheap to keep clean and so are asserted as well: one `h1` per
 * screen, headings in order, every content inside a landmark, landmarks unique and not nested.
 */
const ASSERTED_RULES = new Set([
  'page-has-heading-one',
  'heading-order',
  'region',
  'landmark-one-main',
  'landmark-unique',
  'landmark-no-duplicate-main',
  'landmark-no-duplicate-banner',
  'landmark-main-is-top-level',
  'landmark-banner-is-top-level',
  'empty-heading',
]);

let browser: Browser;
let page: Page;
let errors: string[];
let server: { url: string; child: ChildProcess };
let admin: ApiClient;
/** Every violation seen, by screen, for the summary printed at the end. */
const seen: { screen: string; id: string; impact: string; nodes: number; help: string }[] = [];

/** One line per violation: rule, impact, how many elements, and the first targets. */
function describeViolations(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string[] {
  return violations.map(
    (v) =>
      `${v.impact ?? 'n/a'} ${v.id} (${v.nodes.length}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => `${n.target.join(' ')} ${n.html.slice(0, 200)}${n.any[0] ? ` [${n.any[0].message}]` : ''}`)
        .join(' | ')}`,
  );
}

/**
 * Runs axe over the page as it is and records what it found under `screen`.
 * @returns the violations that fail the screen (critical, serious, or an asserted rule), one line each
 */
async function audit(screen: string): Promise<string[]> {
  // animations (drawer slide, fades) end first: axe reads colours mid-transition otherwise
  await page.waitForTimeout(400);
  const result = await new AxeBuilder({ page }).analyze();
  for (const v of result.violations)
    seen.push({ screen, id: v.id, impact: v.impact ?? 'n/a', nodes: v.nodes.length, help: v.help });
  const failing = result.violations.filter((v) => BLOCKING.has(v.impact ?? '') || ASSERTED_RULES.has(v.id));
  const rest = result.violations.filter((v) => !failing.includes(v));
  if (rest.length) console.log(`[a11y] ${screen}: not asserted\n  ${describeViolations(rest).join('\n  ')}`);
  await page.screenshot({ path: path.join(ARTIFACTS, `a11y-${screen}.png`) });
  return describeViolations(failing);
}

/** Opens a screen from the navigation and waits until its data has loaded (no loader left). */
async function open(screen: (typeof SCREENS)[number]): Promise<void> {
  await page.getByTestId(`nav-${screen}`).click();
  await page.waitForFunction(
    (view) =>
      document.querySelector(`[data-view="${view}"]`) !== null &&
      document.querySelector('.console__main .mantine-Loader-root') === null,
    screen,
    { timeout: 15_000 },
  );
  await page.waitForTimeout(600);
}

beforeAll(async () => {
  server = await startServer(await freePort(), prepareDataDir());
  // 4 cameras posting 6 detections/s: a live feed, persons, and over a page (50) of alarms
  await startSimulator(server.url, { cameras: 4, rate: 6, rtspPort: await freePort() });
  admin = await signIn(server.url);
  // The demo turns "any person is an alarm" off (alarms come from its watchlist only); back on,
  // every detection is an alarm, so the alarm list has more than one page (50 a page).
  for (const branch of await admin.listBranches()) {
    await waitUntil(
      async () => (await admin.alarmRules({ branch_id: branch.id })).length > 1,
      30_000,
      'the demo alarm rules',
    );
    const anyPerson = (await admin.alarmRules({ branch_id: branch.id })).find(
      (r) => r.condition.type === 'any_person',
    )!;
    await admin.updateAlarmRule(anyPerson.id, { enabled: true });
  }
  await waitUntil(
    async () => ((await admin.alarmsPage({ per_page: 1, state: 'new' }).catch(() => null))?.meta.total ?? 0) > 60,
    60_000,
    'over 60 new alarms',
  );
  // then off again: a toast every few hundred ms would be mid-fade (half-transparent text) in every check
  for (const branch of await admin.listBranches()) {
    const anyPerson = (await admin.alarmRules({ branch_id: branch.id })).find(
      (r) => r.condition.type === 'any_person',
    )!;
    await admin.updateAlarmRule(anyPerson.id, { enabled: false });
  }
  const cred = await admin.createCredential({ credential_name: 'Gate box', rate_limit_per_hour: 500 });
  const device = new ApiClient({ baseUrl: server.url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
  // the credential's usage (its bars on the credentials screen) comes from detections it posted
  const camera = (await admin.listDevices()).find((d) => d.device_type === 'camera')!;
  for (let i = 0; i < 5; i++)
    await device.logDetection({
      re_id: `a11y-${i}`,
      branch_id: camera.branch_id,
      device_id: camera.device_id,
      detected_count: 1,
      event_id: `a11y-${i}`,
    });
  browser = await launchChromium();
  // axe opens a blank page of the same context to gather its results: browser.newPage() has none to give
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'en-GB' });
  page = await context.newPage();
  errors = collectErrors(page);
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail')
    await page
      ?.screenshot({ path: `${ARTIFACTS}/a11y-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png` })
      .catch(() => undefined);
});

afterAll(async () => {
  const byRule = new Map<string, { impact: string; screens: string[] }>();
  for (const s of seen) {
    const r = byRule.get(s.id) ?? { impact: s.impact, screens: [] };
    r.screens.push(s.screen);
    byRule.set(s.id, r);
  }
  console.log(
    `[a11y] summary: ${seen.length} violations\n  ${[...byRule]
      .map(([id, r]) => `${r.impact} ${id}: ${r.screens.join(', ')}`)
      .join('\n  ')}`,
  );
  await browser?.close();
  await stopAll();
});

describe('accessibility (axe-core)', () => {
  it('sign-in has no critical or serious violation', async () => {
    await page.goto(`${server.url}/console/`);
    await page.getByTestId('sign-in-form').waitFor({ timeout: 15_000 });
    expect(await audit('sign-in')).toEqual([]);
    await setLanguage(page, 'id');
    expect(await audit('sign-in-id')).toEqual([]);
    await setLanguage(page, 'en');
  });

  it.each(SCREENS)('%s has no critical or serious violation', async (screen) => {
    if (screen === 'wall') {
      await signInConsole(page, server.url);
      await page.getByTestId('nav-wall').waitFor();
    }
    await open(screen);
    const content = CONTENT[screen];
    if (content) await page.getByTestId(content).first().waitFor({ timeout: 15_000 });
    expect(await audit(screen)).toEqual([]);
  });

  it('wall tiles are named groups reached with Tab, maximised with Enter, their status a live region', async () => {
    await open('wall');
    const tile = page.getByTestId('tile-1');
    const name = await tile.locator('.tile__name').textContent();
    expect(await page.getByRole('group', { name: name! }).getAttribute('data-testid')).toBe('tile-1');
    expect(await tile.getByTestId('status-chip').getAttribute('role')).toBe('status');
    await tile.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => tile.getAttribute('data-maximized')).toBe('true');
    expect(await audit('wall-maximised')).toEqual([]);
    await page.keyboard.press('Enter');
    await expect.poll(() => tile.getAttribute('data-maximized')).toBe('false');
  });

  it("an audit row's details open from a button that says so (aria-expanded on the button, not the row)", async () => {
    await open('audit');
    const row = page.getByTestId('admin-row').first();
    expect(await row.getAttribute('aria-expanded')).toBeNull();
    const toggle = row.getByTestId('row-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await page.getByTestId('row-expanded').waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await audit('audit-expanded')).toEqual([]);
    await toggle.click();
  });

  it('the alarms pager is named in Bahasa Indonesia too', async () => {
    await open('alarms');
    const pager = page.getByTestId('alarm-pager');
    await pager.waitFor();
    expect(await pager.getByRole('button', { name: 'Next page' }).count()).toBe(1);
    await setLanguage(page, 'id');
    expect(await pager.getByRole('button', { name: 'Halaman berikutnya' }).count()).toBe(1);
    expect(await pager.getByRole('button', { name: 'Halaman 2', exact: true }).count()).toBe(1);
    expect(await audit('alarms-id')).toEqual([]);
    await setLanguage(page, 'en');
  });

  it('the stream form drawer has no critical or serious violation', async () => {
    await open('streams');
    await page.getByTestId('create-button').click();
    await page.getByTestId('form-drawer').waitFor();
    expect(await audit('stream-form')).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('ran without console errors', () => {
    expect(errors).toEqual([]);
  });
});
