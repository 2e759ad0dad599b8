/**
 * The daily delivery summary per site-local day (delivery-summary.ts) over a temporary
 * database: a delivery's day is its queue time in its branch's zone, a zone's fold replaces
 * only its branches' rows, branchless deliveries count in the server's zone, and the catch-up
 * works per zone (and sets right days counted while a branch was in another zone).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { siteZoneRig, type SiteZoneRig } from '../../test-support/site-zones.js';

// 01:30 on the 21st in Jayapura (UTC+9), 23:30 on the 20th in Jakarta (UTC+7)
const AT = '2026-11-20T16:30:00.000Z';
const JKT = 'Asia/Jakarta';
const JAP = 'Asia/Jayapura';

let rig: SiteZoneRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function setup(): Promise<SiteZoneRig & { jakarta: number; jayapura: number }> {
  const r = await siteZoneRig(JKT);
  rig = r;
  return Object.assign(r, { jakarta: r.addBranch('JKT-01', JKT), jayapura: r.addBranch('DJJ-01', JAP) });
}

describe('WhatsApp delivery summary per site-local day', () => {
  it("counts a delivery on its queue day in its branch's zone", async () => {
    const r = await setup();
    r.deliver(r.jakarta, AT);
    r.deliver(r.jayapura, AT);
    expect(r.summary.fold('2026-11-21', JAP)).toEqual({ rows: 1, deliveries: 1 });
    expect(r.summary.fold('2026-11-20', JAP)).toEqual({ rows: 0, deliveries: 0 });
    expect(r.summary.fold('2026-11-20', JKT)).toEqual({ rows: 1, deliveries: 1 });
    expect(r.rows('2026-11-21')).toEqual([
      {
        date: '2026-11-21',
        branch_id: r.jayapura,
        provider: 'whatsapp_cloud',
        total: 1,
        sent: 1,
        pending: 0,
        attempts: 1,
      },
    ]);
    expect(r.rows('2026-11-20')).toEqual([
      {
        date: '2026-11-20',
        branch_id: r.jakarta,
        provider: 'whatsapp_cloud',
        total: 1,
        sent: 1,
        pending: 0,
        attempts: 1,
      },
    ]);
  });

  it("re-folds a zone's day idempotently, replacing only that zone's branches' rows", async () => {
    const r = await setup();
    const noon = '2026-11-21T04:00:00.000Z'; // the 21st in both zones
    r.deliver(r.jakarta, noon);
    r.deliver(r.jayapura, noon);
    r.deliver(r.jayapura, noon, 'queued');
    expect(r.summary.fold('2026-11-21', JKT)).toEqual({ rows: 1, deliveries: 1 });
    expect(r.summary.fold('2026-11-21', JAP)).toEqual({ rows: 1, deliveries: 2 });
    const before = r.db.conn
      .prepare(`SELECT id, branch_id, created_at FROM whatsapp_delivery_summary ORDER BY branch_id`)
      .all();
    expect(r.summary.fold('2026-11-21', JAP)).toEqual({ rows: 1, deliveries: 2 });
    const after = r.db.conn
      .prepare(`SELECT id, branch_id, created_at FROM whatsapp_delivery_summary ORDER BY branch_id`)
      .all() as Array<{ id: number; branch_id: number }>;
    // Jakarta's row is the very same row; Jayapura's was replaced with the same figures
    expect(after[0]).toEqual(before[0]);
    expect(r.rows('2026-11-21')).toEqual([
      {
        date: '2026-11-21',
        branch_id: r.jakarta,
        provider: 'whatsapp_cloud',
        total: 1,
        sent: 1,
        pending: 0,
        attempts: 1,
      },
      {
        date: '2026-11-21',
        branch_id: r.jayapura,
        provider: 'whatsapp_cloud',
        total: 2,
        sent: 1,
        pending: 1,
        attempts: 2,
      },
    ]);
    // without a zone: every branch on its own 21st, the day replaced as a whole
    expect(r.summary.fold('2026-11-21')).toEqual({ rows: 2, deliveries: 3 });
    expect(r.rows('2026-11-21').map((x) => x.total)).toEqual([1, 2]);
  });

  it("counts deliveries without a branch in the server's zone only", async () => {
    const r = await setup();
    r.deliver(null, AT);
    expect(r.summary.fold('2026-11-21', JAP)).toEqual({ rows: 0, deliveries: 0 });
    expect(r.summary.fold('2026-11-20', JKT)).toEqual({ rows: 1, deliveries: 1 });
    expect(r.rows('2026-11-20')).toMatchObject([{ branch_id: null, total: 1 }]);
  });

  it('rejects a day that is not YYYY-MM-DD', async () => {
    const r = await setup();
    expect(() => r.summary.fold('20-11-2026', JKT)).toThrow(RangeError);
  });

  it('catches up per zone: missed days with deliveries, never today, and nothing twice', async () => {
    const r = await setup();
    r.deliver(r.jakarta, AT);
    r.deliver(r.jayapura, AT);
    const now = new Date('2026-11-22T17:30:00.000Z'); // the 23rd, 00:30 in Jakarta, 02:30 in Jayapura
    r.deliver(r.jakarta, '2026-11-22T17:10:00.000Z'); // today in Jakarta: left for tomorrow's run
    expect(r.summary.catchUp(JAP, 7, now)).toEqual(['2026-11-21']);
    expect(r.summary.catchUp(JKT, 7, now)).toEqual(['2026-11-20']);
    expect(r.summary.catchUp(JAP, 7, now)).toEqual([]);
    expect(r.summary.catchUp(JKT, 7, now)).toEqual([]);
    expect(r.rows('2026-11-23')).toEqual([]);
    // a second Jakarta branch whose day has no rows yet: the day is folded again, both branches in it
    const bogor = r.addBranch('BGR-01', JKT);
    r.deliver(bogor, '2026-11-20T05:00:00.000Z');
    expect(r.summary.catchUp(JKT, 7, now)).toEqual(['2026-11-20']);
    expect(r.rows('2026-11-20').map((x) => x.branch_id)).toEqual([r.jakarta, bogor]);
    // further back than the window is left alone
    r.deliver(r.jayapura, '2026-11-10T04:00:00.000Z');
    expect(r.summary.catchUp(JAP, 7, now)).toEqual([]);
  });

  it('sets right the days of a branch that moved to another zone', async () => {
    const r = await setup();
    r.deliver(r.jakarta, AT);
    const now = new Date('2026-11-22T17:30:00.000Z');
    expect(r.summary.catchUp(JKT, 7, now)).toEqual(['2026-11-20']);
    r.setZone(r.jakarta, JAP);
    // in Jayapura the delivery is on the 21st; the row on the 20th no longer has a delivery
    expect(r.summary.catchUp(JAP, 7, now)).toEqual(['2026-11-20', '2026-11-21']);
    expect(r.rows('2026-11-20')).toEqual([]);
    expect(r.rows('2026-11-21')).toMatchObject([{ branch_id: r.jakarta, total: 1 }]);
  });
});
