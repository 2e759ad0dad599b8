/**
 * WhatsApp alerts through the real server: settings API (validation in place, scope, strict
 * updates), provider secrets write-only and encrypted at rest, a detection that becomes a
 * message at the stand-in provider, and the webhook — Meta's handshake, its documented
 * sample payloads (sent, delivered, read, failed), a wrong signature (401, nothing changed),
 * a replayed body (idempotent) and statuses out of order — broadcast as notification_update.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError, type AlertSetting, type Delivery } from '@pantau/shared';
import { openReader } from '../test-support/postgres.js';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { WhatsAppStandIn } from '../test-support/whatsapp-stand-in.js';

let h: Harness;
let standIn: WhatsAppStandIn;
const APP_SECRET = 'meta-app-secret';
const NUMBERS = ['+6281234567890', '+6281298765432'];

beforeAll(async () => {
  standIn = await WhatsAppStandIn.start();
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
  await standIn?.stop();
});

const api = <T>(method: string, p: string, body?: unknown, client: ApiClient = h.admin) =>
  client.request<T>(method, p, body).then((r) => r.data);
const err = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof PantauError ? e : Promise.reject(e)),
  );
const sign = (body: string, secret = APP_SECRET) =>
  `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
const postWebhook = (body: string, signature: string | null) =>
  fetch(`${h.server.url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    body,
  });

/** Meta's documented status notification (payload examples), with our message id and status. */
function metaStatus(id: string, status: 'sent' | 'delivered' | 'read' | 'failed', timestamp: number): string {
  const st: Record<string, unknown> = { id, status, timestamp: String(timestamp), recipient_id: '6281234567890' };
  if (status === 'sent' || status === 'delivered') {
    st.conversation = {
      id: 'CONVERSATION_ID',
      expiration_timestamp: String(timestamp + 86_400),
      origin: { type: 'utility' },
    };
    st.pricing = { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' };
  }
  if (status === 'failed') {
    st.errors = [
      {
        code: 131026,
        title: 'Message undeliverable',
        message: 'Message undeliverable',
        error_data: { details: 'Message Undeliverable.' },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ];
  }
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              statuses: [st],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}

describe('alert settings API', () => {
  it('creates, reads, updates and deletes a branch setting; numbers are validated and normalised in place', async () => {
    const b = h.branches[0]!.id;
    const e = await err(api('POST', '/api/v1/alert-settings', { branch_id: b, numbers: ['+6281234567890', '0812'] }));
    expect(e).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'numbers.1' } });
    const bad = await err(api('POST', '/api/v1/alert-settings', { branch_id: b, message_template: 'hello {branch}' }));
    expect(bad?.details?.field).toBe('message_template');
    const created = await api<AlertSetting>('POST', '/api/v1/alert-settings', {
      branch_id: b,
      numbers: ['+62 812-3456-7890'],
      cooldown_seconds: 0,
    });
    expect(created).toMatchObject({
      branch_id: b,
      device_id: null,
      numbers: ['+6281234567890'],
      enabled: true,
      send_image: false,
      branch_name: 'Jakarta Pusat',
    });
    const dup = await err(api('POST', '/api/v1/alert-settings', { branch_id: b }));
    expect(dup?.code).toBe('CONFLICT');
    const strict = await err(api('PATCH', `/api/v1/alert-settings/${created.id}`, { branch_id: 2 }));
    expect(strict?.details?.field).toBe('branch_id');
    const updated = await api<AlertSetting>('PATCH', `/api/v1/alert-settings/${created.id}`, { numbers: NUMBERS });
    expect(updated.numbers).toEqual(NUMBERS);
    const cam = await err(api('POST', '/api/v1/alert-settings', { branch_id: b, device_id: 'cam-2' }));
    expect(cam?.code).toBe('DEVICE_BRANCH_MISMATCH');
    const tmp = await api<AlertSetting>('POST', '/api/v1/alert-settings', {
      branch_id: b,
      device_id: 'cam-1',
      enabled: false,
    });
    expect((await api<AlertSetting[]>('GET', `/api/v1/alert-settings?branch_id=${b}`)).map((s) => s.device_id)).toEqual(
      [null, 'cam-1'],
    );
    await api('DELETE', `/api/v1/alert-settings/${tmp.id}`);
    expect(await err(api('GET', `/api/v1/alert-settings/${tmp.id}`))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps provider secrets write-only and encrypted at rest', async () => {
    const saved = await api<{ has_secret: Record<string, boolean>; config: { base_url: string } }>(
      'PUT',
      '/api/v1/notification-provider',
      {
        provider: 'whatsapp_cloud',
        config: { base_url: standIn.url, phone_number_id: '1234567890' },
        secrets: { token: 'super-secret-token', app_secret: APP_SECRET, verify_token: 'verify-me' },
      },
    );
    expect(saved.has_secret).toEqual({ token: true, app_secret: true, verify_token: true });
    // a save without secrets keeps them
    const again = await api<{ has_secret: Record<string, boolean> }>('PUT', '/api/v1/notification-provider', {
      provider: 'whatsapp_cloud',
      config: { base_url: standIn.url, phone_number_id: '1234567890' },
    });
    expect(again.has_secret.token).toBe(true);
    const text = JSON.stringify(await api('GET', '/api/v1/notification-provider'));
    expect(text).not.toContain('super-secret-token');
    const db = openReader(h.dataDir);
    const row = db.prepare(`SELECT secrets_enc FROM notification_provider_settings`).get() as { secrets_enc: string };
    const audit = db
      .prepare(`SELECT after FROM audit_logs WHERE entity_type = 'notification_provider'`)
      .all() as Array<{ after: string }>;
    db.close();
    expect(row.secrets_enc).toMatch(/^v1:/);
    expect(row.secrets_enc).not.toContain('super-secret');
    expect(audit.map((a) => a.after).join()).not.toContain('super-secret');
  });
});

