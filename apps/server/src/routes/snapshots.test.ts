/**
 * Snapshots end to end inside a real server (S5, issue 5): multipart detections with an
 * image, refusals that store nothing, the image job (and its re-run after a kill), signed
 * links (valid, expired, tampered, out of scope), the access log, and retention.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Cron } from 'croner';
import SQLite from 'better-sqlite3';
import { ApiClient, PantauError, type SnapshotLinks } from '@pantau/shared';
import { startHarness, tempDataDir, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { pngBomb, testPicture } from '../test-support/images.js';
import { CLEANUP_CRON } from '../services/storage-retention.js';
import { sqliteHandle } from '../db/database.js';
import { testEngine } from '../test-support/postgres.js';

let h: Harness;
let jpeg: Buffer;
beforeAll(async () => {
  h = await startHarness();
  jpeg = await testPicture(2560, 1440);
});
afterAll(async () => {
  await h?.stop();
});

type Fields = Record<string, string | number>;
const fields = (over: Fields = {}): Fields => ({
  re_id: 'snap-person',
  branch_id: h.branches[0]!.id,
  device_id: 'cam-1',
  detected_count: 1,
  ...over,
});

/** POST a multipart detection; `file` as [bytes, file name, declared type]. */
async function postForm(
  target: Harness,
  f: Fields,
  file?: [Buffer, string, string],
  field = 'snapshot',
): Promise<{
  status: number;
  body: {
    success: boolean;
    data?: { job_id: number; status: string };
    error?: { code: string; message: string; details?: { field?: string } };
  };
}> {
  const form = new FormData();
  for (const [k, v] of Object.entries(f)) form.append(k, String(v));
  if (file) form.append(field, new Blob([file[0]], { type: file[2] }), file[1]);
  const res = await fetch(`${target.server.url}/api/v1/detection/log`, {
    method: 'POST',
    headers: { 'x-api-key': target.credential.key, 'x-api-secret': target.credential.secret },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** Every file under `<dataDir>/storage` (relative paths), temp files included. */
function storedFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'storage');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((p) => fs.statSync(path.join(root, p)).isFile())
    .sort();
}

const state = (target: Harness = h) => {
  const db = target.server.services.db.conn;
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    files: storedFiles(target.dataDir),
    rows: n('SELECT COUNT(*) AS n FROM storage_files'),
    jobs: n('SELECT COUNT(*) AS n FROM jobs'),
    idem: n('SELECT COUNT(*) AS n FROM detection_idempotency'),
    events: n('SELECT COUNT(*) AS n FROM event_logs'),
  };
};
const drained = (target: Harness = h) => waitFor(() => state(target).jobs === 0, 15_000, 'queue drained');

/** Post a JPEG detection and wait for its snapshot; returns the event id. */
async function snapshotEvent(target: Harness, reId: string, branch = 0, device = 'cam-1'): Promise<number> {
  const r = await postForm(
    target,
    { re_id: reId, branch_id: target.branches[branch]!.id, device_id: device, detected_count: 1 },
    [jpeg, 'cam.jpg', 'image/jpeg'],
  );
  expect(r.status).toBe(202);
  await drained(target);
  const row = target.server.services.db.conn
    .prepare(`SELECT id, image_path FROM event_logs WHERE re_id = ?`)
    .get(reId) as { id: number; image_path: string | null };
  expect(row.image_path).not.toBeNull();
  return row.id;
}

