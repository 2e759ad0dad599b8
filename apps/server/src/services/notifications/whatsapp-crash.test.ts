/**
 * `kill -9` of the server while WhatsApp messages are in flight (the stand-in provider holds
 * every call open): after a restart no delivery is lost and none is sent twice — the ones
 * whose call was in flight when the server died are `uncertain` (not resent on their own),
 * every other one is sent exactly once. Runs the built CLI (`npm run build` first).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '@pantau/shared';
import { createCliAdmin, spawnServer } from '../../test-support/cli-server.js';
import { tempDataDir, waitFor } from '../../test-support/harness.js';
import { WhatsAppStandIn } from '../../test-support/whatsapp-stand-in.js';
import { openReader } from '../../test-support/postgres.js';

const dataDir = tempDataDir();
let proc: ChildProcess | null = null;
let standIn: WhatsAppStandIn | null = null;

/** The server on this test's data directory, remembered for the final kill. */
const serve = () => spawnServer(dataDir, (child) => (proc = child));

afterAll(async () => {
  proc?.kill('SIGKILL');
  await standIn?.stop();
});

const rows = <T>(sql: string) => {
  const db = openReader(dataDir);
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
};

describe('WhatsApp crash recovery', () => {
  it('loses no message and sends none twice across kill -9 with calls in flight', async () => {
    standIn = await WhatsAppStandIn.start();
    const made = createCliAdmin(dataDir);
    expect(made.status, made.stderr).toBe(0);
    let { url, child } = await serve();
    const admin = new ApiClient({ baseUrl: url });
    await admin.login({ email: 'a@test.local', password: 'password1' });
    const g = await admin.createGroup({ province_code: 'W', province_name: 'WA', group_name: 'WA' });
    const b = await admin.createBranch({ group_id: g.id, branch_code: 'W-1', branch_name: 'WA 1', city: 'Jakarta' });
    await admin.createDevice({ device_id: 'cam-w', device_name: 'W', device_type: 'camera', branch_id: b.id });
    const cred = await admin.createCredential({ credential_name: 'wa' });
    await admin.saveProviderSettings({
      provider: 'whatsapp_cloud',
      config: { base_url: standIn.url, phone_number_id: '1234567890' },
      secrets: { token: 't' },
    });
    const numbers = ['+6281234567890', '+6281298765432', '+6281211112222'];
    await admin.createAlertSetting({
      branch_id: b.id,
      numbers,
      message_template: '{re_id} at {device_name}',
      cooldown_seconds: 0,
    });
    await standIn.setMode('stall');
    const device = new ApiClient({ baseUrl: url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
    const people = 8;
    for (let i = 0; i < people; i++)
      await device.logDetection({
        re_id: `p-${i}`,
        branch_id: b.id,
        device_id: 'cam-w',
        detected_count: 1,
        event_id: `e-${i}`,
      });
    // the notifications queue runs 4 at once: wait until 4 calls hang at the provider, then kill
    await waitFor(() => standIn!.sends().length >= 4, 15_000, 'calls in flight');
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    const inFlight = standIn.sends().length;
    expect(inFlight).toBe(4);
    await standIn.setMode('ok');

    ({ url, child } = await serve());
    const total = people * numbers.length;
    await waitFor(
      () => {
        const r = rows<{ n: number }>(
          `SELECT COUNT(*) AS n FROM notification_deliveries WHERE status IN ('sent', 'uncertain')`,
        )[0]!;
        const j = rows<{ n: number }>(`SELECT COUNT(*) AS n FROM jobs`)[0]!;
        return r.n === total && j.n === 0;
      },
      30_000,
      'every delivery settled',
    );
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    const deliveries = rows<{ status: string; phone: string; message: string; provider_message_id: string | null }>(
      `SELECT status, phone, message, provider_message_id FROM notification_deliveries`,
    );
    expect(deliveries).toHaveLength(total);
    const uncertain = deliveries.filter((d) => d.status === 'uncertain');
    const sent = deliveries.filter((d) => d.status === 'sent');
    expect(uncertain).toHaveLength(inFlight);
    expect(sent).toHaveLength(total - inFlight);
    // the provider saw each (number, message) at most once: the in-flight ones before the kill, the rest after
    const seen = standIn
      .sends()
      .map((r) => `${(r.body as { to: string }).to}|${(r.body as { text: { body: string } }).text.body}`);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(total);
    // the uncertain ones are exactly the calls that hung when the server died
    const hung = new Set(
      standIn
        .sends()
        .filter((r) => r.mode === 'stall')
        .map((r) => `${(r.body as { to: string }).to}|${(r.body as { text: { body: string } }).text.body}`),
    );
    expect(new Set(uncertain.map((d) => `${d.phone.slice(1)}|${d.message}`))).toEqual(hung);
    expect(rows<{ n: number }>(`SELECT COUNT(*) AS n FROM failed_jobs`)[0]!.n).toBe(0);
  }, 120_000);
});
