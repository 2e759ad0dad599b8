/**
 * The acknowledgement service level as a pure function: nearest-rank percentiles, breaches of a
 * target (late, and still waiting past it), each alarm in its branch's own day (WIB vs WIT at one
 * instant), operators per day, and days outside the range left out.
 */
import { describe, expect, it } from 'vitest';
import { percentile, serviceLevel, type AckRow } from './alarm-service-level.js';

const row = (over: Partial<AckRow>): AckRow => ({
  branch_id: 1,
  branch_name: 'Jakarta',
  timezone: 'Asia/Jakarta',
  created_at: '2026-12-01T03:00:00.000Z',
  acknowledged_at: null,
  acknowledged_by: null,
  acknowledged_by_name: null,
  ack_target_s: null,
  closed_at: null,
  ...over,
});
const acked = (sec: number, by = 7, over: Partial<AckRow> = {}) =>
  row({
    acknowledged_at: new Date(Date.parse('2026-12-01T03:00:00.000Z') + sec * 1000).toISOString(),
    acknowledged_by: by,
    acknowledged_by_name: by === 7 ? 'Ayu' : 'Budi',
    ...over,
  });

describe('alarm service level', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([4], 90)).toBe(4);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  it('counts per branch, operator and day, with breaches late or still waiting past the target', () => {
    const now = Date.parse('2026-12-01T04:00:00.000Z');
    const rows = [
      acked(10, 7, { ack_target_s: 60 }),
      acked(90, 7, { ack_target_s: 60 }), // late
      acked(30, 8),
      row({ ack_target_s: 600 }), // waiting an hour: a breach
      row({ ack_target_s: 7200 }), // waiting, within its target
      row({ ack_target_s: 600, closed_at: '2026-12-01T03:05:00.000Z' }), // auto-closed after 5 min: no breach
    ];
    const sl = serviceLevel(rows, '2026-12-01', '2026-12-01', now);
    expect(sl.total).toEqual({ alarms: 6, acknowledged: 3, p50_s: 30, p90_s: 90, with_target: 5, breaches: 2 });
    expect(sl.branches).toEqual([{ branch_id: 1, branch_name: 'Jakarta', day: '2026-12-01', ...sl.total }]);
    expect(sl.operators.map((o) => [o.user_name, o.alarms, o.acknowledged, o.p50_s, o.breaches])).toEqual([
      ['Ayu', 2, 2, 10, 1],
      ['Budi', 1, 1, 30, 0],
    ]);
  });

  it('puts each alarm in its own branch’s day and leaves out days outside the range', () => {
    // 2026-12-01 16:30 UTC: 23:30 on the 1st in Jakarta (WIB), 01:30 on the 2nd in Jayapura (WIT)
    const at = '2026-12-01T16:30:00.000Z';
    const rows = [
      row({ created_at: at }),
      row({ branch_id: 2, branch_name: 'Jayapura', timezone: 'Asia/Jayapura', created_at: at }),
    ];
    const first = serviceLevel(rows, '2026-12-01', '2026-12-01', Date.parse(at));
    expect(first.branches.map((b) => [b.branch_name, b.day])).toEqual([['Jakarta', '2026-12-01']]);
    const both = serviceLevel(rows, '2026-12-01', '2026-12-02', Date.parse(at));
    expect(both.branches.map((b) => [b.branch_name, b.day])).toEqual([
      ['Jakarta', '2026-12-01'],
      ['Jayapura', '2026-12-02'],
    ]);
  });
});
