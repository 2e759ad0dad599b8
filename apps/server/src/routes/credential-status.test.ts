/**
 * Credential status (issue 4, S7): created active or inactive, suspended and resumed with
 * PATCH, revocation final (409 on a status change, nothing changed), `revoked` refused on
 * create, the list filter, the audit trail, and a suspended key refused at once although its
 * row was cached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type Credential, type CredentialCreated, type CredentialStatus } from '@pantau/shared';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  if (h) await waitFor(() => h.server.services.queue.stats().pending === 0, 10_000, 'drain');
  await h?.stop();
});

let seq = 0;
/** A device posting one detection with the credential: the raw answer. */
const post = (c: { api_key: string; api_secret: string }) =>
  new ApiClient({ baseUrl: h.server.url, apiKey: { key: c.api_key, secret: c.api_secret } }).raw(
    'POST',
    '/api/v1/detection/log',
    {
      re_id: 'status-1',
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      detected_count: 1,
      event_id: `status-${++seq}`,
    },
  );
type Failure = {
  success: false;
  error: { code: string; message: string; details?: { field?: string; reason?: string } };
};
const errorOf = (body: unknown) => (body as Failure).error;
const create = async (body: Record<string, unknown>) =>
  (await h.admin.request<CredentialCreated>('POST', '/api/v1/credentials', body)).data;
const row = (id: number) =>
  h.server.services.db.conn.prepare('SELECT status, updated_at FROM api_credentials WHERE id = ?').get(id) as {
    status: string;
    updated_at: string;
  };
const actions = (id: number) =>
  (
    h.server.services.db.conn
      .prepare("SELECT action FROM audit_logs WHERE entity_type = 'credential' AND entity_id = ? ORDER BY id")
      .all(String(id)) as Array<{ action: string }>
  ).map((r) => r.action);

describe('credential status', () => {
  it('creates a credential inactive: devices get 401 with the reason; PATCH to active lets them in (202)', async () => {
    const c = await create({ credential_name: 'suspended gate', status: 'inactive' });
    expect((await h.admin.getCredential(c.id)).status).toBe('inactive');

    const refused = await post(c);
    expect(refused.status).toBe(401);
    expect(errorOf(refused.body)).toMatchObject({ code: 'INVALID_CREDENTIALS', details: { reason: 'inactive' } });
    expect(errorOf(refused.body).message).toMatch(/inactive/);
    // without the right secret the answer says nothing about the key
    const guessed = await post({ api_key: c.api_key, api_secret: 'wrong' });
    expect(guessed.status).toBe(401);
    expect(errorOf(guessed.body).details).toBeUndefined();

    const resumed = await h.admin.raw('PATCH', `/api/v1/credentials/${c.id}`, { status: 'active' });
    expect(resumed.status).toBe(200);
    expect((resumed.body as { data: Credential }).data.status).toBe('active');
    expect((await post(c)).status).toBe(202);
    expect(actions(c.id)).toEqual(['create', 'enable']);
  });

  it('suspends a key whose row is cached at once, and resumes it at once', async () => {
    const c = await create({ credential_name: 'cached gate' });
    expect((await post(c)).status).toBe(202); // the row is now cached for CREDENTIAL_CACHE_MS
    const t0 = Date.now();
    await h.admin.updateCredential(c.id, { status: 'inactive' });
    const refused = await post(c);
    expect(refused.status).toBe(401);
    expect(errorOf(refused.body).details?.reason).toBe('inactive');
    await h.admin.updateCredential(c.id, { status: 'active' });
    expect((await post(c)).status).toBe(202);
    expect(Date.now() - t0).toBeLessThan(5000);
    // a PATCH without a status change is an ordinary update
    await h.admin.updateCredential(c.id, { credential_name: 'cached gate 2', status: 'active' });
    expect(actions(c.id)).toEqual(['create', 'disable', 'enable', 'update']);
  });

  it('refuses to change the status of a revoked credential with 409, changing nothing', async () => {
    const c = await create({ credential_name: 'gone' });
    await h.admin.revokeCredential(c.id);
    const before = row(c.id);
    const audited = actions(c.id);
    for (const status of ['active', 'inactive']) {
      const r = await h.admin.raw('PATCH', `/api/v1/credentials/${c.id}`, { status, credential_name: 'renamed' });
      expect(r.status).toBe(409);
      expect(errorOf(r.body)).toMatchObject({ code: 'CONFLICT', details: { field: 'status' } });
      expect(errorOf(r.body).message).toMatch(/revoked/);
    }
    expect(row(c.id)).toEqual(before);
    expect((await h.admin.getCredential(c.id)).credential_name).toBe('gone');
    expect(actions(c.id)).toEqual(audited);
    expect((await post(c)).status).toBe(401);
  });

  it('refuses status revoked on create and on PATCH with a 400 naming the field', async () => {
    const count = () =>
      (h.server.services.db.conn.prepare('SELECT COUNT(*) AS n FROM api_credentials').get() as { n: number }).n;
    const n = count();
    const r = await h.admin.raw('POST', '/api/v1/credentials', { credential_name: 'born revoked', status: 'revoked' });
    expect(r.status).toBe(400);
    expect(errorOf(r.body)).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'status' } });
    expect(count()).toBe(n);
    const c = await create({ credential_name: 'patched revoked' });
    const p = await h.admin.raw('PATCH', `/api/v1/credentials/${c.id}`, { status: 'revoked' });
    expect(p.status).toBe(400);
    expect(errorOf(p.body)).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'status' } });
    expect(row(c.id).status).toBe('active');
  });

  it('filters the list by each status', async () => {
    const inactive = await create({ credential_name: 'filter inactive', status: 'inactive' });
    const revoked = await create({ credential_name: 'filter revoked' });
    await h.admin.revokeCredential(revoked.id);
    const ids = async (status: CredentialStatus) =>
      (await h.admin.credentialsPage({ status, per_page: 100 })).items.map((c) => [c.id, c.status] as const);
    const [a, i, r] = await Promise.all([ids('active'), ids('inactive'), ids('revoked')]);
    expect(i.every(([, s]) => s === 'inactive')).toBe(true);
    expect(i.map(([id]) => id)).toContain(inactive.id);
    expect(a.every(([, s]) => s === 'active')).toBe(true);
    expect(r.map(([id]) => id)).toContain(revoked.id);
    expect((await h.admin.raw('GET', '/api/v1/credentials', undefined, { status: 'paused' })).status).toBe(400);
  });
});
