/**
 * The alert screens' rules: numbers checked in place, the live preview, what a form starts
 * with (a new camera override copies the branch-wide setting), the overrides list and the
 * cameras still without one, resend offered only for uncertain or failed deliveries.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MESSAGE_TEMPLATE, type AlertSetting } from '@pantau/shared';
import {
  canResend,
  checkNumbers,
  devicesWithoutOverride,
  initialAlertValues,
  numbersValid,
  overrideRows,
  previewTemplate,
} from './alerts-model.js';

const setting = (over: Partial<AlertSetting>): AlertSetting => ({
  id: 1,
  branch_id: 7,
  branch_name: 'Jakarta',
  device_id: null,
  device_name: null,
  enabled: true,
  numbers: ['+6281234567890'],
  message_template: '{re_id} at {device_name}',
  send_image: true,
  cooldown_seconds: 60,
  created_at: '2026-11-21T10:00:00.000Z',
  updated_at: '2026-11-21T10:00:00.000Z',
  ...over,
});

describe('alerts model', () => {
  it('checks each number where it is typed and flags duplicates after normalising', () => {
    const c = checkNumbers(['+62 812-3456-7890', '0812345', '+6281234567890']);
    expect(c.map((x) => x.e164)).toEqual(['+6281234567890', null, '+6281234567890']);
    expect(c.map((x) => x.duplicate)).toEqual([false, false, true]);
    expect(numbersValid(c)).toBe(false);
    expect(numbersValid(checkNumbers(['+6281234567890', '+447911123456']))).toBe(true);
  });

  it('previews the template with sample values and names unknown placeholders', () => {
    const p = previewTemplate('{re_id} at {branch_name}/{device_name} {time} {cam}', {
      branch_name: 'Jakarta',
      device_name: 'Lobby',
      time: '2026-11-21 10:15:00 WIB',
    });
    expect(p.text).toBe('RE-000123 at Jakarta/Lobby 2026-11-21 10:15:00 WIB {cam}');
    expect(p.unknown).toEqual(['cam']);
  });

  it('offers resend only for uncertain or failed deliveries', () => {
    expect(
      ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'uncertain'].filter((s) =>
        canResend({ status: s as never }),
      ),
    ).toEqual(['failed', 'uncertain']);
  });

  it('starts a form from its setting, else a copy of the branch-wide one, else the defaults', () => {
    const branchWide = setting({});
    const own = setting({
      id: 2,
      device_id: 'cam-1',
      device_name: 'Lobby',
      enabled: false,
      numbers: ['+447911123456'],
      send_image: false,
      cooldown_seconds: 0,
    });
    expect(initialAlertValues(own, branchWide)).toEqual({
      enabled: false,
      numbers: ['+447911123456'],
      message_template: '{re_id} at {device_name}',
      send_image: false,
      cooldown_seconds: 0,
    });
    const copy = initialAlertValues(null, branchWide);
    expect(copy).toEqual({
      enabled: true,
      numbers: ['+6281234567890'],
      message_template: '{re_id} at {device_name}',
      send_image: true,
      cooldown_seconds: 60,
    });
    // a copy, not the cached setting's own array
    copy.numbers.push('+447911123456');
    expect(branchWide.numbers).toEqual(['+6281234567890']);
    expect(initialAlertValues(null)).toEqual({
      enabled: true,
      numbers: [],
      message_template: DEFAULT_MESSAGE_TEMPLATE,
      send_image: false,
      cooldown_seconds: 300,
    });
  });

  it('lists the camera overrides by name, flags one whose camera left the branch, and offers only cameras without one', () => {
    const settings = [
      setting({ id: 1 }),
      setting({ id: 2, device_id: 'cam-10', device_name: 'Yard' }),
      setting({ id: 3, device_id: 'cam-2', device_name: 'lobby' }),
      setting({ id: 4, device_id: 'cam-9', device_name: 'Gate' }),
    ];
    const devices = [
      { device_id: 'cam-10', device_name: 'Yard' },
      { device_id: 'cam-2', device_name: 'lobby' },
      { device_id: 'cam-3', device_name: 'Back door' },
      { device_id: 'nvr-1', device_name: 'Archive NVR' },
    ];
    const byId = new Map(devices.map((d) => [d.device_id, d]));
    expect(overrideRows(settings, byId).map((r) => [r.setting.id, r.name, r.moved])).toEqual([
      [4, 'Gate', true],
      [3, 'lobby', false],
      [2, 'Yard', false],
    ]);
    // while the branch's devices load, nothing is called moved
    expect(overrideRows(settings, null).some((r) => r.moved)).toBe(false);
    // a name unknown to the server falls back to the device list, then to the camera's own id
    expect(
      overrideRows([setting({ id: 5, device_id: 'cam-3' }), setting({ id: 6, device_id: 'cam-x' })], byId).map(
        (r) => r.name,
      ),
    ).toEqual(['Back door', 'cam-x']);
    expect(devicesWithoutOverride(devices, settings).map((d) => d.device_id)).toEqual(['nvr-1', 'cam-3']);
    expect(devicesWithoutOverride(devices, [])).toHaveLength(4);
  });
});
