/**
 * WhatsApp deliveries against a real stand-in provider, with the real queue and worker over a
 * temporary database. The WhatsApp retry schedule (30/60/120/300/600 s) is shrunk to
 * 40..200 ms through the JobQueue's job specs, so "down for the whole retry window" takes
 * half a second (and a held delivery is tried again every 200 ms). Checks: cooldown, nothing lost or doubled across outages, 5xx, 429 with
 * Retry-After (not counted as an attempt), stalls (uncertain, never resent on their own),
 * rejections, per-number rate, images through the media endpoint, the gateway's form, the
 * JSON Lines log and the daily summary.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../db/database.js';
import { testDatabaseUrl } from '../../test-support/postgres.js';
import { SyncExecutor } from '../../db/sync-executor.js';
import { JobQueue } from '../../repositories/job-queue.js';
import { Worker } from '../../queue/worker.js';
import { DomainEvents } from '../../domain/domain-events.js';
import { JOB_PAYLOADS } from '../../queue/job-payloads.js';
import { AuditRepository } from '../../repositories/audit-repository.js';
import { siteDay } from '../site-time.js';
import { tempDataDir, waitFor } from '../../test-support/harness.js';
import { WhatsAppStandIn } from '../../test-support/whatsapp-stand-in.js';
import { createNotifications, type Notifications } from './index.js';
import type { WhatsAppLogEntry } from './whatsapp-sender.js';

const SCHEDULE = [40, 60, 80, 120, 200];
const actor = { id: null, email: 'test@test.local', ip: null, userAgent: null };
const admin = {
  user: {
    id: 1,
    email: 'test@test.local',
    name: 'T',
    role: 'admin' as const,
    scopeAll: true,
    branchScope: null,
    groupScope: null,
    sessionId: 1,
    expiresAt: '',
  },
  actor,
};

interface Rig {
  db: Db;
  dataDir: string;
  queue: JobQueue;
  worker: Worker;
  n: Notifications;
  standIn: WhatsAppStandIn;
  branchId: number;
  eventSeq: number;
  /** A processed detection (an event_logs row) alerted the way the detection job does. */
  detect(reId: string, at?: string, device?: string): number[];
  deliveries(): Array<{
    id: number;
    status: string;
    attempts: number;
    phone: string;
    provider_message_id: string | null;
    error: string | null;
  }>;
}

let rig: Rig | null = null;
afterEach(async () => {
  if (!rig) return;
  await rig.worker.stop();
  rig.n.close();
  await rig.standIn.stop();
  await rig.db.close();
  rig = null;
});

