/**
 * The audit log (S12): who did what to which record, before and after, from where and when.
 * Written inside the transaction of the change it records. Secrets are masked on the way in.
 */
import { likeOperator } from '../db/sql-fragments.js';
import type { Kysely } from 'kysely';
import type { AuditEntry, PageMeta } from '@pantau/shared';
import type { Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { Actor } from '../domain/caller.js';
import { nowIso } from '../db/database.js';

/** Keys whose values never reach the audit log. */
const SECRET_KEY = /pass(word)?|secret|token|hash|api_key|_enc$/i;

/** Copy of a record with secret values replaced by `"***"` (recursively); URLs lose credentials. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_KEY.test(k) ? (v === null || v === undefined ? v : '***') : maskSecrets(v);
    return out;
  }
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(value))
    return value.replace(/\/\/[^/@\s]*@/, '//***@');
  return value;
}

/** Appends and reads audit records. */
export class AuditRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /** Record one change; call inside its transaction. */
  record(
    actor: Actor,
    action: string,
    entityType: string,
    entityId: string | number | null,
    before: unknown,
    after: unknown,
  ): void {
    this.exec.run(
      this.db.insertInto('audit_logs').values({
        user_id: actor.id,
        user_email: actor.email,
        action,
        entity_type: entityType,
        entity_id: entityId === null ? null : String(entityId),
        before: before === null || before === undefined ? null : JSON.stringify(maskSecrets(before)),
        after: after === null || after === undefined ? null : JSON.stringify(maskSecrets(after)),
        ip: actor.ip,
        user_agent: actor.userAgent?.slice(0, 256) ?? null,
        created_at: nowIso(),
      }),
    );
  }

  /** A page of records, newest first. */
  page(q: {
    page: number;
    per_page: number;
    q?: string | undefined;
    user_id?: number | undefined;
    entity_type?: string | undefined;
    entity_id?: string | undefined;
    action?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
  }): { items: AuditEntry[]; meta: PageMeta } {
    let base = this.db.selectFrom('audit_logs');
    if (q.user_id !== undefined) base = base.where('user_id', '=', q.user_id);
    if (q.entity_type) base = base.where('entity_type', '=', q.entity_type);
    if (q.entity_id) base = base.where('entity_id', '=', q.entity_id);
    if (q.action) base = base.where('action', '=', q.action);
    if (q.from) base = base.where('created_at', '>=', new Date(q.from).toISOString());
    if (q.to) base = base.where('created_at', '<=', new Date(q.to).toISOString());
    if (q.q)
      base = base.where((eb) =>
        eb.or([
          eb('user_email', likeOperator(this.exec.conn.engine), `%${q.q}%`),
          eb('entity_id', likeOperator(this.exec.conn.engine), `%${q.q}%`),
          eb('after', likeOperator(this.exec.conn.engine), `%${q.q}%`),
          eb('before', likeOperator(this.exec.conn.engine), `%${q.q}%`),
        ]),
      );
    const total = Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n);
    const rows = this.exec.all(
      base
        .selectAll()
        .orderBy('id', 'desc')
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page),
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        user_id: r.user_id,
        user_email: r.user_email,
        action: r.action,
        entity_type: r.entity_type,
        entity_id: r.entity_id,
        before: r.before === null ? null : (JSON.parse(r.before) as Record<string, unknown>),
        after: r.after === null ? null : (JSON.parse(r.after) as Record<string, unknown>),
        ip: r.ip,
        created_at: r.created_at,
      })),
      meta: { page: q.page, per_page: q.per_page, total },
    };
  }
}
