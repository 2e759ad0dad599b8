/**
 * The per-zone schedule (site-schedule.ts, scheduler.ts) over a temporary database, with an
 * injected clock instead of waiting for 01:45: which zones are planned as branches come, move
 * and go; when each zone's fold fires; which day it folds; the catch-ups; and the real
 * scheduler started on the server's services.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createServices, type Services } from './container.js';
import { deliverySummaryJob, startScheduler, type RunningSchedule } from './scheduler.js';
import { SiteSchedule } from './site-schedule.js';
import { siteZoneRig, type SiteZoneRig } from '../test-support/site-zones.js';
import { tempDataDir, waitFor } from '../test-support/harness.js';

// 01:30 on the 21st in Jayapura (UTC+9), 23:30 on the 20th in Jakarta (UTC+7)
const AT = '2026-11-20T16:30:00.000Z';
const JKT = 'Asia/Jakarta';
const JAP = 'Asia/Jayapura';
const MKS = 'Asia/Makassar';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A rig with Jakarta and Jayapura branches and a schedule on a settable clock. */
async function setup(): Promise<{
  r: SiteZoneRig;
  sites: SiteSchedule;
  clock: { now: Date };
  jakarta: number;
  jayapura: number;
}> {
  const r = await siteZoneRig(JKT);
  cleanups.push(() => r.close());
  const jakarta = r.addBranch('JKT-01', JKT);
  const jayapura = r.addBranch('DJJ-01', JAP);
  const clock = { now: new Date('2026-11-21T00:00:00.000Z') };
  const sites = new SiteSchedule({
    jobs: [deliverySummaryJob(r.summary, r.logger)],
    branchZones: () => r.zones.branchZones(),
    serverZone: JKT,
    logger: r.logger,
    now: () => clock.now,
  });
  cleanups.push(() => sites.stop());
  return { r, sites, clock, jakarta, jayapura };
}

describe('site schedule', () => {
  it('plans one set of site-local crons per zone in use, each firing at 01:45 local time', async () => {
    const { sites } = await setup();
    expect(await sites.replan()).toEqual({ added: [JKT, JAP], removed: [], caughtUp: [JKT, JAP] });
    expect(sites.plannedZones()).toEqual([JKT, JAP]);
    expect(sites.plan(new Date('2026-11-21T00:00:00.000Z'))).toEqual([
      { zone: JKT, job: 'whatsapp-delivery-summary', next: new Date('2026-11-21T18:45:00.000Z') },
      { zone: JAP, job: 'whatsapp-delivery-summary', next: new Date('2026-11-21T16:45:00.000Z') },
    ]);
    // nothing changed: nothing started again
    expect(await sites.replan()).toEqual({ added: [], removed: [], caughtUp: [] });
    expect(sites.plan()).toHaveLength(2);
  });

  it('adds a zone when a branch moves to it, and drops it when no branch uses it', async () => {
    const { r, sites } = await setup();
    await sites.replan();
    const bogor = r.addBranch('BGR-01', JKT);
    expect(await sites.replan()).toEqual({ added: [], removed: [], caughtUp: [] });
    r.setZone(bogor, MKS);
    expect(await sites.replan()).toEqual({ added: [MKS], removed: [], caughtUp: [JKT, MKS] });
    expect(sites.plannedZones()).toEqual([JKT, JAP, MKS]);
    expect(sites.plan()).toHaveLength(3);
    r.setZone(bogor, JAP);
    expect(await sites.replan()).toEqual({ added: [], removed: [MKS], caughtUp: [JAP] });
    expect(sites.plannedZones()).toEqual([JKT, JAP]);
    // the server's zone stays planned with no branch in it (deliveries without a branch)
    r.deleteBranch(bogor);
    r.deleteBranch(r.db.conn.prepare(`SELECT id FROM company_branches WHERE timezone = ?`).pluck().get(JKT) as number);
    await sites.replan();
    expect(sites.plannedZones()).toEqual([JKT, JAP]);
    r.setZone(r.db.conn.prepare(`SELECT id FROM company_branches`).pluck().get() as number, MKS);
    expect(await sites.replan()).toMatchObject({ added: [MKS], removed: [JAP] });
    expect(sites.plannedZones()).toEqual([JKT, MKS]);
  });

  it("folds each zone's own yesterday when its 01:45 comes", async () => {
    const { r, sites, clock, jakarta, jayapura } = await setup();
    await sites.replan();
    r.deliver(jakarta, AT);
    r.deliver(jayapura, AT);
    clock.now = new Date('2026-11-21T16:45:00.000Z'); // 01:45 on the 22nd in Jayapura
    await sites.runZone(JAP);
    expect(r.rows('2026-11-21')).toMatchObject([{ branch_id: jayapura, total: 1 }]);
    clock.now = new Date('2026-11-20T18:45:00.000Z'); // 01:45 on the 21st in Jakarta
    await sites.runZone(JKT);
    expect(r.rows('2026-11-20')).toMatchObject([{ branch_id: jakarta, total: 1 }]);
    // and again, the same rows (idempotent)
    await sites.runZone(JKT);
    clock.now = new Date('2026-11-21T16:45:00.000Z');
    await sites.runZone(JAP);
    expect(r.rows('2026-11-20')).toMatchObject([{ branch_id: jakarta, total: 1 }]);
    expect(r.rows('2026-11-21')).toMatchObject([{ branch_id: jayapura, total: 1 }]);
    expect(r.db.conn.prepare(`SELECT COUNT(*) FROM whatsapp_delivery_summary`).pluck().get()).toBe(2);
    await expect(sites.runZone(MKS)).rejects.toThrow(/not planned/);
  });

  it('catches up missed days in each zone at start and in a zone a branch enters', async () => {
    const { r, sites, clock, jakarta, jayapura } = await setup();
    r.deliver(jakarta, AT);
    r.deliver(jayapura, AT);
    clock.now = new Date('2026-11-23T00:00:00.000Z');
    await sites.replan();
    expect(r.rows('2026-11-20')).toMatchObject([{ branch_id: jakarta, total: 1 }]);
    expect(r.rows('2026-11-21')).toMatchObject([{ branch_id: jayapura, total: 1 }]);
    // a branch with history moves to Makassar (UTC+8): its delivery is on the 21st 00:30 there
    r.setZone(jakarta, MKS);
    expect(await sites.replan()).toMatchObject({ added: [MKS] });
    expect(r.rows('2026-11-20')).toEqual([]);
    expect(r.rows('2026-11-21')).toMatchObject([
      { branch_id: jakarta, total: 1 },
      { branch_id: jayapura, total: 1 },
    ]);
  });

  it('does nothing once stopped', async () => {
    const { sites } = await setup();
    await sites.replan();
    sites.stop();
    expect(sites.plannedZones()).toEqual([]);
    expect(await sites.replan()).toEqual({ added: [], removed: [], caughtUp: [] });
  });
});

