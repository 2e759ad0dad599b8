/**
 * The retention job's orphan sweep: files a crash left on disk without a storage_files row
 * (an original written before its detection committed, a torn temporary file) are deleted
 * once they are an hour old; registered files, fresh files and older day directories are not
 * touched.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../db/database.js';
import { testDatabaseUrl } from '../test-support/postgres.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { JobQueue } from '../repositories/job-queue.js';
import { StorageDisk } from '../repositories/storage-disk.js';
import { StorageRepository } from '../repositories/storage-repository.js';
import { tempDataDir } from '../test-support/harness.js';
import { ORPHAN_MIN_AGE_MS, StorageRetention } from './storage-retention.js';

const NOW = Date.parse('2026-11-21T10:00:00.000Z');
const dbs: Db[] = [];
afterAll(async () => {
  for (const db of dbs) await db.close();
});

async function setup() {
  const dir = tempDataDir();
  const db = openDatabase(dir, testDatabaseUrl(dir));
  dbs.push(db);
  await migrate(db);
  const disk = new StorageDisk(dir);
  const storage = new StorageRepository(db.conn);
  const exec = new SyncExecutor(db.conn);
  const queue = new JobQueue(db.conn, {}, () => NOW);
  const retention = new StorageRetention(storage, disk, exec, queue, pino({ level: 'silent' }), 90, () => NOW);
  queue.define(retention.job.type, retention.job);
  /** Writes a file and sets its modification time `ageMs` before NOW. */
  const put = async (rel: string, ageMs: number) => {
    await disk.writeAtomic(rel, Buffer.from('jpeg bytes'));
    const t = new Date(NOW - ageMs);
    fs.utimesSync(disk.resolve(rel), t, t);
  };
  const register = (rel: string) =>
    storage.upsert({
      kind: 'original',
      path: rel,
      bytes: 10,
      width: 1,
      height: 1,
      mime: 'image/jpeg',
      branch_id: 1,
      event_log_id: null,
      created_at: new Date(NOW).toISOString(),
    });
  return { disk, retention, put, register, exists: (rel: string) => fs.existsSync(path.join(disk.root, rel)) };
}

describe('orphan sweep', () => {
  it('deletes unregistered files older than an hour in recent day directories, and nothing else', async () => {
    const { retention, put, register, exists } = await setup();
    const hour = ORPHAN_MIN_AGE_MS;
    const files = {
      registered: 'events/2026/11/21/1_registered.jpg',
      orphan: 'events/2026/11/21/2_orphan.jpg',
      fresh: 'events/2026/11/21/3_fresh.jpg',
      tornTemp: 'events/2026/11/20/.4_torn.jpg.abcdef.tmp',
      derivedOfFailedJob: 'events/2026/11/20/5_orig_thumb.jpg',
      // an older day directory is not swept (retention owns it; a crash there is long past)
      oldDay: 'events/2026/10/01/6_old.jpg',
    };
    await put(files.registered, 2 * hour);
    register(files.registered);
    await put(files.orphan, hour + 1000);
    await put(files.fresh, hour - 60_000);
    await put(files.tornTemp, 5 * hour);
    await put(files.derivedOfFailedJob, 3 * hour);
    await put(files.oldDay, 50 * 24 * hour);

    const removed = await retention.sweepOrphans();
    expect(removed.sort()).toEqual([files.tornTemp, files.derivedOfFailedJob, files.orphan].sort());
    expect(exists(files.registered)).toBe(true);
    expect(exists(files.fresh)).toBe(true);
    expect(exists(files.oldDay)).toBe(true);
    for (const f of removed) expect(exists(f)).toBe(false);
    // a second sweep finds nothing more
    expect(await retention.sweepOrphans()).toEqual([]);
  });

  it('runs as part of the cleanup job and leaves registered rows alone', async () => {
    const { retention, put, register, exists } = await setup();
    await put('events/2026/11/21/7_orphan.jpg', 2 * ORPHAN_MIN_AGE_MS);
    await put('events/2026/11/21/8_kept.jpg', 2 * ORPHAN_MIN_AGE_MS);
    register('events/2026/11/21/8_kept.jpg');
    const effects = await retention.run({});
    effects();
    expect(exists('events/2026/11/21/7_orphan.jpg')).toBe(false);
    expect(exists('events/2026/11/21/8_kept.jpg')).toBe(true);
  });

  it('copes with a storage root that has no event directories yet', async () => {
    const { retention } = await setup();
    expect(await retention.sweepOrphans()).toEqual([]);
  });
});
