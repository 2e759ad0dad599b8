/**
 * Migration 020 (scale mode, issue 17): the server processes sharing one database, and which of
 * them holds each running job. Never edit once landed.
 *
 * - `server_processes`: one row per running server process (`id` made at its start), with its
 *   role (`all`, `api`, `worker`, `gateway`), host, pid, the address it serves, and a heartbeat
 *   (epoch ms) it renews every few seconds; removed when it stops cleanly. `/health` lists them,
 *   and a process whose heartbeat is stale is taken for dead.
 * - `jobs.locked_by`: the process that claimed a running job. A job held by a dead process is
 *   put back by the others (on PostgreSQL; SQLite has one server process, which recovers every
 *   running job at its start, as before).
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE server_processes (
      id TEXT PRIMARY KEY,
      role TEXT NOT NULL CHECK (role IN ('all', 'api', 'worker', 'gateway')),
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      url TEXT,
      version TEXT NOT NULL,
      started_at TEXT NOT NULL,
      heartbeat_at INTEGER NOT NULL
    )`.execute(db);
  await sql`ALTER TABLE jobs ADD COLUMN locked_by TEXT`.execute(db);
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE jobs DROP COLUMN locked_by`.execute(db);
  await sql`DROP TABLE server_processes`.execute(db);
}
