/**
 * The two engines (PostgreSQL tier only: scripts/test-postgres.mjs sets PANTAU_TEST_POSTGRES):
 * - the same numbered migrations apply, revert one by one and apply again on PostgreSQL, and
 *   leave the same tables and columns as on SQLite;
 * - the outbox's no-gap guarantee holds with several processes writing at once: a tailer that
 *   reads `id > last` while they commit, in several real connections, sees every event.
 * - leadership is held by one connection, and taken over when its connection ends;
 * - connections ended and collected before the event loop turns do not abort the process.
 */
import { spawn } from 'node:child_process';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from './database.js';
import { tempDataDir } from '../test-support/harness.js';
import { testDatabaseUrl, testPostgresAdminUrl } from '../test-support/postgres.js';
import { Outbox } from '../repositories/outbox-repository.js';
import { ClusterRepository } from '../repositories/cluster-repository.js';
import { PgConnection } from './pg-connection.js';

const pg = testPostgresAdminUrl() !== null;
const opened: Db[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
});

/** Tables → column names (sorted), without Kysely's own. */
function columns(db: Db): Record<string, string[]> {
  const rows = (
    db.engine === 'postgres'
      ? db.conn
          .prepare(
            `SELECT table_name AS t, column_name AS c FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name NOT LIKE 'kysely_%'`,
          )
          .all()
      : db.conn
          .prepare(
            `SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'kysely_%' AND m.name NOT LIKE 'sqlite_%'`,
          )
          .all()
  ) as Array<{ t: string; c: string }>;
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.t] ??= []).push(r.c);
  for (const t of Object.keys(out)) out[t]!.sort();
  return out;
}

describe.skipIf(!pg)('PostgreSQL and SQLite', () => {
  it('run the same migrations: up, each one down, up again, and end with the same tables and columns', async () => {
    const db = openDatabase(tempDataDir(), testDatabaseUrl());
    opened.push(db);
    const up = await migrate(db);
    const names = up.results!.map((r) => r.migrationName);
    expect(names.length).toBeGreaterThanOrEqual(20);
    expect(up.results!.every((r) => r.status === 'Success')).toBe(true);
    for (const name of [...names].reverse()) {
      const down = await migrate(db, 'down');
      expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual([[name, 'Success']]);
    }
    expect(Object.keys(columns(db))).toEqual([]);
    await migrate(db);

    const lite = openDatabase(tempDataDir());
    opened.push(lite);
    await migrate(lite);
    expect(columns(db)).toEqual(columns(lite));
  });

  it('keeps the outbox without gaps while four processes append and commit at once', async () => {
    const url = testDatabaseUrl()!;
    const db = openDatabase(tempDataDir(), url);
    opened.push(db);
    await migrate(db);
    // four writer processes (each its own connection, as server processes are): transactions of
    // 1–3 events with a random pause between the append and the commit, some rolled back
    const writer = `
      const { PgConnection } = await import(${JSON.stringify(new URL('../../dist/db/pg-connection.js', import.meta.url).href)});
      const { Outbox } = await import(${JSON.stringify(new URL('../../dist/repositories/outbox-repository.js', import.meta.url).href)});
      const conn = new PgConnection(process.env.URL);
      const outbox = new Outbox(conn);
      const sleep = (ms) => { const until = Date.now() + ms; while (Date.now() < until); };
      let committed = 0;
      for (let i = 0; i < 150; i++) {
        const n = 1 + (i % 3);
        try {
          conn.transaction(() => {
            for (let k = 0; k < n; k++) outbox.append('stats_updated', null, { branch_id: Number(process.env.W) * 1000 + i });
            sleep(Math.random() * 3);
            if (i % 10 === 7) throw new Error('rolled back');
          });
          committed += n;
        } catch {}
        sleep(Math.random() * 2);
      }
      conn.close();
      process.stdout.write(String(committed));
    `;
    const procs = [1, 2, 3, 4].map(
      (w) =>
        new Promise<number>((resolve, reject) => {
          // the built modules (the PostgreSQL tier runs after the build)
          const p = spawn(process.execPath, ['--input-type=module', '-e', writer], {
            env: { ...process.env, URL: url, W: String(w) },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.once('exit', (code) =>
            code === 0 ? resolve(Number(out)) : reject(new Error(`writer ${w} exited ${code}`)),
          );
        }),
    );
    // the tailer: id > last, as the hub reads, while the writers run
    const reader = new Outbox(new PgConnection(url, 'tailer'));
    const seen: number[] = [];
    let last = 0;
    let done = false;
    const all = Promise.all(procs).finally(() => (done = true));
    while (!done) {
      for (const e of reader.after(last, 500)) {
        seen.push(e.id);
        last = e.id;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    const committed = (await all).reduce((a, b) => a + b, 0);
    for (const e of reader.after(last, 100_000)) seen.push(e.id);
    const stored = (db.conn.prepare(`SELECT id FROM realtime_outbox ORDER BY id`).all() as Array<{ id: number }>).map(
      (r) => r.id,
    );
    expect(stored.length).toBe(committed);
    // every committed event was read, in order, none twice: nothing committed behind the cursor
    expect(seen).toEqual(stored);
  }, 60_000);

  it('survives connections closed and garbage-collected before the event loop turns (libpq addon)', async () => {
    // the addon's uv_close completes on a later turn; a collected handle made libuv abort the
    // whole process (uv__finish_close assertion) when a connection was closed or re-opened
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const url = testDatabaseUrl()!;
    for (let i = 0; i < 100; i++) {
      const c = new PgConnection(url, 'pantau-test-gc');
      expect(c.prepare('SELECT 1 AS x').get()).toEqual({ x: 1 });
      c.close();
      gc();
      if (i % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 200));
    gc();
  });

  it('gives the leadership to one connection, and to another once it ends', async () => {
    const url = testDatabaseUrl()!;
    const db = openDatabase(tempDataDir(), url);
    opened.push(db);
    await migrate(db);
    const a = new PgConnection(url, 'a');
    const b = new PgConnection(url, 'b');
    const ra = new ClusterRepository(a);
    const rb = new ClusterRepository(b);
    expect(ra.lead()).toBe(true);
    expect(ra.lead()).toBe(true); // held: asked again, still held, not taken twice
    expect(rb.lead()).toBe(false);
    a.close(); // as a killed process's connection ends
    let took = false;
    for (let i = 0; i < 50 && !took; i++) {
      took = rb.lead();
      if (!took) await new Promise((r) => setTimeout(r, 20));
    }
    expect(took).toBe(true);
    rb.resign();
    b.close();
  });
});
