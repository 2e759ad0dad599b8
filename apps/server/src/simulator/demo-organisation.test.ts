import { describe, expect, it } from 'vitest';
import { demoLayoutType, MAX_DEMO_CAMERAS, planDemoCameras } from './demo-organisation.js';

describe('planDemoCameras', () => {
  it('splits four cameras between Jakarta and Bandung with stable ids and names', () => {
    expect(planDemoCameras(4)).toEqual([
      { index: 1, device_id: 'cam-jkt-01', device_name: 'Jakarta Lobby', branch_code: 'JKT-01' },
      { index: 2, device_id: 'cam-jkt-02', device_name: 'Jakarta Main Gate', branch_code: 'JKT-01' },
      { index: 3, device_id: 'cam-bdg-01', device_name: 'Bandung Lobby', branch_code: 'BDG-01' },
      { index: 4, device_id: 'cam-bdg-02', device_name: 'Bandung Main Gate', branch_code: 'BDG-01' },
    ]);
  });

  it('gives Jakarta the extra camera of an odd count, and one camera only Jakarta', () => {
    expect(planDemoCameras(3).map((c) => c.device_id)).toEqual(['cam-jkt-01', 'cam-jkt-02', 'cam-bdg-01']);
    expect(planDemoCameras(1).map((c) => c.branch_code)).toEqual(['JKT-01']);
  });

  it('names every camera of a full 64-camera wall uniquely', () => {
    const plan = planDemoCameras(MAX_DEMO_CAMERAS);
    expect(new Set(plan.map((c) => c.device_id)).size).toBe(64);
    expect(new Set(plan.map((c) => c.device_name)).size).toBe(64);
    expect(plan.map((c) => c.index)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
  });

  it('refuses counts the wall cannot hold', () => {
    expect(() => planDemoCameras(0)).toThrow(RangeError);
    expect(() => planDemoCameras(65)).toThrow(RangeError);
    expect(() => planDemoCameras(2.5)).toThrow(RangeError);
  });
});

describe('demoLayoutType', () => {
  it('picks the smallest fixed grid that holds every camera', () => {
    expect([1, 2, 4, 5, 9, 10, 16, 17, 25, 36, 37, 64].map(demoLayoutType)).toEqual([
      '1',
      '4',
      '4',
      '9',
      '9',
      '16',
      '16',
      '25',
      '25',
      '36',
      '64',
      '64',
    ]);
  });
});
