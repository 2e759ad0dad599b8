/**
 * Migration 009 (throughput, issue 11): a claim that costs the same at 10 and at 1,000,000
 * pending jobs, and queue numbers that do not scan the backlog. Never edit once landed.
 *
 * - A job waiting for a later `run_at` (a delayed enqueue, a retry's back-off) is `delayed`, no
 *   longer `pending`: `pending` means due. The worker promotes due `delayed` jobs to `pending`
 *   (by `jobs_delayed_idx`, in `run_at` order) before it claims.
 * - The claim reads `jobs_pending_idx` (queue, priority, id) over pending jobs only, so
 *   `WHERE status = 'pending' AND queue = ? ORDER BY priority, id LIMIT n` walks n index
 *   entries and sorts nothing. The old index (status, queue, priority, run_at, id) had `run_at`
 *   before `priority`, so every claim sorted the whole backlog (13 ms at 50k, 287 ms at 1M).
 * - `job_counts` keeps the number of jobs per (queue, status), maintained by triggers in the
 *   statement that changes a job, so the queue monitor's numbers (every 2 s) cost a read of a
 *   dozen rows instead of a count over the backlog.
 *
 * On PostgreSQL the table is made but no triggers keep it: there every transaction that adds or
 * finishes a job would update the same (queue, status) row and hold its lock until it commits,
 * so the processes of a cluster would take turns at it; the queue counts its jobs there
 * instead (repositories/job-queue.ts).
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../migration-engine.js';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE jobs SET status = 'delayed' WHERE status = 'pending' AND run_at > ${Date.now()}`.execute(db);
  await db.schema.dropIndex('jobs_claim_idx').execute();
  await db.schema
    .createIndex('jobs_pending_idx')
    .on('jobs')
    .columns(['queue', 'priority', 'id'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('jobs_delayed_idx')
    .on('jobs')
    .column('run_at')
    .where(sql.ref('status'), '=', 'delayed')
    .execute();

  await db.schema
    .createTable('job_counts')
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_counts_pk', ['queue', 'status'])
    .modifyEnd(sql`WITHOUT ROWID`)
    .execute();
  if (isPostgres(db)) return;
  await sql`INSERT INTO job_counts (queue, status, n) SELECT queue, status, COUNT(*) FROM jobs GROUP BY queue, status`.execute(
    db,
  );
  await sql`CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs BEGIN
      INSERT INTO job_counts (queue, status, n) VALUES (NEW.queue, NEW.status, 1)
        ON CONFLICT (queue, status) DO UPDATE SET n = n + 1;
    END`.execute(db);
  await sql`CREATE TRIGGER jobs_count_delete AFTER DELETE ON jobs BEGIN
      UPDATE job_counts SET n = n - 1 WHERE queue = OLD.queue AND status = OLD.status;
    END`.execute(db);
  await sql`CREATE TRIGGER jobs_count_update AFTER UPDATE OF status, queue ON jobs
    WHEN OLD.status IS NOT NEW.status OR OLD.queue IS NOT NEW.queue BEGIN
      UPDATE job_counts SET n = n - 1 WHERE queue = OLD.queue AND status = OLD.status;
      INSERT INTO job_counts (queue, status, n) VALUES (NEW.queue, NEW.status, 1)
        ON CONFLICT (queue, status) DO UPDATE SET n = n + 1;
    END`.execute(db);
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) {
    await sql`DROP TRIGGER jobs_count_update`.execute(db);
    await sql`DROP TRIGGER jobs_count_delete`.execute(db);
    await sql`DROP TRIGGER jobs_count_insert`.execute(db);
  }
  await db.schema.dropTable('job_counts').execute();
  await db.schema.dropIndex('jobs_delayed_idx').execute();
  await db.schema.dropIndex('jobs_pending_idx').execute();
  await db.schema
    .createIndex('jobs_claim_idx')
    .on('jobs')
    .columns(['status', 'queue', 'priority', 'run_at', 'id'])
    .execute();
  await sql`UPDATE jobs SET status = 'pending' WHERE status = 'delayed'`.execute(db);
}
