/**
 * A temporary database with branches in chosen time zones and hand-made WhatsApp deliveries,
 * with the real delivery summary over it: for the per-zone schedule and fold tests.
 */
import pino from 'pino';
import { migrate, openDatabase, type Db } from '../db/database.js';
import { testDatabaseUrl } from './postgres.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { BranchZoneRepository } from '../repositories/branch-zone-repository.js';
import { DeliverySummary } from '../services/notifications/delivery-summary.js';
import { DeliverySummaryRepository } from '../repositories/delivery-summary-repository.js';
import { tempDataDir } from './harness.js';

/** A summary row as read back (the columns the tests look at). */
export interface SummaryRowSeen {
  date: string;
  branch_id: number | null;
  provider: string;
  total: number;
  sent: number;
  pending: number;
  attempts: number;
}

/** The rig. */
export interface SiteZoneRig {
  db: Db;
  exec: SyncExecutor;
  summary: DeliverySummary;
  zones: BranchZoneRepository;
  logger: pino.Logger;
  /** Insert a branch in a zone; returns its id. */
  addBranch(code: string, zone: string): number;
  /** Change a branch's zone (as the organisation API does). */
  setZone(branchId: number, zone: string): void;
  deleteBranch(branchId: number): void;
  /** A delivery queued at an instant (ISO); `branchId` null is a test message. */
  deliver(branchId: number | null, queuedAt: string, status?: 'sent' | 'queued' | 'failed'): void;
  /** Summary rows of a day, by branch. */
  rows(date: string): SummaryRowSeen[];
  close(): Promise<void>;
}

/**
 * Open a migrated temporary database with one group and no branches.
 * @param serverZone the server's zone (`config.timezone`) the summary is built with
 */
export async function siteZoneRig(serverZone = 'Asia/Jakarta'): Promise<SiteZoneRig> {
  const db = openDatabase(tempDataDir(), testDatabaseUrl());
  await migrate(db);
  const exec = new SyncExecutor(db.conn);
  const now = new Date().toISOString();
  db.conn
    .prepare(
      `INSERT INTO company_groups (province_code, province_name, group_name, updated_at) VALUES ('ID', 'Indonesia', 'Indonesia', ?)`,
    )
    .run(now);
  return {
    db,
    exec,
    summary: new DeliverySummary(new DeliverySummaryRepository(db.kysely, exec), exec, serverZone),
    zones: new BranchZoneRepository(db.kysely, exec),
    logger: pino({ level: 'silent' }),
    addBranch: (code, zone) =>
      Number(
        db.conn
          .prepare(
            `INSERT INTO company_branches (group_id, branch_code, branch_name, city, timezone, updated_at) VALUES (1, ?, ?, ?, ?, ?)`,
          )
          .run(code, code, code, zone, now).lastInsertRowid,
      ),
    setZone: (id, zone) => void db.conn.prepare(`UPDATE company_branches SET timezone = ? WHERE id = ?`).run(zone, id),
    deleteBranch: (id) => void db.conn.prepare(`DELETE FROM company_branches WHERE id = ?`).run(id),
    deliver: (branchId, queuedAt, status = 'sent') => {
      const sentAt = status === 'sent' ? new Date(Date.parse(queuedAt) + 1500).toISOString() : null;
      db.conn
        .prepare(
          `INSERT INTO notification_deliveries (branch_id, kind, phone, provider, status, attempts, message, queued_at, sent_at, updated_at)
           VALUES (?, ?, '+6281234567890', 'whatsapp_cloud', ?, 1, 'm', ?, ?, ?)`,
        )
        .run(branchId, branchId === null ? 'test' : 'alert', status, queuedAt, sentAt, queuedAt);
    },
    rows: (date) =>
      db.conn
        .prepare(
          `SELECT date, branch_id, provider, total, sent, pending, attempts FROM whatsapp_delivery_summary WHERE date = ? ORDER BY branch_id`,
        )
        .all(date) as SummaryRowSeen[],
    close: () => db.close(),
  };
}
