/**
 * Kysely table types of scale mode (issue 17): the processes sharing a database (020), the
 * limits they count together (021), and `pantau migrate-data`'s progress (022). Conventions as
 * in schema.ts, which re-exports these and lists them in `Database`.
 */

/** Requests of a credential in a clock-hour window, counted by every process (migration 021). */
export interface ApiRateWindowsTable {
  credential_id: number;
  /** hours since the epoch */
  window_start: number;
  count: number;
}

/** The sign-in limiter's counters on PostgreSQL (rate-limiter-flexible's table; migration 021). */
export interface LoginLimitsTable {
  key: string;
  points: number;
  expire: number | null;
}

/**
 * `pantau migrate-data`'s progress in the database it copies into (migration 022): one row per
 * copied table (services/data-migration.ts).
 */
export interface DataMigrationProgressTable {
  table_name: string;
  /** the source database (`sqlite:<file>`), so a resume cannot mix two sources */
  source: string;
  /** the table's place in the copy order (parents before the tables that refer to them) */
  position: number;
  /** `rows` (copying), `links` (a self-reference set after the rows), `done` */
  phase: 'rows' | 'links' | 'done';
  /** rows in the source table when the copy began */
  source_rows: number;
  rows_copied: number;
  /** JSON array of the primary key of the last row committed; null before the first chunk */
  last_key: string | null;
  started_at: string;
  updated_at: string;
}

/** A running server process sharing the database (migration 020). */
export interface ServerProcessesTable {
  /** made at the process's start: `<host>:<pid>:<random>` */
  id: string;
  role: 'all' | 'api' | 'worker' | 'gateway';
  host: string;
  pid: number;
  /** the address it serves, e.g. `http://10.0.0.5:8080` */
  url: string | null;
  version: string;
  started_at: string;
  /** last heartbeat, epoch ms */
  heartbeat_at: number;
}
