/**
 * The webhook's park for statuses of message ids not yet stored, on a real SQLite file:
 * bounded in time (PARK_TTL_MS, swept with a warning) and size (PARK_MAX), replays not
 * duplicated, applied under the never-backwards rules, and durable: a status parked (and
 * answered 200) before a restart is applied when the new process commits its id, or at start
 * when a delivery carries the id by then. The race it exists for is tested end to end in
 * whatsapp-delivery.test.ts; here, the restart runs through the real server and HTTP.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../db/database.js';
import { testDatabaseUrl } from '../../test-support/postgres.js';
import { SyncExecutor } from '../../db/sync-executor.js';
import { startHarness, tempDataDir, waitFor, type Harness } from '../../test-support/harness.js';
import { WhatsAppStandIn } from '../../test-support/whatsapp-stand-in.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';
import { NotificationRepository } from '../../repositories/notification-repository.js';
import { ParkedStatusRepository } from '../../repositories/parked-status-repository.js';
import type { ProviderSettingsStore } from './provider-settings.js';
import { PARK_MAX, PARK_TTL_MS, WebhookService } from './webhook-service.js';

const payload = (ids: string[], status = 'sent', timestamp = '1750000000') =>
  Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ changes: [{ field: 'messages', value: { statuses: ids.map((id) => ({ id, status, timestamp })) } }] }],
    }),
  );
const iso = (unixS: number) => new Date(unixS * 1000).toISOString();

/** Databases and servers to close after each test. */
const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** A webhook service over a real database file (a fresh data directory unless given), with a clock of its own. */
async function service(dataDir = tempDataDir(), start = 1_000_000) {
  let now = start;
  const db: Db = openDatabase(dataDir, testDatabaseUrl(dataDir));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await db.close();
  };
  open.push(close);
  await migrate(db);
  const exec = new SyncExecutor(db.conn);
  const repo = new NotificationRepository(db.kysely, exec);
  const warns: Array<Record<string, unknown>> = [];
  const logger = { warn: (o: Record<string, unknown>) => warns.push(o), info: () => undefined } as unknown as Logger;
  const dispatcher = { announce: () => undefined } as unknown as NotificationDispatcher;
  const w = new WebhookService({
    repo,
    parked: new ParkedStatusRepository(db.kysely, exec),
    exec,
    providers: {} as ProviderSettingsStore,
    dispatcher,
    logger,
    now: () => now,
  });
  const rows = () => (db.conn.prepare(`SELECT COUNT(*) AS n FROM notification_status_parked`).get() as { n: number }).n;
  /** A queued delivery with no message id yet. */
  const queued = () =>
    repo.insertDelivery(
      {
        event_log_id: null,
        branch_id: null,
        kind: 'test',
        phone: '+6281234567890',
        provider: 'whatsapp_cloud',
        message: 'm',
        image_path: null,
      },
      new Date(now).toISOString(),
    );
  /** What the sender's commit does: `sent` with the provider's id, then the parked statuses, in one transaction. */
  const commitSent = (deliveryId: number, messageId: string) =>
    exec.tx(() => {
      repo.updateDelivery(deliveryId, {
        status: 'sent',
        provider_message_id: messageId,
        sent_at: new Date(now).toISOString(),
      });
      return w.applyParked(messageId);
    });
  return {
    w,
    db,
    repo,
    exec,
    warns,
    rows,
    queued,
    commitSent,
    close,
    advance: (ms: number) => (now += ms),
    now: () => now,
  };
}