describe('multipart detection with a snapshot', () => {
  it('stores the original before the 202, then the image job stamps, resizes and thumbnails it', async () => {
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'auth', token: h.admin.token });
    await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
    await h.server.services.worker.stop(); // hold the jobs: the 202 must already mean "on disk and queued"
    const r = await postForm(
      h,
      fields({
        re_id: 'snap-1',
        event_id: 'snap-e1',
        detection_timestamp: '2026-11-21T03:00:00.000Z',
        detection_data: JSON.stringify({ confidence: 0.93 }),
      }),
      [jpeg, 'x.bin', 'application/octet-stream'],
    );
    expect(r).toMatchObject({ status: 202, body: { success: true, data: { status: 'processing' } } });
    const original = h.server.services.db.conn.prepare(`SELECT * FROM storage_files WHERE kind = 'original'`).get() as {
      path: string;
      bytes: number;
      width: number;
      height: number;
      mime: string;
      event_log_id: number | null;
    };
    expect(original.path).toMatch(/^events\/\d{4}\/\d{2}\/\d{2}\/\d{13}_[0-9a-f-]{36}\.jpg$/);
    expect(original).toMatchObject({
      bytes: jpeg.length,
      width: 2560,
      height: 1440,
      mime: 'image/jpeg',
      event_log_id: null,
    });
    expect(fs.readFileSync(path.join(h.dataDir, 'storage', original.path)).equals(jpeg)).toBe(true);
    const job = h.server.services.db.conn
      .prepare(`SELECT payload FROM jobs WHERE type = ?`)
      .get('detection.process') as { payload: string };
    expect(JSON.parse(job.payload)).toMatchObject({
      re_id: 'snap-1',
      detection_data: { confidence: 0.93 },
      snapshot: { path: original.path },
    });

    h.server.services.worker.start();
    await drained();
    const event = h.server.services.db.conn
      .prepare(`SELECT id, image_path FROM event_logs WHERE re_id = 'snap-1'`)
      .get() as { id: number; image_path: string };
    const files = h.server.services.db.conn
      .prepare(
        `SELECT kind, path, width, height, mime, bytes, event_log_id FROM storage_files WHERE event_log_id = ? ORDER BY id`,
      )
      .all(event.id) as Array<{
      kind: string;
      path: string;
      width: number;
      height: number;
      mime: string;
      bytes: number;
    }>;
    expect(files.map((f) => [f.kind, f.width, f.height, f.mime])).toEqual([
      ['original', 2560, 1440, 'image/jpeg'],
      ['image', 1920, 1080, 'image/jpeg'],
      ['thumbnail', 320, 240, 'image/jpeg'],
    ]);
    expect(event.image_path).toBe(files[1]!.path);
    for (const f of files) expect(fs.statSync(path.join(h.dataDir, 'storage', f.path)).size).toBe(f.bytes);
    expect(await sharp(path.join(h.dataDir, 'storage', files[2]!.path)).metadata()).toMatchObject({
      format: 'jpeg',
      width: 320,
      height: 240,
    });
    await waitFor(() => ws.events().find((e) => e.type === 'snapshot_ready'), 3000, 'snapshot_ready');
    expect(ws.events().find((e) => e.type === 'snapshot_ready')).toMatchObject({
      channel: `branch:${h.branches[0]!.id}`,
      data: { event_log_id: event.id, branch_id: h.branches[0]!.id },
    });
    expect(ws.events().find((e) => e.type === 'detection_update')).toMatchObject({
      data: { id: event.id, snapshot: 'pending' },
    });
    expect((await h.admin.listEvents({ limit: 5 })).find((e) => e.id === event.id)).toMatchObject({
      snapshot: 'ready',
    });
    expect(h.server.services.snapshots.imagePathOf(event.id)).toBe(path.join(h.dataDir, 'storage', files[1]!.path));
    ws.close();
  });

  it('names the stored file by its real type (a PNG called .jpg is stored as .png) and keeps a repeated event_id to its first file', async () => {
    const png = await testPicture(640, 480, 'png');
    const first = await postForm(h, fields({ re_id: 'snap-png', event_id: 'png-1' }), [
      png,
      'camera.jpg',
      'image/jpeg',
    ]);
    expect(first.status).toBe(202);
    await drained();
    const before = state();
    expect(before.files.filter((f) => f.endsWith('.png'))).toHaveLength(1);
    const again = await postForm(h, fields({ re_id: 'snap-png', event_id: 'png-1' }), [
      png,
      'camera.jpg',
      'image/jpeg',
    ]);
    expect(again).toMatchObject({
      status: 200,
      body: { data: { status: 'duplicate', job_id: first.body.data!.job_id } },
    });
    expect(state()).toEqual(before);
  });

  const refusals: Array<
    [string, () => Promise<{ f: Fields; file: [Buffer, string, string]; field?: string }>, number, string, string]
  > = [
    [
      'a file over 10 MB',
      async () => ({
        f: fields(),
        file: [Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024)]), 'big.jpg', 'image/jpeg'],
      }),
      413,
      'PAYLOAD_TOO_LARGE',
      'snapshot',
    ],
    [
      'a text file named .jpg and declared image/jpeg',
      async () => ({
        f: fields(),
        file: [Buffer.from('GET / HTTP/1.1\r\nnot a picture at all'), 'photo.jpg', 'image/jpeg'],
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'snapshot',
    ],
    [
      'a truncated JPEG',
      async () => ({ f: fields(), file: [jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'cut.jpg', 'image/jpeg'] }),
      400,
      'VALIDATION_ERROR',
      'snapshot',
    ],
    [
      'a decompression bomb (8000×8000 PNG)',
      async () => ({ f: fields(), file: [pngBomb(8000, 8000), 'bomb.png', 'image/png'] }),
      413,
      'PAYLOAD_TOO_LARGE',
      'snapshot',
    ],
    [
      'a bad field beside a good image',
      async () => ({ f: fields({ detected_count: 0 }), file: [jpeg, 'a.jpg', 'image/jpeg'] }),
      400,
      'VALIDATION_ERROR',
      'detected_count',
    ],
    [
      'an unknown branch beside a good image',
      async () => ({ f: fields({ branch_id: 999 }), file: [jpeg, 'a.jpg', 'image/jpeg'] }),
      404,
      'UNKNOWN_BRANCH',
      'branch_id',
    ],
    [
      'a device of another branch beside a good image',
      async () => ({ f: fields({ device_id: 'cam-2' }), file: [jpeg, 'a.jpg', 'image/jpeg'] }),
      400,
      'DEVICE_BRANCH_MISMATCH',
      'device_id',
    ],
    [
      'the image under another field name',
      async () => ({ f: fields(), file: [jpeg, 'a.jpg', 'image/jpeg'], field: 'photo' }),
      400,
      'VALIDATION_ERROR',
      'photo',
    ],
  ];
  it.each(refusals)(
    'refuses %s with a clear error and stores nothing (no file, job, row or idempotency key)',
    async (_name, make, status, code, field) => {
      await drained();
      const before = state();
      const { f, file, field: name } = await make();
      const r = await postForm(h, { ...f, event_id: `refused-${code}-${field}` }, file, name);
      expect(r.status).toBe(status);
      expect(r.body.error).toMatchObject({ code, details: { field } });
      expect(state()).toEqual(before);
    },
  );
});

