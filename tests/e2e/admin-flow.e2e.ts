/**
 * The admin flow end to end (issue 3): a real server on an empty data directory and the
 * console in Chromium. The first admin is created on the first-run setup screen; they create a
 * group, a branch, a camera and its stream, and an operator limited to that branch, all through
 * the admin screens (bad input shows the server's field error and creates nothing; deletes ask
 * first). The operator then signs in and sees exactly that camera in the tree and only that
 * branch's events in the feed, in the site's time zone, and no admin navigation. Every admin
 * screen is photographed in English and Bahasa Indonesia: artifacts/e2e/admin-*.png.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ApiClient, type Branch } from '@pantau/shared';
import {
  ADMIN,
  ARTIFACTS,
  collectErrors,
  emptyDataDir,
  freePort,
  launchChromium,
  startServer,
  stopAll,
} from './support.js';
import { fieldError, openView, pick, rowIds, setLanguage, shotBoth, shotBothWith } from './console-ui.js';

const OPERATOR = { email: 'operator@e2e.local', password: 'operator-pass-1', name: 'Sari Operator' };
/** The site made through the screens; its time zone differs from the default on purpose. */
const SITE = {
  province: 'JB',
  group: 'Jawa Barat',
  branchCode: 'BDG-01',
  branch: 'Bandung Dago',
  camera: 'BDG-CAM-01',
  cameraName: 'Lobby Entrance',
  timezone: 'Asia/Makassar',
};

let browser: Browser;
let page: Page;
let errors: string[];
let server: { url: string; child: ChildProcess };
/** The e2e admin over the API, to check what the screens did and to set up the other site. */
let admin: ApiClient;
let branch: Branch;
let otherBranch: Branch;

beforeAll(async () => {
  for (const f of fs.readdirSync(ARTIFACTS)) if (f.startsWith('admin-failed-')) fs.rmSync(`${ARTIFACTS}/${f}`);
  server = await startServer(await freePort(), emptyDataDir());
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 900 }, locale: 'en-GB' });
  errors = collectErrors(page);
});

// A failing step leaves a picture of what the console showed.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail')
    await page
      ?.screenshot({ path: `${ARTIFACTS}/admin-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png` })
      .catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

const byTestId = (id: string) => page.getByTestId(id);
const save = async () => byTestId('form-save').click();
const drawerClosed = () => page.locator('[data-testid="form-drawer"]').waitFor({ state: 'detached', timeout: 10_000 });
const cancelForm = async () => {
  await byTestId('form-cancel').click();
  await drawerClosed();
};

