/**
 * Two server processes on one PostgreSQL database (PostgreSQL tier only; here two servers in one
 * test process, each with its own connection, as two processes have): what must hold across
 * processes does — one leader, taken over when it stops; a credential's hourly limit counted
 * over both; a revoked credential refused by the other within 5 s; an event committed by one
 * reaches a console on the other, and a console moving between them resumes without a resync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError } from '@pantau/shared';
import { startHarness, tempDataDir, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { testPostgresAdminUrl } from '../test-support/postgres.js';
import { CREDENTIAL_CACHE_MS } from '../services/credential-service.js';

const pg = testPostgresAdminUrl() !== null;
let a: Harness;
let b: Harness;

beforeAll(async () => {
  if (!pg) return;
  const dataDir = tempDataDir();
  a = await startHarness({ dataDir });
  // the same data directory, so the same database (test-support/postgres.ts) and master.key
  b = await startHarness({ dataDir });
}, 60_000);
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

describe.skipIf(!pg)('two servers on one PostgreSQL database', () => {
  it('have one leader, and the other takes over when it stops', async () => {
    await waitFor(async () => (await a.admin.health()).cluster.processes.length === 2, 10_000, 'both registered');
    expect([a.server.services.cluster.isLeader, b.server.services.cluster.isLeader].sort()).toEqual([false, true]);
    expect((await b.admin.health()).cluster.leader).toBe(b.server.services.cluster.isLeader);
  });

  it('count a credential’s hourly limit over both', async () => {
    const c = await a.admin.createCredential({ credential_name: 'shared limit', rate_limit_per_hour: 30 });
    const devA = new ApiClient({ baseUrl: a.server.url, apiKey: { key: c.api_key, secret: c.api_secret } });
    const devB = new ApiClient({ baseUrl: b.server.url, apiKey: { key: c.api_key, secret: c.api_secret } });
    const post = async (dev: ApiClient, i: number) =>
      dev.logDetection({ re_id: `lim-${i}`, branch_id: a.branches[0]!.id, device_id: 'cam-1', detected_count: 1 }).then(
        () => 'accepted',
        (err: unknown) => (err instanceof PantauError ? err.code : 'error'),
      );
    const first: string[] = [];
    for (let i = 0; i < 20; i++) first.push(await post(devA, i));
    expect(first.every((r) => r === 'accepted')).toBe(true);
    // a second of sharing (each process adds its counts and reads the total)
    a.server.services.credentials.shareRequestCounts();
    b.server.services.credentials.shareRequestCounts();
    const second: string[] = [];
    for (let i = 20; i < 40; i++) second.push(await post(devB, i));
    expect(second.filter((r) => r === 'accepted')).toHaveLength(10);
    expect(second.slice(10).every((r) => r === 'RATE_LIMITED')).toBe(true);
  });

  it('count failed sign-ins on both: failures on one make the other wait', async () => {
    await a.admin.createUser({
      email: 'tried@test.local',
      name: 'Tried',
      password: 'right-password',
      role: 'operator',
    });
    const attempt = (h: Harness) =>
      new ApiClient({ baseUrl: h.server.url }).login({ email: 'tried@test.local', password: 'wrong' }).then(
        () => 'signed in',
        (err: unknown) => (err instanceof PantauError ? `${err.code}:${String(err.details?.reason ?? '')}` : 'error'),
      );
    for (let i = 0; i < 4; i++) expect(await attempt(a)).toBe('INVALID_CREDENTIALS:');
    // the fifth, on the other server, knows the four: it takes the account's 1-s wait (and is
    // checked); the sixth, at once, on the first, finds the wait the other set
    expect(await attempt(b)).toBe('INVALID_CREDENTIALS:');
    expect(await attempt(a)).toBe('RATE_LIMITED:account');
  });

  it('refuse a credential revoked on the other within 5 s', async () => {
    const c = await a.admin.createCredential({ credential_name: 'revoked elsewhere' });
    const devB = new ApiClient({ baseUrl: b.server.url, apiKey: { key: c.api_key, secret: c.api_secret } });
    const body = { re_id: 'rev-1', branch_id: a.branches[0]!.id, device_id: 'cam-1', detected_count: 1 };
    await devB.logDetection(body); // B has it cached now
    await a.admin.revokeCredential(c.id);
    const t0 = Date.now();
    await waitFor(
      () =>
        devB.logDetection(body).then(
          () => false,
          (err: unknown) => err instanceof PantauError && err.code === 'INVALID_CREDENTIALS',
        ),
      CREDENTIAL_CACHE_MS + 2000,
      'refused on the other server',
    );
    expect(Date.now() - t0).toBeLessThanOrEqual(CREDENTIAL_CACHE_MS + 500);
  });

  it('deliver an event committed by one to a console on the other, which resumes on the first without a resync', async () => {
    const onB = new WsRecorder(b.server.url);
    await onB.opened;
    onB.send({ type: 'auth', token: a.admin.token });
    await waitFor(() => onB.frames.some((f) => f.type === 'ready'), 5000, 'ready on B');
    await a.device.logDetection({
      re_id: 'across-1',
      branch_id: a.branches[0]!.id,
      device_id: 'cam-1',
      detected_count: 1,
    });
    const seen = await waitFor(
      () =>
        onB.events().find((e) => e.type === 'detection_update' && (e.data as { re_id: string }).re_id === 'across-1'),
      5000,
      'the event on B',
    );
    onB.close();
    // more events while the console is away, then it comes back on A with its cursor
    for (let i = 2; i <= 4; i++)
      await b.device.logDetection({
        re_id: `across-${i}`,
        branch_id: a.branches[0]!.id,
        device_id: 'cam-1',
        detected_count: 1,
      });
    const onA = new WsRecorder(a.server.url);
    await onA.opened;
    onA.send({ type: 'auth', token: a.admin.token, since: seen.id });
    const people = () =>
      onA
        .events()
        .filter((e) => e.type === 'detection_update')
        .map((e) => (e.data as { re_id: string }).re_id);
    await waitFor(() => people().length >= 3, 5000, 'the missed events on A');
    expect(onA.frames.some((f) => f.type === 'resync_required')).toBe(false);
    expect(people()).toEqual(['across-2', 'across-3', 'across-4']);
    onA.close();
  });

  it('hands the leadership over when the leader stops', async () => {
    const [leader, other] = a.server.services.cluster.isLeader ? [a, b] : [b, a];
    leader.server.services.cluster.stop();
    await waitFor(() => other.server.services.cluster.isLeader, 5000, 'the other leads');
  });
});
