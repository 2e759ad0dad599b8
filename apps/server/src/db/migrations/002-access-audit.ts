/**
 * Migration 002 (issue 3): user scopes of groups and branches, last sign-in, the audit log,
 * and the group of an outbox event (so group-level changes reach only users who may see the
 * group). Never edit once landed.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('scope_all', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('scope_group_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('scope_branch_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('users').addColumn('last_login_at', 'text').execute();
  await sql`UPDATE users SET scope_all = CASE WHEN branch_scope IS NULL THEN 1 ELSE 0 END, scope_branch_ids = COALESCE(branch_scope, '[]')`.execute(
    db,
  );
  await db.schema.alterTable('users').dropColumn('branch_scope').execute();

  await db.schema.alterTable('realtime_outbox').addColumn('group_id', 'integer').execute();
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('audit_logs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer')
    .addColumn('user_email', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_logs_entity_idx').on('audit_logs').columns(['entity_type', 'entity_id']).execute();
  await db.schema.createIndex('audit_logs_user_idx').on('audit_logs').columns(['user_id', 'id']).execute();
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_logs').ifExists().execute();
  await db.schema.dropIndex('sessions_user_idx').ifExists().execute();
  await db.schema.alterTable('sessions').dropColumn('user_agent').execute();
  await db.schema.alterTable('realtime_outbox').dropColumn('group_id').execute();
  await db.schema.alterTable('users').addColumn('branch_scope', 'text').execute();
  await sql`UPDATE users SET branch_scope = CASE WHEN scope_all = 1 THEN NULL ELSE scope_branch_ids END`.execute(db);
  for (const c of ['last_login_at', 'scope_branch_ids', 'scope_group_ids', 'scope_all'])
    await db.schema.alterTable('users').dropColumn(c).execute();
}
