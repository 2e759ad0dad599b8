/**
 * Organisation routes: 201 with the row, 409 on duplicate codes, references checked,
 * writes refused to non-admins, stream credentials never returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError } from '@pantau/shared';
import { startHarness, type Harness } from '../test-support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const codeOf = async (p: Promise<unknown>) => {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(PantauError);
  return { code: (e as PantauError).code, field: (e as PantauError).details?.field, status: (e as PantauError).status };
};

describe('organisation', () => {
  it('refuses duplicate province and branch codes with 409 and the field', async () => {
    expect(await codeOf(h.admin.createGroup({ province_code: 'JKT', province_name: 'x', group_name: 'x' }))).toEqual({
      code: 'CONFLICT',
      field: 'province_code',
      status: 409,
    });
    expect(
      await codeOf(h.admin.createBranch({ group_id: 1, branch_code: 'JKT-01', branch_name: 'x', city: 'x' })),
    ).toEqual({ code: 'CONFLICT', field: 'branch_code', status: 409 });
    expect(
      await codeOf(h.admin.createDevice({ device_id: 'cam-1', device_name: 'x', device_type: 'camera', branch_id: 1 })),
    ).toEqual({ code: 'CONFLICT', field: 'device_id', status: 409 });
  });

  it('checks references and formats', async () => {
    expect(
      await codeOf(h.admin.createBranch({ group_id: 99, branch_code: 'X-1', branch_name: 'x', city: 'x' })),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'group_id' });
    expect(
      await codeOf(
        h.admin.createBranch({
          group_id: 1,
          branch_code: 'X-2',
          branch_name: 'x',
          city: 'x',
          timezone: 'Mars/Olympus',
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'timezone' });
    expect(
      await codeOf(
        h.admin.createDevice({ device_id: 'bad id', device_name: 'x', device_type: 'camera', branch_id: 1 }),
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'device_id' });
    expect(
      await codeOf(
        h.admin.createStream({
          branch_id: h.branches[1]!.id,
          device_id: 'cam-1',
          stream_name: 's',
          main_url: 'rtsp://10.0.0.1/x',
        }),
      ),
    ).toMatchObject({ code: 'DEVICE_BRANCH_MISMATCH', field: 'device_id' });
    expect(
      await codeOf(
        h.admin.createStream({
          branch_id: h.branches[0]!.id,
          device_id: 'cam-1',
          stream_name: 's',
          main_url: 'ftp://x',
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'main_url' });
  });

  it('stores stream passwords encrypted and never returns them', async () => {
    const s = await h.admin.createStream({
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      stream_name: 'Lobby main',
      main_url: 'rtsp://viewer:s3cret@10.0.0.5:554/Streaming/101',
    });
    expect(s).toMatchObject({ main_url: 'rtsp://10.0.0.5:554/Streaming/101', has_credentials: true });
    expect(JSON.stringify(await h.admin.listStreams())).not.toContain('s3cret');
    const row = h.server.services.db.conn.prepare('SELECT * FROM cctv_streams WHERE id = ?').get(s.id) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(row)).not.toContain('s3cret');
    expect(h.server.services.organisation.sourceUrl(s.id, 'main', null)?.url).toBe(
      'rtsp://viewer:s3cret@10.0.0.5:554/Streaming/101',
    );
  });

  it('refuses writes by non-admins (403) and calls without a session (401)', async () => {
    await h.server.services.auth.createUser({ email: 'viewer@test.local', password: 'viewer-pw1', role: 'viewer' });
    const viewer = new ApiClient({ baseUrl: h.server.url });
    await viewer.login({ email: 'viewer@test.local', password: 'viewer-pw1' });
    expect(await codeOf(viewer.createGroup({ province_code: 'V', province_name: 'v', group_name: 'v' }))).toMatchObject(
      { code: 'FORBIDDEN', status: 403 },
    );
    expect((await viewer.listGroups()).length).toBeGreaterThan(0);
    const anon = new ApiClient({ baseUrl: h.server.url });
    expect(await codeOf(anon.listGroups())).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(await codeOf(anon.login({ email: 'viewer@test.local', password: 'wrong' }))).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      status: 401,
    });
    await viewer.logout();
    expect(await codeOf(viewer.listGroups())).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('serves the OpenAPI document and health', async () => {
    const doc = (await (await fetch(`${h.server.url}/api/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/detection/log', '/api/v1/groups', '/api/v1/persons/{re_id}']),
    );
    const health = await h.admin.health();
    expect(health).toMatchObject({ status: 'ok', database: { ok: true } });
  });
});