async function setup(
  opts: {
    timeoutMs?: number;
    provider?: 'whatsapp_cloud' | 'http_gateway';
    rate?: number;
    imageOf?: (id: number) => string | null;
  } = {},
): Promise<Rig> {
  const dataDir = tempDataDir();
  const db = openDatabase(dataDir, testDatabaseUrl(dataDir));
  await migrate(db);
  const exec = new SyncExecutor(db.conn);
  const queue = new JobQueue(db.conn, {}, Date.now, { notifications: 1 });
  const events = new DomainEvents(() => exec.inTransaction);
  const standIn = await WhatsAppStandIn.start();
  const n = createNotifications({
    db,
    exec,
    queue,
    events,
    audit: new AuditRepository(db.kysely, exec),
    logger: pino({ level: 'silent' }),
    dataDir,
    timezone: 'Asia/Jakarta',
    secretsKey: Buffer.alloc(32, 7),
    ...(opts.imageOf ? { imageOf: opts.imageOf } : {}),
  });
  const worker = new Worker({
    exec,
    queue,
    payloads: JOB_PAYLOADS,
    logger: pino({ level: 'silent' }),
    queues: { notifications: { priority: 1, concurrency: 4 } },
    maxIdleMs: 20,
  });
  // the sender's job on a schedule short enough for a test
  worker.register({ ...n.sender.job, retryDelaysMs: SCHEDULE, timeoutMs: opts.timeoutMs ?? 2000 });
  const now = new Date().toISOString();
  db.conn
    .prepare(
      `INSERT INTO company_groups (province_code, province_name, group_name, updated_at) VALUES ('JKT', 'Jakarta', 'Jakarta', ?)`,
    )
    .run(now);
  const branchId = Number(
    db.conn
      .prepare(
        `INSERT INTO company_branches (group_id, branch_code, branch_name, city, timezone, updated_at) VALUES (1, 'JKT-01', 'Jakarta Pusat', 'Jakarta', 'Asia/Jakarta', ?)`,
      )
      .run(now).lastInsertRowid,
  );
  for (const [id, name] of [
    ['cam-1', 'Lobby'],
    ['cam-2', 'Gate'],
  ])
    db.conn
      .prepare(
        `INSERT INTO device_masters (device_id, device_name, device_type, branch_id, updated_at) VALUES (?, ?, 'camera', ?, ?)`,
      )
      .run(id, name, branchId, now);
  const provider = opts.provider ?? 'whatsapp_cloud';
  n.settings.saveProvider(admin, {
    provider,
    config: {
      base_url: provider === 'whatsapp_cloud' ? standIn.url : `${standIn.url}/send`,
      phone_number_id: '1234567890',
      message_mode: 'text',
      template_language: 'id',
      rate_per_minute: opts.rate ?? 100,
    },
    secrets: { token: 'stand-in-token', app_secret: 'app-secret', verify_token: 'verify-me' },
  });
  const r: Rig = {
    db,
    dataDir,
    queue,
    worker,
    n,
    standIn,
    branchId,
    eventSeq: 0,
    detect(reId, at = new Date().toISOString(), device = 'cam-1') {
      return exec.tx(() => {
        const ev = Number(
          db.conn
            .prepare(
              `INSERT INTO event_logs (branch_id, device_id, re_id, event_type, detected_count, event_timestamp) VALUES (?, ?, ?, 'person_detected', 1, ?)`,
            )
            .run(branchId, device, reId, at).lastInsertRowid,
        );
        return n.dispatcher.onDetection(
          {
            event_log_id: ev,
            branch_id: branchId,
            branch_name: 'Jakarta Pusat',
            device_id: device,
            device_name: device === 'cam-1' ? 'Lobby' : 'Gate',
            re_id: reId,
            detected_count: 1,
            event_timestamp: at,
          },
          Date.now(),
        );
      });
    },
    deliveries: () =>
      db.conn
        .prepare(
          `SELECT id, status, attempts, phone, provider_message_id, error FROM notification_deliveries ORDER BY id`,
        )
        .all() as ReturnType<Rig['deliveries']>,
  };
  rig = r;
  return r;
}

const NUMBERS = ['+6281234567890', '+6281298765432'];
const settle = (r: Rig) =>
  waitFor(
    () =>
      r.queue.stats().pending + r.queue.stats().running === 0 &&
      r.deliveries().every((d) => d.status !== 'queued' && d.status !== 'sending'),
    10_000,
    'deliveries settled',
  );
const logLines = (r: Rig): WhatsAppLogEntry[] => {
  r.n.log.flush();
  const f = r.n.log.fileFor(siteDay(Date.now(), 'Asia/Jakarta'));
  return fs.existsSync(f)
    ? fs
        .readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as WhatsAppLogEntry)
    : [];
};
/** No message id went out twice, and every delivery that is sent matches one recorded send. */
function assertOnce(r: Rig): void {
  const ids = r.standIn.delivered().map((q) => q.messageId);
  expect(new Set(ids).size).toBe(ids.length);
  const sent = r.deliveries().filter((d) => d.status === 'sent');
  expect(sent.map((d) => d.provider_message_id).sort()).toEqual([...ids].sort());
}