describe('webhook park', () => {
  it('keeps unknown ids for PARK_TTL_MS, then drops them with a warning; a replay is parked once', async () => {
    const { w, advance, rows, warns } = await service();
    expect(PARK_TTL_MS).toBe(24 * 3600_000);
    expect(w.apply(payload(['wamid.a']))).toMatchObject({ parked: 1, ignored: 0 });
    expect(w.apply(payload(['wamid.a']))).toMatchObject({ parked: 1 });
    expect(rows()).toBe(1);
    advance(PARK_TTL_MS / 2);
    w.apply(payload(['wamid.b'], 'delivered'));
    expect(w.parkedIds()).toEqual(['wamid.a', 'wamid.b']);
    expect(warns).toEqual([]);
    advance(PARK_TTL_MS / 2 + 1);
    expect(w.parkedIds()).toEqual(['wamid.b']);
    expect(warns).toEqual([expect.objectContaining({ dropped: 1, ids: 1, sample: ['wamid.a'] })]);
    advance(PARK_TTL_MS);
    expect(w.parkedIds()).toEqual([]);
    expect(rows()).toBe(0);
    expect(warns).toHaveLength(2);
    // nothing to apply for an id that is gone
    expect(w.applyParked('wamid.a')).toBe(0);
  });

  it('sweeps each status by its own age, before a webhook is applied', async () => {
    const { w, advance, rows, warns } = await service();
    w.apply(payload(['wamid.old', 'wamid.mixed']));
    advance(PARK_TTL_MS - 1000);
    w.apply(payload(['wamid.mixed'], 'delivered'));
    expect(rows()).toBe(3);
    advance(1001);
    // the sweep runs first: this call drops the two statuses of the first call, then parks
    expect(w.apply(payload(['wamid.new']))).toMatchObject({ parked: 1 });
    expect(warns).toEqual([expect.objectContaining({ dropped: 2, ids: 2 })]);
    expect(w.parkedIds()).toEqual(['wamid.mixed', 'wamid.new']);
    expect(rows()).toBe(2);
  });

  it('parks at most PARK_MAX ids and ignores new ones past it; a swept id makes room', async () => {
    const { w, advance } = await service();
    const ids = Array.from({ length: PARK_MAX }, (_, i) => `wamid.${i}`);
    expect(w.apply(payload(ids)).parked).toBe(PARK_MAX);
    expect(w.apply(payload(['wamid.one-too-many']))).toMatchObject({ parked: 0, ignored: 1 });
    // a known parked id still takes more statuses
    expect(w.apply(payload(['wamid.7'], 'read'))).toMatchObject({ parked: 1, ignored: 0 });
    // within one payload too: the count is kept as it parks
    advance(PARK_TTL_MS + 1);
    expect(w.apply(payload(ids.concat('wamid.one-too-many'))).parked).toBe(PARK_MAX);
    expect(w.parkedIds()).toHaveLength(PARK_MAX);
  });

  it('never goes backwards: a parked delivered, then an in-order sent after the id is known, ends delivered', async () => {
    const { w, db, queued, commitSent } = await service();
    const id = queued();
    expect(w.apply(payload(['wamid.x'], 'delivered', '1750000001'))).toMatchObject({ parked: 1, changed: 0 });
    expect(commitSent(id, 'wamid.x')).toBe(1);
    expect(w.parkedIds()).toEqual([]);
    // Meta's sent, posted before delivered but arriving after it
    expect(w.apply(payload(['wamid.x'], 'sent', '1750000000'))).toMatchObject({ parked: 0, changed: 0 });
    const d = db.conn
      .prepare(`SELECT status, delivered_at, sent_at FROM notification_deliveries WHERE id = ?`)
      .get(id) as { status: string; delivered_at: string; sent_at: string };
    expect(d).toMatchObject({ status: 'delivered', delivered_at: iso(1_750_000_001) });
    expect(d.sent_at).not.toBeNull();
  });

  it('keeps a failed status its error, its recipient, and the received time when the provider gave none', async () => {
    const { w, db, queued, commitSent, now } = await service();
    const id = queued();
    const error = { code: 131026, title: 'Message undeliverable', error_data: { details: 'x' } };
    const body = {
      entry: [
        {
          changes: [
            {
              value: {
                statuses: [{ id: 'wamid.f', status: 'failed', recipient_id: '6281234567890', errors: [error] }],
              },
            },
          ],
        },
      ],
    };
    const receivedAt = new Date(now()).toISOString();
    expect(w.apply(Buffer.from(JSON.stringify(body)))).toMatchObject({ parked: 1 });
    expect(
      db.conn
        .prepare(
          `SELECT provider, status, status_ts, recipient_id, error_json, received_at FROM notification_status_parked`,
        )
        .all(),
    ).toEqual([
      {
        provider: 'whatsapp_cloud',
        status: 'failed',
        status_ts: null,
        recipient_id: '6281234567890',
        error_json: JSON.stringify(error),
        received_at: receivedAt,
      },
    ]);
    expect(commitSent(id, 'wamid.f')).toBe(1);
    expect(
      db.conn.prepare(`SELECT status, error, failed_at FROM notification_deliveries WHERE id = ?`).get(id),
    ).toEqual({ status: 'failed', error: '131026 Message undeliverable (x)', failed_at: receivedAt });
  });

  it('survives a restart: parked by one instance, applied when the next one commits the id', async () => {
    const dataDir = tempDataDir();
    const a = await service(dataDir);
    expect(a.w.apply(payload(['wamid.r'], 'delivered', '1750000001'))).toMatchObject({ parked: 1 });
    const id = a.queued();
    await a.close();

    const b = await service(dataDir, 1_000_000 + 60_000);
    expect(b.w.parkedIds()).toEqual(['wamid.r']);
    expect(b.commitSent(id, 'wamid.r')).toBe(1);
    expect(b.repo.delivery(id)).toMatchObject({ status: 'delivered', delivered_at: iso(1_750_000_001) });
    expect(b.rows()).toBe(0);
  });

  it('applies at start what was parked for an id another path has stored, and parked statuses first when a later one comes', async () => {
    const dataDir = tempDataDir();
    const a = await service(dataDir);
    const one = a.queued();
    const two = a.queued();
    a.w.apply(payload(['wamid.one'], 'delivered', '1750000001'));
    a.w.apply(payload(['wamid.two'], 'read', '1750000002'));
    // the ids are stored without the sender's afterSent (a process that died before applying them)
    a.repo.updateDelivery(one, { status: 'sent', provider_message_id: 'wamid.one' });
    a.repo.updateDelivery(two, { status: 'sent', provider_message_id: 'wamid.two' });
    // a later status of a known id takes that id's parked ones along (read beats delivered)
    expect(a.w.apply(payload(['wamid.two'], 'delivered', '1750000001'))).toMatchObject({ changed: 1, parked: 0 });
    expect(a.repo.delivery(two)).toMatchObject({
      status: 'read',
      read_at: iso(1_750_000_002),
      delivered_at: iso(1_750_000_001),
    });
    await a.close();

    const b = await service(dataDir);
    expect(b.w.parkedIds()).toEqual(['wamid.one']);
    expect(b.w.applyClaimed()).toBe(1);
    expect(b.repo.delivery(one)).toMatchObject({ status: 'delivered', delivered_at: iso(1_750_000_001) });
    expect(b.w.parkedIds()).toEqual([]);
  });
});