describe('admin flow', () => {
  it('first run: the setup screen creates the first admin, refusing a short password beside the field', async () => {
    await page.goto(`${server.url}/console/`);
    await byTestId('setup-form').waitFor({ timeout: 10_000 });
    await shotBoth(page, 'setup');
    await byTestId('setup-name').fill('E2E Admin');
    await byTestId('setup-email').fill(ADMIN.email);
    await byTestId('setup-password').fill('short');
    await byTestId('setup-repeat').fill('short');
    await byTestId('setup-submit').click();
    await expect.poll(async () => (await fieldError(page, 'setup-password')).invalid).toBe(true);
    expect((await fieldError(page, 'setup-password')).text).toMatch(/8/);
    expect((await new ApiClient({ baseUrl: server.url }).setupState()).needs_setup).toBe(true);
    await byTestId('setup-password').fill(ADMIN.password);
    await byTestId('setup-repeat').fill(ADMIN.password);
    await byTestId('setup-submit').click();
    await byTestId('wall-view').waitFor({ timeout: 10_000 });
    expect(await byTestId('nav').isVisible()).toBe(true);
    admin = new ApiClient({ baseUrl: server.url });
    await admin.login({ email: ADMIN.email, password: ADMIN.password });
  });

  it('creates a group; bad input shows the server error beside the field and creates nothing', async () => {
    await openView(page, 'groups');
    await byTestId('create-button').click();
    await byTestId('field-province_code').fill('not valid!');
    await byTestId('field-province_name').fill(SITE.group);
    await byTestId('field-group_name').fill(SITE.group);
    await save();
    await expect.poll(async () => (await fieldError(page, 'field-province_code')).invalid).toBe(true);
    expect((await fieldError(page, 'field-province_code')).text).toMatch(/letters, digits/i);
    expect((await admin.groupsPage()).meta.total).toBe(0);
    await cancelForm();
    await shotBothWith(
      page,
      'group-form-error',
      async () => {
        await byTestId('create-button').click();
        await byTestId('field-province_code').fill('not valid!');
        await save();
        await expect.poll(async () => (await fieldError(page, 'field-province_code')).invalid).toBe(true);
      },
      cancelForm,
    );
    await byTestId('create-button').click();
    await byTestId('field-province_name').fill(SITE.group);
    await byTestId('field-group_name').fill(SITE.group);
    await byTestId('field-province_code').fill(SITE.province);
    await save();
    await drawerClosed();
    await expect.poll(() => rowIds(page)).toHaveLength(1);
    // a second group with the same code: the 409 lands beside the code too
    await byTestId('create-button').click();
    await byTestId('field-province_code').fill(SITE.province);
    await byTestId('field-province_name').fill('Duplicate');
    await byTestId('field-group_name').fill('Duplicate');
    await save();
    await expect.poll(async () => (await fieldError(page, 'field-province_code')).invalid).toBe(true);
    await cancelForm();
    expect((await admin.groupsPage()).meta.total).toBe(1);
  });

  it('creates a branch in that group, in its own time zone', async () => {
    await openView(page, 'branches');
    await byTestId('create-button').click();
    await pick(page, 'field-group_id', SITE.group);
    await byTestId('field-branch_code').fill(SITE.branchCode);
    await byTestId('field-branch_name').fill(SITE.branch);
    await byTestId('field-city').fill('Bandung');
    await pick(page, 'field-timezone', SITE.timezone);
    await save();
    await drawerClosed();
    await expect.poll(() => rowIds(page)).toHaveLength(1);
    branch = (await admin.branchesPage({ q: SITE.branchCode })).items[0]!;
    expect(branch).toMatchObject({ branch_name: SITE.branch, timezone: SITE.timezone });
  });

  it('creates a camera device and its RTSP stream', async () => {
    await openView(page, 'devices');
    await byTestId('create-button').click();
    await byTestId('field-device_id').fill(SITE.camera);
    await byTestId('field-device_name').fill(SITE.cameraName);
    await pick(page, 'field-branch_id', SITE.branch);
    await save();
    await drawerClosed();
    await expect.poll(() => rowIds(page)).toHaveLength(1);

    await openView(page, 'streams');
    await byTestId('create-button').click();
    await pick(page, 'field-branch_id', SITE.branch);
    await pick(page, 'field-device_id', SITE.camera);
    await byTestId('field-stream_name').fill(`${SITE.cameraName} main`);
    await byTestId('field-main_url').fill('ftp://10.0.0.21/stream');
    await save();
    await expect.poll(async () => (await fieldError(page, 'field-main_url')).invalid).toBe(true);
    expect((await admin.streamsPage()).meta.total).toBe(0);
    await byTestId('field-main_url').fill('rtsp://127.0.0.1:9/Streaming/Channels/101');
    await byTestId('field-username').fill('viewer');
    await byTestId('field-password').fill('camera-secret');
    await save();
    await drawerClosed();
    await expect.poll(() => rowIds(page)).toHaveLength(1);
    const [stream] = (await admin.streamsPage()).items;
    expect(stream).toMatchObject({ device_id: SITE.camera, branch_id: branch.id, has_credentials: true });
    expect(JSON.stringify(stream)).not.toContain('camera-secret');
  });

  it('creates an operator limited to that branch', async () => {
    await openView(page, 'users');
    await byTestId('create-button').click();
    await byTestId('field-email').fill(OPERATOR.email);
    await byTestId('field-name').fill(OPERATOR.name);
    await byTestId('field-password').fill(OPERATOR.password);
    await pick(page, 'field-role', 'Operator');
    await page.locator('[data-testid="field-scope_all"] label', { hasText: 'Chosen' }).click();
    await pick(page, 'field-scope_branch_ids', SITE.branch);
    await save();
    await drawerClosed();
    const operator = (await admin.usersPage({ q: OPERATOR.email })).items[0]!;
    expect(operator).toMatchObject({
      role: 'operator',
      scope_all: false,
      scope_group_ids: [],
      scope_branch_ids: [branch.id],
    });
  });

  it('asks before deleting, and names the branches that block deleting a group', async () => {
    const spare = await admin.createGroup({
      province_code: 'TMP',
      province_name: 'Temporary',
      group_name: 'Temporary',
    });
    await openView(page, 'groups');
    await expect.poll(() => rowIds(page)).toContain(spare.id);
    const spareRow = page.locator(`[data-testid="admin-row"][data-id="${spare.id}"]`);
    await spareRow.getByTestId('row-delete').click();
    await byTestId('confirm-dialog').waitFor();
    await byTestId('confirm-no').click();
    expect((await admin.groupsPage()).meta.total).toBe(2);
    await spareRow.getByTestId('row-delete').click();
    await byTestId('confirm-yes').click();
    await expect.poll(() => rowIds(page)).not.toContain(spare.id);
    // the site's group still has a branch: the 409 names it
    const group = (await admin.groupsPage()).items[0]!;
    await page.locator(`[data-testid="admin-row"][data-id="${group.id}"]`).getByTestId('row-delete').click();
    await byTestId('confirm-yes').click();
    await expect.poll(() => byTestId('delete-blocked').textContent()).toContain(SITE.branch);
    await page.screenshot({ path: `${ARTIFACTS}/admin-delete-blocked-en.png` });
    await page.keyboard.press('Escape');
    await byTestId('delete-blocked').waitFor({ state: 'detached' });
  });

  it('shows every admin screen in English and Bahasa Indonesia', async () => {
    // another site, out of the operator's scope, made by "another admin" (the API) while the
    // branches screen is open: it appears there without a reload
    await openView(page, 'branches');
    const other = await admin.createGroup({ province_code: 'JK', province_name: 'DKI Jakarta', group_name: 'Jakarta' });
    otherBranch = await admin.createBranch({
      group_id: other.id,
      branch_code: 'JKT-01',
      branch_name: 'Jakarta Pusat',
      city: 'Jakarta',
    });
    await expect.poll(() => rowIds(page), { timeout: 5000 }).toContain(otherBranch.id);
    // and a wall layout holding both sites' cameras
    await admin.createDevice({
      device_id: 'JKT-NVR-01',
      device_name: 'Jakarta NVR',
      device_type: 'nvr',
      branch_id: otherBranch.id,
    });
    await admin.createDevice({
      device_id: 'JKT-CAM-01',
      device_name: 'Parking B1',
      device_type: 'camera',
      branch_id: otherBranch.id,
      parent_device_id: 'JKT-NVR-01',
    });
    const otherStream = await admin.createStream({
      branch_id: otherBranch.id,
      device_id: 'JKT-CAM-01',
      stream_name: 'Parking B1 main',
      main_url: 'rtsp://127.0.0.1:9/jkt',
    });
    const [stream] = (await admin.streamsPage({ branch_id: branch.id })).items;
    await admin.createLayout({
      layout_name: 'Two sites',
      layout_type: '4',
      is_default: true,
      positions: [
        { position_number: 1, stream_id: stream!.id },
        { position_number: 2, stream_id: otherStream.id },
      ],
    });

    for (const view of ['groups', 'branches', 'devices', 'streams', 'users'] as const) {
      await openView(page, view);
      await expect.poll(async () => (await rowIds(page)).length).toBeGreaterThan(0);
      await shotBoth(page, view);
    }
    const editForm = (view: 'branches' | 'devices' | 'streams' | 'users', rowText: string) => async () => {
      await openView(page, view);
      await page.locator('[data-testid="admin-row"]', { hasText: rowText }).getByTestId('row-edit').click();
      await byTestId('form-drawer').waitFor();
    };
    await shotBothWith(page, 'branch-form', editForm('branches', SITE.branch), cancelForm);
    await shotBothWith(page, 'device-form', editForm('devices', SITE.camera), cancelForm);
    await shotBothWith(page, 'stream-form', editForm('streams', SITE.cameraName), cancelForm);
    await shotBothWith(page, 'user-form', editForm('users', OPERATOR.email), cancelForm);
    await editForm('streams', SITE.cameraName)();
    expect(await byTestId('field-password').getAttribute('placeholder')).toBe('unchanged');
    await cancelForm();
    await openView(page, 'audit');
    await expect.poll(async () => (await rowIds(page)).length).toBeGreaterThan(5);
    await page.locator('[data-testid="admin-row"]', { hasText: 'Created' }).first().click();
    await byTestId('audit-detail').waitFor();
    expect(await byTestId('audit-after').textContent()).toContain('"id"');
    await shotBoth(page, 'audit');
    await openView(page, 'wall');
    await expect.poll(() => page.locator('[data-testid="tree-camera"]').count()).toBe(2);
    await shotBoth(page, 'wall');
  });

  it('the operator sees exactly their camera and only their branch’s events, in the site’s time, and no admin screens', async () => {
    const cred = await admin.createCredential({ credential_name: 'e2e cameras' });
    const device = new ApiClient({ baseUrl: server.url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
    await byTestId('sign-out').click();
    await byTestId('sign-in-email').fill(OPERATOR.email);
    await byTestId('sign-in-password').fill(OPERATOR.password);
    await byTestId('sign-in-submit').click();
    await byTestId('wall-view').waitFor({ timeout: 10_000 });
    // no admin screens: the wall, the dashboard and persons (issue 12), the fleet board (issue 4), the alarms and the
    // layout editor (private layouts) only
    expect(
      await page.$$eval('[data-testid="nav"] [data-testid^="nav-"]', (ls) =>
        ls.map((l) => (l as HTMLElement).dataset.testid),
      ),
    ).toEqual(['nav-wall', 'nav-dashboard', 'nav-persons', 'nav-reports', 'nav-fleet', 'nav-alarms', 'nav-layouts']);
    await expect
      .poll(() =>
        page.$$eval('[data-testid="tree-camera"]', (cs) => cs.map((c) => (c as HTMLElement).dataset.deviceId)),
      )
      .toEqual([SITE.camera]);
    expect(await page.locator('[data-testid="tree-branch"]').count()).toBe(1);

    // three detections at each site, the operator's own with a known time
    const at = ['2026-11-21T03:04:05.000Z', '2026-11-21T03:04:06.000Z', '2026-11-21T03:04:07.000Z'];
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await device.logDetection({
            re_id: `mine-${i}`,
            branch_id: branch.id,
            device_id: SITE.camera,
            detected_count: 1,
            event_id: `mine-${i}`,
            detection_timestamp: at[i],
          })
        ).status,
      ).toBe(202);
      expect(
        (
          await device.logDetection({
            re_id: `other-${i}`,
            branch_id: otherBranch.id,
            device_id: 'JKT-CAM-01',
            detected_count: 1,
            event_id: `other-${i}`,
          })
        ).status,
      ).toBe(202);
    }
    const rows = () =>
      page.$$eval('[data-testid="event-row"]', (rs) =>
        rs.map((r) => ({ branch: Number((r as HTMLElement).dataset.branchId), text: r.textContent ?? '' })),
      );
    await expect.poll(async () => (await rows()).length, { timeout: 10_000 }).toBe(3);
    await page.waitForTimeout(1500); // would the other site's events arrive late?
    const seen = await rows();
    expect(seen.every((r) => r.branch === branch.id && r.text.includes('mine-'))).toBe(true);
    expect(seen.some((r) => r.text.includes('other-'))).toBe(false);
    // 03:04:05 UTC is 11:04:05 in Makassar (UTC+8), whatever the workstation's zone
    expect(seen.find((r) => r.text.includes('mine-0'))?.text).toContain('11:04:05');

    // the wall shows only the operator's camera; the tree maximises its tile
    await byTestId('tile-1').waitFor();
    expect(await byTestId('tile-2').getAttribute('data-status')).toBe('empty');
    await page.locator('[data-testid="tree-camera"]').first().click();
    await expect.poll(() => byTestId('tile-1').getAttribute('data-maximized')).toBe('true');
    await page.keyboard.press('Escape');
    await setLanguage(page, 'id');
    expect(seen.length).toBe(3);
    await expect
      .poll(() => page.locator('[data-testid="event-row"]', { hasText: 'mine-0' }).textContent())
      .toContain('11.04.05');
    await page.screenshot({ path: `${ARTIFACTS}/admin-operator-wall-id.png` });
    await setLanguage(page, 'en');
    await page.screenshot({ path: `${ARTIFACTS}/admin-operator-wall-en.png` });
    // a laptop-sized screen: tree, wall and feed still fit side by side
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${ARTIFACTS}/admin-operator-wall-1366-en.png` });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await page.setViewportSize({ width: 1600, height: 900 });
  });

  it('changes the operator’s own password: a wrong current one is refused beside the field', async () => {
    const openWithWrongCurrent = async () => {
      await byTestId('user-menu').click();
      await byTestId('change-password-open').click();
      await byTestId('change-password-current').fill('not-my-password');
      await byTestId('change-password-new').fill('operator-pass-2');
      await byTestId('change-password-repeat').fill('operator-pass-2');
      await byTestId('change-password-submit').click();
      await expect.poll(async () => (await fieldError(page, 'change-password-current')).invalid).toBe(true);
    };
    const closeDialog = async () => {
      await page.keyboard.press('Escape');
      await byTestId('change-password-form').waitFor({ state: 'detached' });
    };
    await shotBothWith(page, 'change-password', openWithWrongCurrent, closeDialog);
    await openWithWrongCurrent();
    await byTestId('change-password-current').fill(OPERATOR.password);
    await byTestId('change-password-submit').click();
    await byTestId('change-password-form').waitFor({ state: 'detached' });
    await new ApiClient({ baseUrl: server.url }).login({ email: OPERATOR.email, password: 'operator-pass-2' });
  });

  it('remembers the language across a reload', async () => {
    await setLanguage(page, 'id');
    await page.reload();
    await byTestId('wall-view').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('id');
    expect(await byTestId('sign-out').textContent()).toBe('Keluar');
    await setLanguage(page, 'en');
  });

  it('logged no errors in the page', () => {
    // tiles of cameras that do not exist fail to play; the page itself must not throw
    expect(
      errors.filter(
        (e) =>
          !/WebSocket|mpegts|MediaSource|net::ERR|Failed to load resource|\[IOController\]|\[TransmuxingController\]/i.test(
            e,
          ),
      ),
    ).toEqual([]);
  });
});