describe('WhatsApp deliveries', () => {
  it('queues one delivery per number for an enabled setting, renders the template, and respects the cooldown per person and camera', async () => {
    const r = await setup();
    r.n.settings.create(admin, {
      branch_id: r.branchId,
      numbers: NUMBERS,
      message_template: '{re_id} at {branch_name}/{device_name} {time}',
      cooldown_seconds: 60,
    });
    const t0 = Date.parse('2026-11-21T03:00:00.000Z');
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    expect(r.detect('p-1', at(0))).toHaveLength(2);
    expect(r.detect('p-1', at(30))).toHaveLength(0); // same person, same camera, within 60 s
    expect(r.detect('p-1', at(10), 'cam-2')).toHaveLength(2); // another camera
    expect(r.detect('p-2', at(31))).toHaveLength(2); // another person
    expect(r.detect('p-1', at(-100))).toHaveLength(0); // older than the last alert: covered by it
    expect(r.detect('p-1', at(61))).toHaveLength(2); // cooldown over
    expect(r.queue.stats().pending).toBe(8);
    const msg = r.db.conn.prepare(`SELECT message FROM notification_deliveries ORDER BY id LIMIT 1`).get() as {
      message: string;
    };
    expect(msg.message).toBe('p-1 at Jakarta Pusat/Lobby 2026-11-21 10:00:00 WIB');
    // a camera's own setting overrides the branch's: disabled for cam-2
    r.n.settings.create(admin, { branch_id: r.branchId, device_id: 'cam-2', enabled: false, numbers: NUMBERS });
    expect(r.detect('p-9', at(500), 'cam-2')).toHaveLength(0);
    r.worker.start();
    await settle(r);
    expect(r.deliveries().map((d) => d.status)).toEqual(Array(8).fill('sent'));
    const sent = r.standIn.sends()[0]!;
    expect(sent.headers.authorization).toBe('Bearer stand-in-token');
    expect(sent.path).toBe('/1234567890/messages');
    expect(sent.body).toMatchObject({
      messaging_product: 'whatsapp',
      type: 'text',
      text: { body: expect.stringContaining('WIB') },
    });
    assertOnce(r);
    const ev = r.db.conn.prepare(`SELECT COUNT(*) AS n FROM event_logs WHERE notification_sent = 1`).get() as {
      n: number;
    };
    expect(ev.n).toBe(4);
  });

  it('holds the messages while the provider is down past the whole retry window and delivers each once when it returns, with nobody retrying by hand; gives up on an alert a day old', async () => {
    const r = await setup();
    r.n.settings.create(admin, { branch_id: r.branchId, numbers: NUMBERS, cooldown_seconds: 0 });
    await r.standIn.setMode('down');
    for (let i = 0; i < 5; i++) r.detect(`p-${i}`);
    r.worker.start();
    // the whole schedule spent (5 retries + the first attempt), then held: still queued, not failed
    await waitFor(() => logLines(r).filter((l) => l.outcome === 'held').length >= 10, 10_000, 'every delivery held');
    expect(r.queue.stats().failed).toBe(0);
    expect(r.deliveries().every((d) => d.status === 'queued' && d.error?.startsWith('provider unavailable'))).toBe(
      true,
    );
    expect(r.standIn.requests).toHaveLength(0);
    await r.standIn.setMode('ok');
    await settle(r);
    expect(r.deliveries().map((d) => d.status)).toEqual(Array(10).fill('sent'));
    expect(r.standIn.delivered()).toHaveLength(10);
    expect(r.queue.stats().failed).toBe(0);
    assertOnce(r);

    // an alert raised a day ago is not held: when its schedule is spent it fails, its job in failed_jobs
    await r.standIn.setMode('down');
    const stale = r.detect('p-stale');
    r.db.conn
      .prepare(`UPDATE notification_deliveries SET queued_at = ? WHERE id IN (${stale.join(',')})`)
      .run(new Date(Date.now() - 25 * 3600_000).toISOString());
    await waitFor(() => r.queue.stats().failed === 2, 10_000, 'the stale alert given up');
    expect(
      r
        .deliveries()
        .filter((d) => stale.includes(d.id))
        .map((d) => [d.status, d.error?.startsWith('retries exhausted')]),
    ).toEqual([
      ['failed', true],
      ['failed', true],
    ]);
    await r.standIn.setMode('ok');
    expect(r.queue.retryAllFailed()).toBe(2);
    await settle(r);
    expect(
      r
        .deliveries()
        .filter((d) => stale.includes(d.id))
        .map((d) => d.status),
    ).toEqual(['sent', 'sent']);
    assertOnce(r);

    // a shorter outage: 5xx for a while, then up again — delivered without anyone's help
    await r.standIn.setMode('fail');
    const ids = r.detect('p-late');
    await waitFor(() => r.standIn.requests.filter((q) => q.mode === 'fail').length >= 4, 5000, 'a few failed attempts');
    await r.standIn.setMode('ok');
    await settle(r);
    const late = r.deliveries().filter((d) => ids.includes(d.id));
    expect(late.map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(late.every((d) => d.attempts >= 2)).toBe(true);
    assertOnce(r);
    const outcomes = logLines(r).map((l) => l.outcome);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(14);
    expect(outcomes).toContain('retry');
    expect(outcomes).toContain('held');
    expect(outcomes).toContain('failed');
  });

  it('waits out a 429 with Retry-After without counting an attempt', async () => {
    const r = await setup();
    r.n.settings.create(admin, { branch_id: r.branchId, numbers: [NUMBERS[0]!] });
    await r.standIn.setMode('rate-limit', { retryAfterS: 1 });
    r.detect('p-1');
    r.worker.start();
    await waitFor(() => r.standIn.requests.length >= 1, 3000, 'first try');
    await r.standIn.setMode('ok');
    const started = Date.now();
    await settle(r);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800); // honoured Retry-After (1 s), not the 40 ms schedule
    const [d] = r.deliveries();
    expect(d).toMatchObject({ status: 'sent', attempts: 1 });
    expect(logLines(r).map((l) => l.outcome)).toEqual(['rate_limited', 'sent']);
  });

  it('marks a stalled call uncertain, never resends it by itself, and resends it when asked', async () => {
    const r = await setup({ timeoutMs: 300 });
    r.n.settings.create(admin, { branch_id: r.branchId, numbers: [NUMBERS[0]!] });
    await r.standIn.setMode('stall');
    r.detect('p-1');
    r.worker.start();
    await waitFor(() => r.deliveries()[0]?.status === 'uncertain', 5000, 'uncertain');
    // the job's retry runs and finds it uncertain: nothing more is sent
    await waitFor(() => r.queue.stats().pending + r.queue.stats().running === 0, 5000, 'job done');
    await new Promise((res) => setTimeout(res, 300));
    expect(r.standIn.sends()).toHaveLength(1);
    await r.standIn.setMode('ok');
    const d = r.n.settings.resend(admin, r.deliveries()[0]!.id);
    expect(d.status).toBe('queued');
    await settle(r);
    expect(r.deliveries()[0]!.status).toBe('sent');
    expect(r.standIn.sends()).toHaveLength(2);
    expect(() => r.n.settings.resend(admin, d.id)).toThrow(/only uncertain or failed/);
  });

  it('fails a rejected message at once (no retries)', async () => {
    const r = await setup();
    r.n.settings.create(admin, { branch_id: r.branchId, numbers: [NUMBERS[0]!] });
    await r.standIn.setMode('reject');
    r.detect('p-1');
    r.worker.start();
    await settle(r);
    expect(r.deliveries()[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(r.deliveries()[0]!.error).toMatch(/131026/);
    expect(r.standIn.requests).toHaveLength(1);
    expect(r.queue.stats().failed).toBe(0);
  });

  it('applies a status that arrives before its send has committed the message id, once the id is stored', async () => {
    const r = await setup();
    r.n.settings.create(admin, { branch_id: r.branchId, numbers: [NUMBERS[0]!], cooldown_seconds: 0 });
    const status = (id: string, st: string, ts: number) =>
      Buffer.from(
        JSON.stringify({
          object: 'whatsapp_business_account',
          entry: [
            {
              id: 'WABA',
              changes: [
                {
                  field: 'messages',
                  value: { statuses: [{ id, status: st, timestamp: String(ts), recipient_id: '6281234567890' }] },
                },
              ],
            },
          ],
        }),
      );
    const early: Array<{ id: string; result: unknown; storedBefore: boolean }> = [];
    // Meta's "sent" and "delivered" for the message reach the webhook while the send call's answer is still on its way
    r.standIn.beforeAnswer = (id) => {
      const storedBefore = r.deliveries().some((d) => d.provider_message_id === id);
      early.push({ id, storedBefore, result: r.n.webhook.apply(status(id, 'sent', 1_750_000_000)) });
      r.n.webhook.apply(status(id, 'delivered', 1_750_000_001));
    };
    r.worker.start();
    r.detect('person-early');
    await waitFor(() => r.deliveries()[0]?.status === 'delivered', 10_000, 'the early delivered status applied');
    expect(early).toHaveLength(1);
    expect(early[0]).toMatchObject({ storedBefore: false, result: { statuses: 1, changed: 0, parked: 1 } });
    const d = r.db.conn
      .prepare(`SELECT status, provider_message_id, sent_at, delivered_at FROM notification_deliveries`)
      .get() as { status: string; provider_message_id: string; sent_at: string; delivered_at: string };
    expect(d).toMatchObject({ status: 'delivered', provider_message_id: early[0]!.id });
    expect(d.delivered_at).toBe(new Date(1_750_000_001_000).toISOString());
    expect(r.n.webhook.parkedIds()).toEqual([]);
    // a status for an id nobody has claimed (yet) waits in the park (its time limit: webhook-park.test.ts)
    r.n.webhook.apply(status('wamid.from-another-system', 'read', 1_750_000_002));
    expect(r.n.webhook.parkedIds()).toEqual(['wamid.from-another-system']);
    expect(r.standIn.delivered().map((q) => q.messageId)).toEqual([early[0]!.id]);
  });

  it('keeps to the per-number rate: the message over the limit is re-queued for later', async () => {
    const r = await setup({ rate: 2 });
    r.n.settings.create(admin, { branch_id: r.branchId, numbers: [NUMBERS[0]!], cooldown_seconds: 0 });
    for (let i = 0; i < 3; i++) r.detect(`p-${i}`);
    r.worker.start();
    await waitFor(
      () => r.deliveries().filter((d) => d.status === 'sent').length === 2 && r.queue.stats().running === 0,
      5000,
      'two sent',
    );
    await new Promise((res) => setTimeout(res, 200));
    expect(r.standIn.sends()).toHaveLength(2);
    const waiting = r.deliveries().filter((d) => d.status === 'queued');
    expect(waiting).toHaveLength(1);
    const job = r.db.conn.prepare(`SELECT run_at, payload FROM jobs`).get() as { run_at: number; payload: string };
    expect(job.run_at - Date.now()).toBeGreaterThan(10_000); // until the minute's window ends
    expect(JSON.parse(job.payload)).toMatchObject({ delivery_id: waiting[0]!.id, deferrals: 1 });
  });

  it('uploads the snapshot through /media and sends it as an image with the text as caption', async () => {
    const img = path.join(tempDataDir(), 'snap.jpg');
    fs.writeFileSync(img, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]));
    const r = await setup({ imageOf: () => img });
    r.n.settings.create(admin, { branch_id: r.branchId, numbers: [NUMBERS[0]!], send_image: true });
    r.detect('p-1');
    r.worker.start();
    await settle(r);
    const [upload, send] = r.standIn.requests;
    expect(upload!.path).toBe('/1234567890/media');
    expect(upload!.body).toMatchObject({
      messaging_product: 'whatsapp',
      type: 'image/jpeg',
      file: '<file snap.jpg (9)>',
    });
    expect(send!.body).toMatchObject({
      type: 'image',
      image: { id: 'media-1', caption: expect.stringContaining('p-1') },
    });
    expect((r.db.conn.prepare(`SELECT image_sent FROM event_logs`).get() as { image_sent: number }).image_sent).toBe(1);
  });

  it('sends through a Fonnte-style gateway: token header, target and message form fields', async () => {
    const r = await setup({ provider: 'http_gateway' });
    r.n.settings.create(admin, { branch_id: r.branchId, numbers: [NUMBERS[0]!] });
    r.detect('p-1');
    r.worker.start();
    await settle(r);
    const [q] = r.standIn.requests;
    expect(q!.path).toBe('/send');
    expect(q!.headers.authorization).toBe('stand-in-token');
    expect(q!.body).toMatchObject({ target: '6281234567890', message: expect.stringContaining('p-1') });
    expect(r.deliveries()[0]).toMatchObject({ status: 'sent', provider_message_id: q!.messageId });
  });

  it('folds a day of deliveries into whatsapp_delivery_summary, idempotently', async () => {
    const r = await setup();
    r.n.settings.create(admin, { branch_id: r.branchId, numbers: NUMBERS, cooldown_seconds: 0 });
    r.detect('p-1');
    r.detect('p-2');
    r.worker.start();
    await settle(r);
    const today = siteDay(Date.now(), 'Asia/Jakarta');
    expect(r.n.summary.fold(today)).toEqual({ rows: 1, deliveries: 4 });
    expect(r.n.summary.fold(today)).toEqual({ rows: 1, deliveries: 4 });
    const rows = r.n.repo.summary(today);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      branch_id: r.branchId,
      provider: 'whatsapp_cloud',
      total: 4,
      sent: 4,
      failed: 0,
      pending: 0,
      attempts: 4,
    });
    expect(rows[0]!.avg_send_ms).toBeGreaterThanOrEqual(0);
  });
});
