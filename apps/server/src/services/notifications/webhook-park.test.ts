/**
 * The webhook's park for statuses of message ids not yet stored: bounded in time
 * (PARK_TTL_MS) and size (PARK_MAX), replays not duplicated. The race it exists for is tested
 * end to end in whatsapp-delivery.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SyncExecutor } from '../../db/sync-executor.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';
import type { NotificationRepository } from './notification-repository.js';
import type { ProviderSettingsStore } from './provider-settings.js';
import { PARK_MAX, PARK_TTL_MS, WebhookService } from './webhook-service.js';

const payload = (ids: string[], status = 'sent') =>
  Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { statuses: ids.map((id) => ({ id, status, timestamp: '1750000000' })) } }] }] }));

function service() {
  let now = 1_000_000;
  const repo = { deliveryByProviderId: () => undefined } as unknown as NotificationRepository;
  const exec = { tx: <T>(fn: () => T) => fn() } as unknown as SyncExecutor;
  const w = new WebhookService(repo, exec, {} as ProviderSettingsStore, {} as NotificationDispatcher, () => undefined, () => now);
  return { w, advance: (ms: number) => (now += ms) };
}

describe('webhook park', () => {
  it('keeps unknown ids for PARK_TTL_MS, then drops them; a replay is parked once', () => {
    const { w, advance } = service();
    expect(w.apply(payload(['wamid.a']))).toMatchObject({ parked: 1, ignored: 0 });
    expect(w.apply(payload(['wamid.a']))).toMatchObject({ parked: 1 });
    advance(PARK_TTL_MS / 2);
    w.apply(payload(['wamid.b'], 'delivered'));
    expect(w.parkedIds()).toEqual(['wamid.a', 'wamid.b']);
    advance(PARK_TTL_MS / 2 + 1);
    expect(w.parkedIds()).toEqual(['wamid.b']);
    advance(PARK_TTL_MS);
    expect(w.parkedIds()).toEqual([]);
    // nothing to apply for an id that is gone
    expect(w.applyParked('wamid.a')).toBe(0);
  });

  it('parks at most PARK_MAX ids and ignores new ones past it', () => {
    const { w } = service();
    const ids = Array.from({ length: PARK_MAX }, (_, i) => `wamid.${i}`);
    expect(w.apply(payload(ids)).parked).toBe(PARK_MAX);
    expect(w.apply(payload(['wamid.one-too-many']))).toMatchObject({ parked: 0, ignored: 1 });
    // a known parked id still takes more statuses
    expect(w.apply(payload(['wamid.7'], 'read'))).toMatchObject({ parked: 1, ignored: 0 });
  });
});
