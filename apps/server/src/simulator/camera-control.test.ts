import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { attachCameraControl, parseCameraCommand } from './camera-control.js';

describe('parseCameraCommand', () => {
  it('reads on/off with a camera number, in either spelling and any case', () => {
    expect(parseCameraCommand('off 3')).toEqual({ camera: 3, action: 'offline' });
    expect(parseCameraCommand('  OFFLINE 12 ')).toEqual({ camera: 12, action: 'offline' });
    expect(parseCameraCommand('on 3')).toEqual({ camera: 3, action: 'online' });
    expect(parseCameraCommand('Online 16')).toEqual({ camera: 16, action: 'online' });
    expect(parseCameraCommand('reboot 2')).toEqual({ camera: 2, action: 'reboot' });
  });

  it('returns null for anything else', () => {
    for (const line of ['', 'off', 'off x', 'kill 3', 'off 3 4', 'off -1']) expect(parseCameraCommand(line)).toBeNull();
  });
});

describe('attachCameraControl', () => {
  it('applies commands in order, answers each line and reports errors without stopping', async () => {
    const input = new PassThrough();
    const out = new PassThrough();
    let answer = '';
    out.on('data', (c: Buffer) => (answer += c.toString()));
    const applied: string[] = [];
    const cameras = {
      // slow first call: the second command must still come after it
      setOnline: async (camera: number, online: boolean) => {
        if (camera > 4) throw new RangeError(`camera must be 1..4, got ${camera}`);
        await new Promise((r) => setTimeout(r, applied.length === 0 ? 50 : 0));
        applied.push(`${camera}:${online}`);
      },
      reboot: async (camera: number) => {
        applied.push(`${camera}:reboot`);
      },
    };
    const detach = attachCameraControl(input, out, cameras);
    input.write('off 2\non 2\nbogus\n\noff 9\nreboot 1\n');
    await new Promise((r) => setTimeout(r, 150));
    expect(applied).toEqual(['2:false', '2:true', '1:reboot']);
    expect(answer.split('\n')).toEqual([
      'camera 2 offline',
      'camera 2 online',
      'error: expected "off N", "on N" or "reboot N", got "bogus"',
      'error: camera must be 1..4, got 9',
      'camera 1 rebooting',
      '',
    ]);
    detach();
    input.write('off 1\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(applied).toHaveLength(3);
  });
});