describe('webhook park across a server restart', () => {
  const APP_SECRET = 'meta-app-secret';
  const sign = (body: string) => `sha256=${crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
  const post = (h: Harness, body: string) =>
    fetch(`${h.server.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) },
      body,
    });

  it('applies a status acknowledged (200) before the restart once the new server commits its message id', async () => {
    const standIn = await WhatsAppStandIn.start();
    open.push(() => standIn.stop());
    const first = await startHarness();
    open.push(() => first.stop());
    await first.admin.saveProviderSettings({
      provider: 'whatsapp_cloud',
      config: { base_url: standIn.url, phone_number_id: '1234567890' },
      secrets: { token: 't', app_secret: APP_SECRET },
    });
    // the stand-in's first message id: Meta's delivered for it beats the send itself
    const messageId = 'wamid.standin.1';
    const body = payload([messageId], 'delivered', '1750000001').toString();
    const res = await post(first, body);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown }).data).toMatchObject({ statuses: 1, parked: 1 });
    await first.stop();

    const second = await startHarness({ dataDir: first.dataDir });
    open.push(() => second.stop());
    const n = second.server.services.notifications;
    expect(n.webhook.parkedIds()).toEqual([messageId]);
    await second.admin.createAlertSetting({
      branch_id: second.branches[0]!.id,
      numbers: ['+6281234567890'],
      cooldown_seconds: 0,
    });
    await second.device.logDetection({
      re_id: 'p-restart',
      branch_id: second.branches[0]!.id,
      device_id: 'cam-1',
      detected_count: 1,
      event_id: 'e-restart',
    });
    const sqlite = second.server.services.db.conn;
    const d = await waitFor(
      () =>
        sqlite
          .prepare(
            `SELECT status, provider_message_id, delivered_at FROM notification_deliveries WHERE status = 'delivered'`,
          )
          .get() as { status: string; provider_message_id: string; delivered_at: string } | undefined,
      15_000,
      'the parked status applied',
    );
    expect(standIn.delivered().map((q) => q.messageId)).toEqual([messageId]);
    expect(d).toEqual({ status: 'delivered', provider_message_id: messageId, delivered_at: iso(1_750_000_001) });
    expect(n.webhook.parkedIds()).toEqual([]);
  }, 30_000);
});