describe('scheduler', () => {
  it("starts on the server's services with the branch zones planned and their days caught up", async () => {
    const s: Services = await createServices(
      loadConfig({ dataDir: tempDataDir(), timezone: JKT, logLevel: 'silent' }),
      pino({ level: 'silent' }),
    );
    cleanups.push(() => s.close());
    const now = new Date().toISOString();
    s.db.conn
      .prepare(
        `INSERT INTO company_groups (province_code, province_name, group_name, updated_at) VALUES ('PA', 'Papua', 'Papua', ?)`,
      )
      .run(now);
    const branch = Number(
      s.db.conn
        .prepare(
          `INSERT INTO company_branches (group_id, branch_code, branch_name, city, timezone, updated_at) VALUES (1, 'DJJ-01', 'Jayapura', 'Jayapura', ?, ?)`,
        )
        .run(JAP, now).lastInsertRowid,
    );
    s.db.conn
      .prepare(
        `INSERT INTO notification_deliveries (branch_id, kind, phone, provider, status, attempts, message, queued_at, updated_at) VALUES (?, 'alert', '+6281234567890', 'whatsapp_cloud', 'failed', 3, 'm', ?, ?)`,
      )
      .run(branch, AT, AT);
    const stop: RunningSchedule = startScheduler(s, pino({ level: 'silent' }), {
      now: () => new Date('2026-11-22T03:00:00.000Z'),
    });
    cleanups.push(stop);
    await waitFor(() => stop.sites.plannedZones().length === 2, 2000, 'zones planned');
    expect(stop.sites.plannedZones()).toEqual([JKT, JAP]);
    await waitFor(() => s.notifications.repo.summary('2026-11-21').length === 1, 2000, 'Jayapura day caught up');
    expect(s.notifications.repo.summary('2026-11-21')[0]).toMatchObject({
      branch_id: branch,
      total: 1,
      failed: 1,
      attempts: 3,
    });
    stop();
    expect(stop.sites.plannedZones()).toEqual([]);
  });
});
