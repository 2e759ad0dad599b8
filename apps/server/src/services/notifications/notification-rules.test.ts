/**
 * The pure rules of WhatsApp alerts: statuses never go backwards whatever order they arrive
 * in, templates render in the branch's time zone, E.164 validation, Retry-After.
 */
import { describe, expect, it } from 'vitest';
import { AlertSettingCreate, PhoneNumber, renderTemplate, toE164, unknownPlaceholders } from '@pantau/shared';
import { nextStatus, type ProviderStatus } from './status-rules.js';
import type { DeliveryStatusName } from '../../repositories/notification-repository.js';
import { renderAlert, siteTime } from './message-format.js';
import { classifyFetchError, retryAfterMs } from './providers/provider.js';

/** Apply reports in order from `start`, as the webhook does. */
const fold = (start: DeliveryStatusName, reports: ProviderStatus[]) =>
  reports.reduce<DeliveryStatusName>((s, r) => nextStatus(s, r) ?? s, start);

function permutations<T>(a: T[]): T[][] {
  if (a.length <= 1) return [a];
  return a.flatMap((x, i) => permutations([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('delivery status rules', () => {
  it('ends in read whatever order sent, delivered and read arrive in, with replays and skips', () => {
    for (const order of permutations<ProviderStatus>(['sent', 'delivered', 'read'])) {
      expect(fold('sending', order)).toBe('read');
      expect(fold('sending', [...order, ...order])).toBe('read');
    }
    expect(fold('sending', ['read'])).toBe('read');
    expect(fold('sent', ['delivered', 'sent'])).toBe('delivered');
  });

  it('accepts failed only up to sent, and lets proof of delivery beat an earlier failure', () => {
    expect(fold('sending', ['sent', 'failed'])).toBe('failed');
    expect(fold('sending', ['failed', 'sent'])).toBe('failed');
    expect(fold('sending', ['delivered', 'failed'])).toBe('delivered');
    expect(fold('sending', ['read', 'failed', 'sent'])).toBe('read');
    expect(fold('sending', ['failed', 'delivered'])).toBe('delivered');
    expect(nextStatus('failed', 'failed')).toBeNull();
  });

  it('moves an uncertain delivery on with any provider report', () => {
    expect(nextStatus('uncertain', 'sent')).toBe('sent');
    expect(nextStatus('uncertain', 'failed')).toBe('failed');
  });
});

describe('message template', () => {
  const facts = {
    branch_name: 'Jakarta Pusat',
    device_name: 'Lobby',
    re_id: 'p-7',
    detected_count: 2,
    event_timestamp: '2026-11-21T03:15:07.000Z',
  };

  it('fills every placeholder, the time in the branch’s zone', () => {
    const t = '{branch_name}/{device_name}: {re_id} x{detected_count} at {time}';
    expect(renderAlert(t, { ...facts, timezone: 'Asia/Jakarta' })).toBe(
      'Jakarta Pusat/Lobby: p-7 x2 at 2026-11-21 10:15:07 WIB',
    );
    expect(renderAlert(t, { ...facts, timezone: 'Asia/Jayapura' })).toBe(
      'Jakarta Pusat/Lobby: p-7 x2 at 2026-11-21 12:15:07 WIT',
    );
    // the local day can differ from the UTC one
    expect(siteTime(new Date('2026-11-21T20:00:00Z'), 'Asia/Makassar')).toBe('2026-11-22 04:00:00 WITA');
  });

  it('leaves unknown placeholders as typed and the settings schema refuses them', () => {
    expect(
      renderTemplate('{branch} {re_id}', {
        branch_name: 'B',
        device_name: 'D',
        re_id: 'R',
        detected_count: 1,
        time: 'T',
      }),
    ).toBe('{branch} R');
    expect(unknownPlaceholders('{branch} {re_id} {cam}')).toEqual(['branch', 'cam']);
    const r = AlertSettingCreate.safeParse({ branch_id: 1, message_template: 'at {branch}' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['message_template']);
  });
});

describe('E.164 numbers', () => {
  it('normalises valid international numbers and refuses the rest', () => {
    expect(toE164('+62 812-3456-7890')).toBe('+6281234567890');
    expect(toE164('+6281234567890')).toBe('+6281234567890');
    expect(toE164('081234567890')).toBeNull(); // no country code
    expect(toE164('+62 812')).toBeNull(); // too short
    expect(toE164('+1 555 0100')).toBeNull();
    expect(toE164('+62 812 3456 7890 1234')).toBeNull(); // too long
    expect(PhoneNumber.safeParse('+44 7911 123456').data).toBe('+447911123456');
  });

  it('names the offending number’s index and refuses duplicates after normalising', () => {
    const bad = AlertSettingCreate.safeParse({ branch_id: 1, numbers: ['+6281234567890', '12345'] });
    expect(bad.error?.issues[0]?.path).toEqual(['numbers', 1]);
    const dup = AlertSettingCreate.safeParse({ branch_id: 1, numbers: ['+6281234567890', '+62 812 3456 7890'] });
    expect(dup.success).toBe(false);
  });
});

describe('provider errors', () => {
  it('reads Retry-After as seconds or a date, clamped to 1 s .. 1 h', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(null, 60_000)).toBe(60_000);
    expect(retryAfterMs('0')).toBe(1000);
    expect(retryAfterMs('999999')).toBe(3_600_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', 60_000, now)).toBe(30_000);
  });

  it('treats a refused connection as not sent and a cut-off call as uncertain', () => {
    const live = new AbortController().signal;
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(classifyFetchError(refused, live).kind).toBe('unavailable');
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    expect(classifyFetchError(reset, live).kind).toBe('uncertain');
    const ctl = new AbortController();
    ctl.abort(new Error('timed out after 30000 ms'));
    expect(classifyFetchError(new Error('aborted'), ctl.signal).kind).toBe('uncertain');
    expect(classifyFetchError(reset, live, true).kind).toBe('unavailable');
  });
});
