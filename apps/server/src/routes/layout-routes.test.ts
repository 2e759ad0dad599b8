/**
 * Layouts over HTTP (S9) against a real server and SQLite file: tiles of fixed and custom
 * grids with spans and patrols, validation errors naming the field and changing nothing,
 * scope (streams and layouts outside it are 404), private layouts seen by their owner only,
 * the default switched in one transaction, and `layout_updated` written for every change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError, type Layout } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';

let h: Harness;
let s1: number; // Jakarta
let s2: number; // Jakarta
let s3: number; // Bandung
let operator: ApiClient; // Jakarta only
let operatorId: number;
let bandungAdmin: ApiClient; // admin scoped to Bandung's group

beforeAll(async () => {
  h = await startHarness();
  const [jkt, bdg] = h.branches;
  s1 = (
    await h.admin.createStream({
      branch_id: jkt!.id,
      device_id: 'cam-1',
      stream_name: 'Lobby',
      main_url: 'rtsp://127.0.0.1:9/a',
    })
  ).id;
  s2 = (
    await h.admin.createStream({
      branch_id: jkt!.id,
      device_id: 'cam-1',
      stream_name: 'Lobby wide',
      main_url: 'rtsp://127.0.0.1:9/b',
    })
  ).id;
  s3 = (
    await h.admin.createStream({
      branch_id: bdg!.id,
      device_id: 'cam-2',
      stream_name: 'Gate',
      main_url: 'rtsp://127.0.0.1:9/c',
    })
  ).id;
  const auth = h.server.services.auth;
  operatorId = (
    await auth.createUser({
      email: 'op@test.local',
      password: 'operator-pw1',
      role: 'operator',
      scope_all: false,
      scope_branch_ids: [jkt!.id],
    })
  ).id;
  await auth.createUser({
    email: 'sa@test.local',
    password: 'scoped-admin-pw',
    role: 'admin',
    scope_all: false,
    scope_group_ids: [bdg!.group_id],
  });
  operator = new ApiClient({ baseUrl: h.server.url });
  await operator.login({ email: 'op@test.local', password: 'operator-pw1' });
  bandungAdmin = new ApiClient({ baseUrl: h.server.url });
  await bandungAdmin.login({ email: 'sa@test.local', password: 'scoped-admin-pw' });
});
afterAll(async () => {
  await h?.stop();
});

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PantauError);
  const err = e as PantauError;
  return { status: err.status, code: err.code, field: err.details?.field };
};
const count = (table: string) =>
  (h.server.services.db.conn.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const snapshot = () => ({
  layouts: JSON.stringify(h.server.services.db.conn.prepare('SELECT * FROM cctv_layout_settings ORDER BY id').all()),
  positions: JSON.stringify(
    h.server.services.db.conn.prepare('SELECT * FROM cctv_position_settings ORDER BY id').all(),
  ),
  // layout events only: the scheduler's queue numbers and stream probes may land meanwhile
  outbox: (
    h.server.services.db.conn
      .prepare(`SELECT COUNT(*) AS n FROM realtime_outbox WHERE type = 'layout_updated'`)
      .get() as { n: number }
  ).n,
  audit: count('audit_logs'),
});
const tiles = (l: Layout) =>
  l.positions.map((p) => [p.position_number, p.stream_id, p.row, p.col, p.row_span, p.col_span]);

describe('layouts', () => {
  it('keeps a wall’s live mode (always by default, live on activity when set), and the 36-tile fixed grid', async () => {
    const s = (await h.admin.listStreams())[0]!;
    const made = await h.admin.createLayout({
      layout_name: 'Big wall',
      layout_type: '36',
      positions: [{ position_number: 36, stream_id: s.id }],
    });
    expect(made).toMatchObject({ live_mode: 'always', grid_rows: 6, grid_cols: 6 });
    expect(made.positions[0]).toMatchObject({ row: 6, col: 6 });
    const changed = await h.admin.updateLayout(made.id, { live_mode: 'activity' });
    expect(changed.live_mode).toBe('activity');
    expect((await h.admin.getLayout(made.id)).live_mode).toBe('activity');
    expect((await h.admin.updateLayout(made.id, { layout_name: 'Big wall 2' })).live_mode).toBe('activity');
    const bad = await h.admin.updateLayout(made.id, { live_mode: 'sometimes' as 'always' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'live_mode' } });
    await h.admin.deleteLayout(made.id);
  });

  it('stores a custom grid with spanning tiles and a patrol, and places fixed tiles from their template', async () => {
    const custom = await h.admin.createLayout({
      layout_name: 'Lobby 3×3',
      layout_type: 'custom',
      grid_rows: 3,
      grid_cols: 3,
      positions: [
        {
          position_number: 1,
          stream_id: s1,
          row: 1,
          col: 1,
          row_span: 2,
          col_span: 2,
          position_name: 'Entrance',
          quality: 'main',
        },
        { position_number: 2, stream_id: s2, row: 1, col: 3, patrol: { stream_ids: [s1], interval_s: 5 } },
        { position_number: 3, stream_id: s2, row: 3, col: 1, col_span: 3, is_enabled: false },
      ],
    });
    expect(custom).toMatchObject({
      layout_type: 'custom',
      grid_rows: 3,
      grid_cols: 3,
      visibility: 'shared',
      owner_user_id: null,
      editable: true,
    });
    expect(tiles(custom)).toEqual([
      [1, s1, 1, 1, 2, 2],
      [2, s2, 1, 3, 1, 1],
      [3, s2, 3, 1, 1, 3],
    ]);
    expect(custom.positions[0]).toMatchObject({
      position_name: 'Entrance',
      quality: 'main',
      stream_name: 'Lobby',
      branch_id: h.branches[0]!.id,
      patrol: null,
    });
    expect(custom.positions[1]!.patrol).toEqual({
      interval_s: 5,
      streams: [expect.objectContaining({ stream_id: s1, stream_name: 'Lobby' })],
    });
    expect(custom.positions[2]!.is_enabled).toBe(false);
    expect(await h.admin.getLayout(custom.id)).toEqual(custom);

    const six = await h.admin.createLayout({
      layout_name: 'NVR 6',
      layout_type: '6',
      positions: [
        { position_number: 1, stream_id: s1 },
        { position_number: 6, stream_id: s2 },
      ],
    });
    expect(six).toMatchObject({ grid_rows: 3, grid_cols: 3 });
    expect(tiles(six)).toEqual([
      [1, s1, 1, 1, 2, 2],
      [6, s2, 3, 3, 1, 1],
    ]);
  });

  it('answers bad tiles with the field and changes nothing', async () => {
    const base = await h.admin.createLayout({
      layout_name: 'Base',
      layout_type: 'custom',
      grid_rows: 2,
      grid_cols: 2,
      positions: [{ position_number: 1, stream_id: s1, row: 1, col: 1 }],
    });
    const before = snapshot();
    const grid = { layout_name: 'Bad', layout_type: 'custom' as const, grid_rows: 2, grid_cols: 2 };
    expect(
      await failure(
        h.admin.createLayout({
          ...grid,
          positions: [
            { position_number: 1, stream_id: s1, row: 1, col: 1, row_span: 2, col_span: 2 },
            { position_number: 2, stream_id: s2, row: 2, col: 2 },
          ],
        }),
      ),
    ).toEqual({
      status: 400,
      code: 'VALIDATION_ERROR',
      field: 'positions.1.row',
    });
    expect(
      await failure(
        h.admin.createLayout({
          ...grid,
          positions: [{ position_number: 1, stream_id: s1, row: 2, col: 2, col_span: 2 }],
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'positions.0.col_span' });
    expect(
      await failure(
        h.admin.createLayout({ ...grid, positions: [{ position_number: 1, stream_id: s1, row: 9, col: 1 }] }),
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'positions.0.row' });
    expect(
      await failure(h.admin.createLayout({ layout_name: 'No size', layout_type: 'custom', grid_cols: 2 })),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'grid_rows' });
    expect(
      await failure(
        h.admin.createLayout({
          ...grid,
          positions: [{ position_number: 1, stream_id: s1, patrol: { stream_ids: [s2], interval_s: 4 } }],
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'positions.0.patrol.interval_s' });
    expect(
      await failure(
        h.admin.createLayout({ ...grid, positions: [{ position_number: 1, stream_id: s1, quality: 'hd' as 'main' }] }),
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'positions.0.quality' });
    expect(
      await failure(h.admin.createLayout({ ...grid, positions: [{ position_number: 1, stream_id: 999 }] })),
    ).toMatchObject({ status: 404, code: 'NOT_FOUND', field: 'positions.0.stream_id' });
    expect(
      await failure(
        h.admin.createLayout({
          ...grid,
          positions: [{ position_number: 1, stream_id: s1, patrol: { stream_ids: [s2, 999], interval_s: 10 } }],
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND', field: 'positions.0.patrol.stream_ids.1' });
    expect(await failure(h.admin.updateLayout(base.id, { layout_name: 'x', colour: 'red' } as never))).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(await failure(h.admin.updateLayout(base.id, { layout_name: '  ' }))).toMatchObject({
      code: 'VALIDATION_ERROR',
      field: 'layout_name',
    });
    expect(
      await failure(
        h.admin.replacePositions(base.id, {
          positions: [
            { position_number: 1, stream_id: s1 },
            { position_number: 1, stream_id: s2 },
          ],
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'positions.1.position_number' });
    expect(
      await failure(
        h.admin.updateLayout(base.id, {
          grid_rows: 1,
          grid_cols: 1,
          positions: [{ position_number: 1, stream_id: s1, row: 1, col: 2 }],
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION_ERROR', field: 'positions.0.col' });
    expect(snapshot()).toEqual(before);
  });

  it('replaces every tile in one call and refits tiles when only the type changes', async () => {
    const l = await h.admin.createLayout({
      layout_name: 'Four',
      layout_type: '4',
      positions: [
        { position_number: 1, stream_id: s1 },
        { position_number: 4, stream_id: s2 },
      ],
    });
    const replaced = await h.admin.replacePositions(l.id, {
      positions: [{ position_number: 2, stream_id: s2, position_name: 'Wide' }],
    });
    expect(tiles(replaced)).toEqual([[2, s2, 1, 2, 1, 1]]);
    const nine = await h.admin.updateLayout(l.id, { layout_type: '9', layout_name: 'Nine' });
    expect(nine).toMatchObject({ layout_name: 'Nine', layout_type: '9', grid_rows: 3 });
    expect(tiles(nine)).toEqual([[2, s2, 1, 2, 1, 1]]);
    expect(nine.positions[0]!.position_name).toBe('Wide');
    await h.admin.replacePositions(l.id, { positions: [{ position_number: 9, stream_id: s1 }] });
    expect(await failure(h.admin.updateLayout(l.id, { layout_type: '4' }))).toMatchObject({
      code: 'VALIDATION_ERROR',
      field: 'layout_type',
    });
    const custom = await h.admin.updateLayout(l.id, { layout_type: 'custom', grid_rows: 3, grid_cols: 3 });
    expect(tiles(custom)).toEqual([[9, s1, 3, 3, 1, 1]]);
  });

  it('keeps layouts and streams outside the caller’s scope out of reach (404)', async () => {
    const jakarta = await h.admin.createLayout({
      layout_name: 'Jakarta only',
      layout_type: '4',
      positions: [{ position_number: 1, stream_id: s1 }],
    });
    const mixed = await h.admin.createLayout({
      layout_name: 'Both',
      layout_type: '4',
      positions: [
        { position_number: 1, stream_id: s1 },
        { position_number: 2, stream_id: s3 },
      ],
    });
    const bandung = await h.admin.createLayout({
      layout_name: 'Bandung only',
      layout_type: '1',
      positions: [{ position_number: 1, stream_id: s3 }],
    });

    const opSees = (await operator.listLayouts()).map((l) => l.id);
    expect(opSees).toContain(jakarta.id);
    expect(opSees).not.toContain(bandung.id);
    expect(await failure(operator.getLayout(bandung.id))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await operator.getLayout(jakarta.id)).editable).toBe(false);
    // a layout across sites shows each user their own site's tiles only
    expect(tiles(await operator.getLayout(mixed.id))).toEqual([[1, s1, 1, 1, 1, 1]]);
    expect(tiles(await bandungAdmin.getLayout(mixed.id))).toEqual([[2, s3, 1, 2, 1, 1]]);

    const saSees = (await bandungAdmin.listLayouts()).map((l) => l.id);
    expect(saSees).toEqual(expect.arrayContaining([mixed.id, bandung.id]));
    expect(saSees).not.toContain(jakarta.id);
    expect(await failure(bandungAdmin.updateLayout(jakarta.id, { layout_name: 'Mine now' }))).toMatchObject({
      status: 404,
    });
    // …and only an admin whose scope holds all of it may change it (a change would drop the tiles they cannot see)
    expect((await bandungAdmin.getLayout(mixed.id)).editable).toBe(false);
    expect(await failure(bandungAdmin.replacePositions(mixed.id, { positions: [] }))).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
    expect(tiles(await h.admin.getLayout(mixed.id))).toHaveLength(2);
    expect(
      await failure(
        bandungAdmin.createLayout({
          layout_name: 'Reach',
          layout_type: '4',
          positions: [{ position_number: 1, stream_id: s1 }],
        }),
      ),
    ).toMatchObject({ status: 404, field: 'positions.0.stream_id' });
    expect(
      await failure(
        bandungAdmin.replacePositions(bandung.id, {
          positions: [{ position_number: 1, stream_id: s3, patrol: { stream_ids: [s1], interval_s: 5 } }],
        }),
      ),
    ).toMatchObject({
      status: 404,
      field: 'positions.0.patrol.stream_ids.0',
    });
    expect((await bandungAdmin.updateLayout(bandung.id, { layout_name: 'Bandung gate' })).layout_name).toBe(
      'Bandung gate',
    );
  });

  it('shows a private layout to its owner only; only admins share or change shared ones', async () => {
    const mine = await operator.createLayout({
      layout_name: 'My lobby',
      layout_type: '1',
      visibility: 'private',
      positions: [{ position_number: 1, stream_id: s1 }],
    });
    expect(mine).toMatchObject({ visibility: 'private', owner_user_id: operatorId, editable: true });
    expect((await operator.listLayouts()).map((l) => l.id)).toContain(mine.id);
    expect((await h.admin.listLayouts()).map((l) => l.id)).not.toContain(mine.id);
    expect(await failure(h.admin.getLayout(mine.id))).toMatchObject({ status: 404 });
    expect(await failure(h.admin.deleteLayout(mine.id))).toMatchObject({ status: 404 });
    expect((await operator.updateLayout(mine.id, { layout_name: 'My lobby 2' })).layout_name).toBe('My lobby 2');

    expect(await failure(operator.createLayout({ layout_name: 'Everyone', layout_type: '1' }))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      field: 'visibility',
    });
    expect(await failure(operator.updateLayout(mine.id, { visibility: 'shared' }))).toMatchObject({
      status: 403,
      field: 'visibility',
    });
    const shared = await h.admin.createLayout({
      layout_name: 'Shared lobby',
      layout_type: '1',
      positions: [{ position_number: 1, stream_id: s1 }],
    });
    expect(await failure(operator.updateLayout(shared.id, { layout_name: 'Hijack' }))).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
    expect(await failure(operator.deleteLayout(shared.id))).toMatchObject({ status: 403 });
    expect(await failure(h.admin.setDefaultLayout(mine.id))).toMatchObject({ status: 404 });

    const adminPrivate = await h.admin.createLayout({
      layout_name: 'Admin desk',
      layout_type: '1',
      visibility: 'private',
    });
    expect(await failure(h.admin.setDefaultLayout(adminPrivate.id))).toMatchObject({
      status: 400,
      code: 'VALIDATION_ERROR',
      field: 'visibility',
    });
    expect(
      await failure(
        h.admin.createLayout({ layout_name: 'x', layout_type: '1', visibility: 'private', is_default: true }),
      ),
    ).toMatchObject({ status: 400, field: 'is_default' });

    await operator.deleteLayout(mine.id);
    expect(await failure(operator.getLayout(mine.id))).toMatchObject({ status: 404 });
  });

  it('switches the default in one transaction and announces every change', async () => {
    const rec = new WsRecorder(h.server.url);
    await rec.opened;
    rec.send({ type: 'auth', token: h.admin.token });
    await waitFor(() => rec.frames.some((f) => f.type === 'ready'));
    const a = await h.admin.createLayout({ layout_name: 'Day', layout_type: '4', is_default: true });
    const b = await h.admin.createLayout({ layout_name: 'Night', layout_type: '4' });
    const defaults = () =>
      (
        h.server.services.db.conn.prepare('SELECT id FROM cctv_layout_settings WHERE is_default = 1').all() as Array<{
          id: number;
        }>
      ).map((r) => r.id);
    expect(defaults()).toEqual([a.id]);

    expect((await h.admin.setDefaultLayout(b.id)).is_default).toBe(true);
    expect(defaults()).toEqual([b.id]);
    expect((await h.admin.getLayout(a.id)).is_default).toBe(false);
    expect((await operator.defaultLayout()).id).toBe(b.id); // a layout without streams is in everyone's scope
    expect((await h.admin.defaultLayout()).id).toBe(b.id);

    // A failure after the old default was unset rolls everything back.
    const conn = h.server.services.db.conn;
    conn.exec(
      conn.engine === 'postgres'
        ? `CREATE FUNCTION refuse_default() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
           CREATE TRIGGER refuse_default BEFORE UPDATE OF is_default ON cctv_layout_settings FOR EACH ROW
             WHEN (NEW.is_default = 1 AND NEW.id = ${a.id}) EXECUTE FUNCTION refuse_default()`
        : `CREATE TRIGGER refuse_default BEFORE UPDATE OF is_default ON cctv_layout_settings WHEN NEW.is_default = 1 AND NEW.id = ${a.id} BEGIN SELECT RAISE(ABORT, 'refused'); END`,
    );
    const before = snapshot();
    await expect(h.admin.setDefaultLayout(a.id)).rejects.toBeInstanceOf(PantauError);
    conn.exec(
      conn.engine === 'postgres'
        ? 'DROP TRIGGER refuse_default ON cctv_layout_settings; DROP FUNCTION refuse_default()'
        : 'DROP TRIGGER refuse_default',
    );
    expect(snapshot()).toEqual(before);
    expect(defaults()).toEqual([b.id]);

    await h.admin.updateLayout(a.id, { layout_name: 'Day shift' });
    await h.admin.deleteLayout(a.id);
    const layoutEvents = () =>
      rec
        .events()
        .filter((e) => e.type === 'layout_updated')
        .map((e) => e.data as { layout_id: number; action: string; visibility: string });
    await waitFor(() => layoutEvents().some((e) => e.action === 'deleted'), 5000, 'delete event');
    expect(layoutEvents()).toEqual([
      { layout_id: a.id, action: 'created', visibility: 'shared', owner_user_id: null },
      { layout_id: b.id, action: 'created', visibility: 'shared', owner_user_id: null },
      { layout_id: a.id, action: 'updated', visibility: 'shared', owner_user_id: null },
      { layout_id: b.id, action: 'updated', visibility: 'shared', owner_user_id: null },
      { layout_id: a.id, action: 'updated', visibility: 'shared', owner_user_id: null },
      { layout_id: a.id, action: 'deleted', visibility: 'shared', owner_user_id: null },
    ]);
    expect(
      h.server.services.db.conn
        .prepare(`SELECT action FROM audit_logs WHERE entity_type = 'layout' AND entity_id = ? ORDER BY id`)
        .all(String(a.id)),
    ).toEqual([{ action: 'create' }, { action: 'unset_default' }, { action: 'update' }, { action: 'delete' }]);
    rec.close();
  });
});
