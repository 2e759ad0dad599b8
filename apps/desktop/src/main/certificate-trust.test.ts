import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import selfsigned from 'selfsigned';
import { createCertificateTrust, normaliseFingerprint } from './certificate-trust.js';

const store = (v?: string) => {
  const m = new Map<string, unknown>(v ? [['serverFingerprint', v]] : []);
  return {
    get: (k: string) => m.get(k),
    set: (k: string, x: unknown) => m.set(k, x),
    delete: (k: string) => m.delete(k),
  };
};

describe('certificate trust', () => {
  it('accepts exactly the pinned certificate on the configured server, nothing else', async () => {
    const a = await selfsigned.generate([{ name: 'commonName', value: 'a' }], { keyType: 'ec' });
    const b = await selfsigned.generate([{ name: 'commonName', value: 'b' }], { keyType: 'ec' });
    const fp = new crypto.X509Certificate(a.cert).fingerprint256;
    const ask = (trust: ReturnType<typeof createCertificateTrust>, url: string, cert: string) => {
      let prevented = false;
      let answer: boolean | null = null;
      trust({ preventDefault: () => (prevented = true) }, url, { data: cert }, (ok) => (answer = ok));
      return { prevented, answer };
    };
    const server = () => 'https://10.0.0.5:8080';
    // from the environment, lower case without colons too
    const env = createCertificateTrust(store(), server, fp.replace(/:/g, '').toLowerCase());
    expect(ask(env, 'https://10.0.0.5:8080/console/', a.cert)).toEqual({ prevented: true, answer: true });
    expect(ask(env, 'https://10.0.0.5:8080/api/v1/alarms', b.cert)).toEqual({ prevented: false, answer: false });
    expect(ask(env, 'https://10.0.0.6:8080/', a.cert)).toEqual({ prevented: false, answer: false });
    // stored
    expect(ask(createCertificateTrust(store(fp), server), 'wss://10.0.0.5:8080/ws', a.cert).answer).toBe(true);
    expect(ask(createCertificateTrust(store(fp), server), 'http://10.0.0.5:8080/', a.cert).answer).toBe(false);
    // nothing pinned: refused as Chromium would
    expect(ask(createCertificateTrust(store(), server), 'https://10.0.0.5:8080/', a.cert)).toEqual({
      prevented: false,
      answer: false,
    });
  });

  it('reads fingerprints as the server prints them and refuses anything else', () => {
    const hex = 'ab'.repeat(32);
    expect(normaliseFingerprint(hex)).toBe(Array(32).fill('AB').join(':'));
    expect(normaliseFingerprint('AB:CD')).toBeNull();
    expect(normaliseFingerprint('')).toBeNull();
  });
});