// SQLite only: the crash is staged with a copy of the database file taken mid-job (a running
// PostgreSQL database cannot be copied while the server holds it); on PostgreSQL, crash tests
// kill a `pantau serve` process instead (queue/crash-recovery.test.ts)
describe.skipIf(testEngine === 'postgres')('an image job killed halfway', () => {
  it('is re-run after the restart and ends with exactly one set of files and rows', async () => {
    const first = await startHarness();
    const crashDir = tempDataDir();
    let second: Harness | null = null;
    try {
      // the first attempt writes both files, then the process "dies" before its effects commit
      let wroteFiles = false;
      const dying: typeof first.server.services.snapshots.job = {
        ...first.server.services.snapshots.job,
        run: async (payload, _job, signal) => {
          await first.server.services.snapshots.process(payload, signal);
          wroteFiles = true;
          return new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
          );
        },
      };
      first.server.services.worker.register(dying);
      expect(
        (
          await postForm(
            first,
            { re_id: 'killed', branch_id: first.branches[0]!.id, device_id: 'cam-1', detected_count: 1 },
            [jpeg, 'k.jpg', 'image/jpeg'],
          )
        ).status,
      ).toBe(202);
      await waitFor(() => wroteFiles, 15_000, 'first attempt wrote its files');
      // what a kill -9 leaves: the committed database (image job still `running`) and the files on disk
      await sqliteHandle(first.server.services.db).backup(path.join(crashDir, 'pantau.sqlite'));
      fs.cpSync(path.join(first.dataDir, 'storage'), path.join(crashDir, 'storage'), { recursive: true });
      fs.copyFileSync(path.join(first.dataDir, 'master.key'), path.join(crashDir, 'master.key'));
      await first.stop();

      const snap = new SQLite(path.join(crashDir, 'pantau.sqlite'), { readonly: true });
      expect(snap.prepare(`SELECT type, status FROM jobs`).all()).toEqual([
        { type: 'image.process', status: 'running' },
      ]);
      expect(snap.prepare(`SELECT kind FROM storage_files`).all()).toEqual([{ kind: 'original' }]);
      snap.close();
      const crashed = storedFiles(crashDir);
      expect(crashed.map((f) => f.replace(/^.*_/, ''))).toEqual(
        expect.arrayContaining([expect.stringMatching(/\.jpg$/), 'image.jpg', 'thumb.jpg']),
      );
      second = await startHarness({ dataDir: crashDir });
      const s2 = second;
      const db = s2.server.services.db.conn;
      await waitFor(
        () => (db.prepare(`SELECT COUNT(*) AS n FROM jobs`).get() as { n: number }).n === 0,
        15_000,
        're-run',
      );
      const event = db.prepare(`SELECT id, image_path FROM event_logs WHERE re_id = 'killed'`).get() as {
        id: number;
        image_path: string;
      };
      const rows = db
        .prepare(`SELECT kind, path FROM storage_files WHERE event_log_id = ? ORDER BY kind`)
        .all(event.id) as Array<{ kind: string; path: string }>;
      expect(rows.map((r) => r.kind)).toEqual(['image', 'original', 'thumbnail']);
      expect(event.image_path).toBe(rows[0]!.path);
      expect(storedFiles(crashDir)).toEqual(rows.map((r) => r.path).sort());
      expect(db.prepare(`SELECT COUNT(*) AS n FROM failed_jobs`).get()).toEqual({ n: 0 });
      expect((await s2.admin.eventSnapshot(event.id)).width).toBe(1920);
    } finally {
      await first.stop().catch(() => undefined);
      await second?.stop();
    }
  });
});

