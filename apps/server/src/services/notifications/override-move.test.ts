/**
 * A camera moved to another branch loses its own alert settings (overrides) under the old
 * branch, in the move's transaction, audited; it then follows the new branch's branch-wide
 * setting. Branch-wide settings are untouched; an update that keeps the branch, or a refused
 * move, keeps the override.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PantauError, type AlertSetting, type Device } from '@pantau/shared';
import { startHarness, type Harness } from '../../test-support/harness.js';

let h: Harness;
let cam1: Device;
beforeAll(async () => {
  h = await startHarness();
  cam1 = h.devices.find((d) => d.device_id === 'cam-1')!;
});
afterAll(async () => {
  await h?.stop();
});

const codeOf = async (p: Promise<unknown>) => {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(PantauError);
  return { code: (e as PantauError).code, field: (e as PantauError).details?.field };
};
const settingsOf = (branchId: number) => h.admin.listAlertSettings({ branch_id: branchId });
const idsOf = (s: AlertSetting[]) => s.map((x) => x.id);

// the steps run in order on one server: settings made once, the camera moved by the third
describe('moving a camera to another branch', () => {
  let b0: number;
  let b1: number;
  let wide0: AlertSetting;
  let wide1: AlertSetting;
  let override: AlertSetting;
  beforeAll(async () => {
    [b0, b1] = [h.branches[0]!.id, h.branches[1]!.id];
    wide0 = await h.admin.createAlertSetting({ branch_id: b0, numbers: ['+6281100000001'] });
    wide1 = await h.admin.createAlertSetting({ branch_id: b1, numbers: ['+6281100000002'] });
    override = await h.admin.createAlertSetting({
      branch_id: b0,
      device_id: 'cam-1',
      numbers: ['+6281100000003'],
      cooldown_seconds: 60,
    });
  });

  it('a refused move changes nothing', async () => {
    expect(await codeOf(h.admin.updateDevice(cam1.id, { branch_id: 9999 }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'branch_id',
    });
    // refused after the branch check passed: a parent that is not an NVR of the new branch
    expect(await codeOf(h.admin.updateDevice(cam1.id, { branch_id: b1, parent_device_id: 'cam-2' }))).toMatchObject({
      code: 'VALIDATION_ERROR',
      field: 'parent_device_id',
    });
    expect((await h.admin.getDevice(cam1.id)).branch_id).toBe(b0);
    expect(await settingsOf(b0)).toEqual([wide0, override]);
    expect(await h.admin.auditPage({ entity_type: 'alert_setting', action: 'delete' })).toMatchObject({
      meta: { total: 0 },
    });
  });

  it('an update that keeps the branch keeps the override', async () => {
    await h.admin.updateDevice(cam1.id, { device_name: 'Lobby east' });
    await h.admin.updateDevice(cam1.id, { branch_id: b0 });
    expect(idsOf(await settingsOf(b0))).toEqual([wide0.id, override.id]);
    expect(h.server.services.notifications.repo.settingFor(b0, 'cam-1')?.id).toBe(override.id);
  });

  it('a move deletes the override, audited; the camera follows the new branch-wide setting', async () => {
    expect((await h.admin.updateDevice(cam1.id, { branch_id: b1 })).branch_id).toBe(b1);

    // gone from both branches; the branch-wide settings are as they were
    expect(await settingsOf(b0)).toEqual([wide0]);
    expect(await settingsOf(b1)).toEqual([wide1]);
    expect(h.server.services.notifications.repo.getSetting(override.id)).toBeUndefined();
    expect(h.server.services.notifications.repo.settingFor(b1, 'cam-1')?.id).toBe(wide1.id);

    // audited like an alert-settings delete; the device's move entry names it
    const del = await h.admin.auditPage({
      entity_type: 'alert_setting',
      entity_id: String(override.id),
      action: 'delete',
    });
    expect(del.items).toHaveLength(1);
    expect(del.items[0]!.before).toMatchObject({
      id: override.id,
      branch_id: b0,
      device_id: 'cam-1',
      numbers: ['+6281100000003'],
    });
    expect(del.items[0]!.after).toBeNull();
    const move = await h.admin.auditPage({ entity_type: 'device', entity_id: String(cam1.id), action: 'move' });
    expect(move.items).toHaveLength(1);
    expect(move.items[0]!.after).toMatchObject({ branch_id: b1, alert_overrides_removed: [override.id] });
  });

  it('a move with no override left records no removal', async () => {
    await h.admin.updateDevice(cam1.id, { branch_id: b0 });
    const moves = await h.admin.auditPage({ entity_type: 'device', entity_id: String(cam1.id), action: 'move' });
    expect(moves.items).toHaveLength(2);
    expect(moves.items[0]!.after).not.toHaveProperty('alert_overrides_removed');
    expect(await h.admin.auditPage({ entity_type: 'alert_setting', action: 'delete' })).toMatchObject({
      meta: { total: 1 },
    });
    expect(await settingsOf(b0)).toEqual([wide0]);
    expect(await settingsOf(b1)).toEqual([wide1]);
  });
});
