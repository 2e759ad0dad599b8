/**
 * The alert screens' rules: numbers checked in place, the live preview, resend offered only
 * for uncertain or failed deliveries.
 */
import { describe, expect, it } from 'vitest';
import { canResend, checkNumbers, numbersValid, previewTemplate } from './alerts-model.js';

describe('alerts model', () => {
  it('checks each number where it is typed and flags duplicates after normalising', () => {
    const c = checkNumbers(['+62 812-3456-7890', '0812345', '+6281234567890']);
    expect(c.map((x) => x.e164)).toEqual(['+6281234567890', null, '+6281234567890']);
    expect(c.map((x) => x.duplicate)).toEqual([false, false, true]);
    expect(numbersValid(c)).toBe(false);
    expect(numbersValid(checkNumbers(['+6281234567890', '+447911123456']))).toBe(true);
  });

  it('previews the template with sample values and names unknown placeholders', () => {
    const p = previewTemplate('{re_id} at {branch_name}/{device_name} {time} {cam}', { branch_name: 'Jakarta', device_name: 'Lobby', time: '2026-11-21 10:15:00 WIB' });
    expect(p.text).toBe('RE-000123 at Jakarta/Lobby 2026-11-21 10:15:00 WIB {cam}');
    expect(p.unknown).toEqual(['cam']);
  });

  it('offers resend only for uncertain or failed deliveries', () => {
    expect(['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'uncertain'].filter((s) => canResend({ status: s as never }))).toEqual(['failed', 'uncertain']);
  });
});