describe('signed file links', () => {
  let eventId: number;
  let otherEventId: number;
  let links: SnapshotLinks;
  beforeAll(async () => {
    eventId = await snapshotEvent(h, 'linked');
    otherEventId = await snapshotEvent(h, 'bandung', 1, 'cam-2');
    links = await h.admin.eventSnapshot(eventId);
  });
  const get = (p: string) => fetch(`${h.server.url}${p}`);
  const code = async (res: Response) =>
    ((await res.json()) as { error: { code: string; details?: { reason?: string } } }).error;

  it('serves the file a valid link names, with its type and a cache lifetime no longer than the link', async () => {
    expect(Date.parse(links.expires_at) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(Date.parse(links.expires_at) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    const img = await get(links.image_url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(Number(/max-age=(\d+)/.exec(img.headers.get('cache-control') ?? '')![1])).toBeLessThanOrEqual(600);
    expect(await sharp(Buffer.from(await img.arrayBuffer())).metadata()).toMatchObject({ width: 1920, height: 1080 });
    const thumb = await get(links.thumbnail_url);
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({ width: 320, height: 240 });
  });

  it('refuses an expired link and a tampered one with 403', async () => {
    const access = h.server.services.snapshotAccess;
    const fileId = (
      h.server.services.db.conn
        .prepare(`SELECT id FROM storage_files WHERE event_log_id = ? AND kind = 'image'`)
        .get(eventId) as { id: number }
    ).id;
    const expired = await get(`/files/${access.sign(fileId, 1, Date.now() - 1000)}`);
    expect(expired.status).toBe(403);
    expect(await code(expired)).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'expired' } });

    const token = links.image_url.replace('/files/', '');
    const [body, sig] = token.split('.') as [string, string];
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    const other = Buffer.from(
      Buffer.from(body, 'base64url')
        .toString()
        .replace(/^v1\.\d+/, `v1.${fileId + 1}`),
    ).toString('base64url');
    for (const t of [`${body}.${flipped}`, `${other}.${sig}`, 'not-a-token', `${body}.${sig}x`]) {
      const r = await get(`/files/${t}`);
      expect(r.status).toBe(403);
      expect(await code(r)).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'invalid' } });
    }
  });

  it('gives links only to users whose scope holds the branch (others: 404, like a missing event)', async () => {
    const users = h.server.services.auth;
    await users.createUser({
      email: 'bdg-viewer@test.local',
      password: 'bdg-viewer-pw',
      role: 'viewer',
      scope_all: false,
      scope_branch_ids: [h.branches[1]!.id],
    });
    const viewer = new ApiClient({ baseUrl: h.server.url });
    await viewer.login({ email: 'bdg-viewer@test.local', password: 'bdg-viewer-pw' });
    await expect(viewer.eventSnapshot(eventId)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((await viewer.eventSnapshot(otherEventId)).thumbnail_url).toMatch(/^\/files\//);
    await expect(h.admin.eventSnapshot(999_999)).rejects.toBeInstanceOf(PantauError);
    const noImage = (
      await h.device.logDetection({
        re_id: 'plain-json',
        branch_id: h.branches[0]!.id,
        device_id: 'cam-1',
        detected_count: 1,
      })
    ).data.job_id;
    expect(noImage).toBeGreaterThan(0);
    await drained();
    const plainId = (
      h.server.services.db.conn.prepare(`SELECT id FROM event_logs WHERE re_id = 'plain-json'`).get() as {
        id: number;
      }
    ).id;
    await expect(h.admin.eventSnapshot(plainId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await fetch(`${h.server.url}/api/v1/events/${eventId}/snapshot`)).status).toBe(401);
  });

  it('logs every grant and fetch with user, file, time and outcome', async () => {
    const dir = path.join(h.dataDir, 'logs', 'file_access');
    const read = () =>
      fs
        .readdirSync(dir)
        .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              outcome: string;
              user_id: number | null;
              file_id: number | null;
              time: string;
              event_log_id: number | null;
            },
        );
    // lines are buffered and written at least every second
    const lines = await waitFor(
      () => (read().some((l) => l.outcome === 'no_snapshot') ? read() : null),
      3000,
      'access log written',
    );
    const outcomes = new Set(lines.map((l) => l.outcome));
    for (const o of ['granted', 'served', 'expired', 'invalid', 'out_of_scope', 'not_found', 'no_snapshot'])
      expect(outcomes).toContain(o);
    const served = lines.find((l) => l.outcome === 'served')!;
    expect(served).toMatchObject({ user_id: expect.any(Number), file_id: expect.any(Number), event_log_id: eventId });
    expect(Date.parse(served.time)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('retention', () => {
  it('is enqueued daily at 02:00 site time', () => {
    const next = new Cron(CLEANUP_CRON, { timezone: 'Asia/Jakarta', paused: true }).nextRun(
      new Date('2026-11-21T00:00:00.000Z'),
    );
    expect(next?.toISOString()).toBe('2026-11-21T19:00:00.000Z'); // 02:00 on 22 November in Jakarta (UTC+7)
  });

  it('removes files past retention and their rows together, leaves newer ones, and drops rows of files already missing', async () => {
    await drained();
    const retention = h.server.services.retention;
    expect(retention.retentionDays).toBe(90);
    const db = h.server.services.db.conn;
    const count = () => (db.prepare(`SELECT COUNT(*) AS n FROM storage_files`).get() as { n: number }).n;
    const total = count();
    expect(total).toBeGreaterThan(6);
    // one file is already gone from disk: its row must still go
    const lost = db.prepare(`SELECT path FROM storage_files WHERE kind = 'thumbnail' LIMIT 1`).get() as {
      path: string;
    };
    fs.rmSync(path.join(h.dataDir, 'storage', lost.path));
    // an old file registered 100 days ago; everything else is from today
    const oldPath = 'events/2026/08/01/old_snapshot.jpg';
    fs.mkdirSync(path.join(h.dataDir, 'storage', 'events/2026/08/01'), { recursive: true });
    fs.writeFileSync(path.join(h.dataDir, 'storage', oldPath), jpeg);
    db.prepare(
      `INSERT INTO storage_files (kind, path, bytes, width, height, mime, branch_id, event_log_id, created_at) VALUES ('original', ?, ?, 2560, 1440, 'image/jpeg', ?, NULL, ?)`,
    ).run(oldPath, jpeg.length, h.branches[0]!.id, new Date(Date.now() - 100 * 86_400_000).toISOString());

    const day = 86_400_000;
    retention.schedule({ as_of: Date.now() });
    await drained();
    expect(fs.existsSync(path.join(h.dataDir, 'storage', oldPath))).toBe(false);
    expect(count()).toBe(total);

    retention.schedule({ as_of: Date.now() + 89 * day });
    await drained();
    expect(count()).toBe(total);

    retention.schedule({ as_of: Date.now() + 91 * day });
    await drained();
    expect(count()).toBe(0);
    expect(storedFiles(h.dataDir)).toEqual([]);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM event_logs WHERE image_path IS NOT NULL`).get()).toEqual({ n: 0 });
    expect(retention.due()).toBe(false);
  });
});
