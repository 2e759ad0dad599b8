/**
 * CredentialService on a real temporary database with a controllable clock: a status change
 * made through the service reaches a cached key at once (the clock never moves, so only the
 * cache drop can explain it); one made behind its back (another process, scale mode) within
 * {@link CREDENTIAL_CACHE_MS}; revocation stays final.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PantauError } from '@pantau/shared';
import { migrate, openDatabase, type Db } from '../db/database.js';
import { testDatabaseUrl } from '../test-support/postgres.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { AuditRepository } from '../repositories/audit-repository.js';
import { CredentialRepository } from '../repositories/credential-repository.js';
import { tempDataDir } from '../test-support/harness.js';
import { CREDENTIAL_CACHE_MS, CredentialService } from './credential-service.js';
import { SYSTEM } from './auth-service.js';

let dir: string;
let db: Db;
let exec: SyncExecutor;
let svc: CredentialService;
let clock = Date.parse('2026-11-21T08:00:00.000Z');

beforeAll(async () => {
  dir = tempDataDir();
  db = openDatabase(dir, testDatabaseUrl(dir));
  await migrate(db);
  exec = new SyncExecutor(db.conn);
  svc = new CredentialService(
    new CredentialRepository(db.kysely, exec),
    exec,
    new AuditRepository(db.kysely, exec),
    () => clock,
  );
});
afterAll(async () => {
  svc?.close();
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The code and reason `verify` refuses with, or `ok`. */
async function outcome(key: string, secret: string): Promise<string> {
  try {
    await svc.verify(key, secret, '10.0.0.1');
    return 'ok';
  } catch (err) {
    if (!(err instanceof PantauError)) throw err;
    return err.details?.reason ? `${err.code}:${String(err.details.reason)}` : err.code;
  }
}

describe('CredentialService status', () => {
  it('drops the cached row on a status change through the service, so the clock need not move', async () => {
    const c = svc.create({ credential_name: 'frozen clock' }, SYSTEM);
    expect(await outcome(c.api_key, c.api_secret)).toBe('ok');
    expect(svc.update(c.id, { status: 'inactive' }, SYSTEM).status).toBe('inactive');
    expect(await outcome(c.api_key, c.api_secret)).toBe('INVALID_CREDENTIALS:inactive');
    svc.update(c.id, { status: 'active' }, SYSTEM);
    expect(await outcome(c.api_key, c.api_secret)).toBe('ok');
  });

  it('sees a change made elsewhere within the cache lifetime', async () => {
    const c = svc.create({ credential_name: 'other process' }, SYSTEM);
    expect(await outcome(c.api_key, c.api_secret)).toBe('ok');
    db.conn.prepare("UPDATE api_credentials SET status = 'inactive' WHERE id = ?").run(c.id);
    clock += CREDENTIAL_CACHE_MS - 1;
    expect(await outcome(c.api_key, c.api_secret)).toBe('ok'); // still the cached row
    clock += 1;
    expect(await outcome(c.api_key, c.api_secret)).toBe('INVALID_CREDENTIALS:inactive');
  });

  it('creates inactive, audits suspend and resume as disable / enable, and keeps revocation final', async () => {
    const c = svc.create({ credential_name: 'suspended', status: 'inactive' }, SYSTEM);
    expect(svc.get(c.id).status).toBe('inactive');
    expect(await outcome(c.api_key, c.api_secret)).toBe('INVALID_CREDENTIALS:inactive');
    svc.update(c.id, { status: 'active' }, SYSTEM);
    svc.update(c.id, { status: 'inactive' }, SYSTEM);
    svc.update(c.id, { status: 'inactive', rate_limit_per_hour: 5 }, SYSTEM);
    svc.revoke(c.id, SYSTEM);
    const before = svc.get(c.id);
    expect(() => svc.update(c.id, { status: 'active', credential_name: 'back' }, SYSTEM)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', details: { field: 'status' } }),
    );
    expect(svc.get(c.id)).toEqual(before);
    expect(await outcome(c.api_key, c.api_secret)).toBe('INVALID_CREDENTIALS');
    const actions = db.conn
      .prepare("SELECT action FROM audit_logs WHERE entity_type = 'credential' AND entity_id = ? ORDER BY id")
      .all(String(c.id)) as Array<{ action: string }>;
    expect(actions.map((a) => a.action)).toEqual(['create', 'enable', 'disable', 'update', 'revoke']);
  });
});
