/**
 * The HAProxy configuration: `deploy/haproxy.cfg` is the generator's sample (one source), and
 * HAProxy itself accepts both the sample and what `pantau cluster` writes (`haproxy -c`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { haproxyConfig, SAMPLE_HAPROXY } from './haproxy-config.js';

const deployed = path.resolve(import.meta.dirname, '../../../../deploy/haproxy.cfg');
const haproxy = spawnSync('haproxy', ['-v']).status === 0;

/** A throwaway certificate and key in one PEM, as HAProxy's `crt` wants (the `selfsigned` package the server uses). */
async function testPem(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-haproxy-'));
  const pem = path.join(dir, 'h.pem');
  const made = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
  });
  fs.writeFileSync(pem, `${made.cert.trim()}\n${made.private.trim()}\n`);
  return pem;
}

describe('HAProxy configuration', () => {
  it('deploy/haproxy.cfg is the generated sample', () => {
    expect(fs.readFileSync(deployed, 'utf8')).toBe(haproxyConfig(SAMPLE_HAPROXY));
  });

  it('routes the stream paths by stream id with consistent hashing, and checks /health', () => {
    const text = haproxyConfig(SAMPLE_HAPROXY);
    expect(text).toMatch(/balance hash var\(txn\.stream_id\)\n\s+hash-type consistent/);
    expect(text).toContain('option httpchk GET /health');
    expect(text).toContain('http-request redirect scheme https code 308 unless { ssl_fc }');
  });

  it.skipIf(!haproxy)('is valid for HAProxy (the sample, and a cluster of mixed roles)', async () => {
    const pem = await testPem();
    for (const o of [
      SAMPLE_HAPROXY,
      {
        httpsBind: '127.0.0.1:18443',
        httpBind: null,
        certPem: pem,
        api: [{ name: 'p1', address: '127.0.0.1:1' }],
        gateways: [{ name: 'p2', address: '127.0.0.1:2' }],
        maxconn: 1000,
      },
    ]) {
      const file = path.join(path.dirname(pem), 'haproxy.cfg');
      fs.writeFileSync(file, haproxyConfig({ ...o, certPem: pem, maxconn: 1000 }));
      const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
  });
});