describe('from detection to delivered, and the webhook', () => {
  let delivery: Delivery;

  it('sends a detection’s alert to every number through the provider', async () => {
    const { data } = await h.device.logDetection({
      re_id: 'person-42',
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      detected_count: 3,
    });
    expect(data.status).toBe('processing');
    const sent = await waitFor(
      async () => {
        const page = await h.admin.request<Delivery[]>('GET', '/api/v1/notification-deliveries');
        return page.data.length === 2 && page.data.every((d) => d.status === 'sent') ? page.data : null;
      },
      10_000,
      'two sent',
    );
    expect(
      standIn
        .sends()
        .map((r) => (r.body as { to: string }).to)
        .sort(),
    ).toEqual(['6281234567890', '6281298765432']);
    expect(standIn.sends()[0]!.headers.authorization).toBe('Bearer super-secret-token');
    delivery = sent.find((d) => d.phone === NUMBERS[0])!;
    expect(delivery.message).toContain('person-42');
    const perEvent = await api<Delivery[]>(
      'GET',
      `/api/v1/notification-deliveries?event_log_id=${delivery.event_log_id}`,
    );
    expect(perEvent).toHaveLength(2);
  });

  it('answers Meta’s verification handshake only with the right verify token', async () => {
    const ok = await fetch(
      `${h.server.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(
      `${h.server.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`,
    );
    expect(wrong.status).toBe(403);
  });

  it('refuses a wrong or missing signature with 401 and changes nothing', async () => {
    const body = metaStatus(delivery.provider_message_id!, 'read', 1_750_263_800);
    for (const sig of [sign(body, 'not-the-secret'), null, 'sha256=zz', sign(body + ' ')]) {
      const r = await postWebhook(body, sig);
      expect(r.status).toBe(401);
    }
    const d = await api<Delivery[]>('GET', `/api/v1/notification-deliveries?event_log_id=${delivery.event_log_id}`);
    expect(d.find((x) => x.id === delivery.id)!.status).toBe('sent');
  });

  it('applies statuses out of order without going backwards, ignores replays, and broadcasts notification_update', async () => {
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'auth', token: h.admin.token });
    await waitFor(() => ws.frames.some((f) => f.type === 'ready'), 3000, 'ready');
    const id = delivery.provider_message_id!;
    // read arrives first, then the older delivered and sent; read is replayed
    for (const [status, ts] of [
      ['read', 1_750_263_900],
      ['delivered', 1_750_263_850],
      ['sent', 1_750_263_800],
      ['read', 1_750_263_900],
    ] as const) {
      const body = metaStatus(id, status, ts);
      const r = await postWebhook(body, sign(body));
      expect(r.status).toBe(200);
    }
    const d = (
      await api<Delivery[]>('GET', `/api/v1/notification-deliveries?event_log_id=${delivery.event_log_id}`)
    ).find((x) => x.id === delivery.id)!;
    expect(d.status).toBe('read');
    expect(d.read_at).toBe(new Date(1_750_263_900_000).toISOString());
    expect(d.delivered_at).toBe(new Date(1_750_263_850_000).toISOString());
    const updates = await waitFor(
      () => {
        const u = ws
          .events()
          .filter(
            (e) => e.type === 'notification_update' && (e.data as { delivery_id: number }).delivery_id === delivery.id,
          );
        return u.some((e) => (e.data as { status: string }).status === 'read') ? u : null;
      },
      3000,
      'notification_update',
    );
    // one broadcast for the one change; the late and replayed ones changed nothing
    expect(updates.filter((e) => (e.data as { status: string }).status === 'read')).toHaveLength(1);
    expect(updates.map((e) => (e.data as { status: string }).status)).not.toContain('delivered');
    ws.close();
  });

  it('records a failure from Meta’s sample failed payload, once, and replaying it is idempotent', async () => {
    const other = (
      await api<Delivery[]>('GET', `/api/v1/notification-deliveries?event_log_id=${delivery.event_log_id}`)
    ).find((x) => x.id !== delivery.id)!;
    const body = metaStatus(other.provider_message_id!, 'failed', 1_750_264_000);
    const first = await postWebhook(body, sign(body));
    expect((await first.json()) as unknown).toMatchObject({
      success: true,
      data: { statuses: 1, changed: 1, ignored: 0 },
    });
    const replay = await postWebhook(body, sign(body));
    expect((await replay.json()) as unknown).toMatchObject({ success: true, data: { statuses: 1, changed: 0 } });
    const d = (
      await api<Delivery[]>(
        'GET',
        `/api/v1/notification-deliveries?event_log_id=${delivery.event_log_id}&status=failed`,
      )
    )[0]!;
    expect(d).toMatchObject({
      id: other.id,
      status: 'failed',
      error: '131026 Message undeliverable (Message Undeliverable.)',
    });
    // a late "delivered" proves it arrived after all; an unknown id waits in the park (its send
    // may not have committed yet) and changes nothing; an unknown kind is ignored
    const late = metaStatus(other.provider_message_id!, 'delivered', 1_750_264_100);
    await postWebhook(late, sign(late));
    const unknown = metaStatus('wamid.unknown', 'read', 1_750_264_100);
    expect(((await (await postWebhook(unknown, sign(unknown))).json()) as { data: unknown }).data).toMatchObject({
      statuses: 1,
      changed: 0,
      parked: 1,
      ignored: 0,
    });
    const odd = metaStatus(other.provider_message_id!, 'deleted' as 'read', 1_750_264_200);
    expect(((await (await postWebhook(odd, sign(odd))).json()) as { data: unknown }).data).toMatchObject({
      statuses: 1,
      changed: 0,
      parked: 0,
      ignored: 1,
    });
    expect(
      (await api<Delivery[]>('GET', `/api/v1/notification-deliveries?event_log_id=${delivery.event_log_id}`)).find(
        (x) => x.id === other.id,
      )!.status,
    ).toBe('delivered');
  });

  it('sends a test message and lets an uncertain or failed delivery be resent, nothing else', async () => {
    const t = await h.admin.request<Delivery>('POST', '/api/v1/notification-provider/test', {
      phone: '+6281200000001',
    });
    expect(t.status).toBe(202);
    await waitFor(
      async () =>
        (await api<Delivery[]>('GET', '/api/v1/notification-deliveries')).find((d) => d.id === t.data.id)?.status ===
        'sent',
      5000,
      'test sent',
    );
    expect(standIn.sends().at(-1)!.body).toMatchObject({
      to: '6281200000001',
      text: { body: expect.stringContaining('test') },
    });
    const e = await err(api('POST', `/api/v1/notification-deliveries/${t.data.id}/resend`, {}));
    expect(e?.code).toBe('CONFLICT');
  });
});
