/**
 * The server's TLS identity (issue 16): a certificate and key from files the admin names
 * (`--tls-cert`, `--tls-key`: a CA's, or one a reverse proxy would use), or a self-signed one
 * the server makes once and keeps in `<data dir>/tls/` (`--tls-self-signed`) for a LAN without
 * a CA, whose SHA-256 fingerprint the operator compares (or pins) on the consoles and devices.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { PantauError } from '@pantau/shared';

/** How the server is told to speak TLS. */
export type TlsConfig =
  { mode: 'files'; certFile: string; keyFile: string } | { mode: 'self-signed' } | { mode: 'off' };

/** What https.createServer needs, and what to tell the operator. */
export interface TlsIdentity {
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, `AB:CD:…` (as browsers and `openssl x509 -fingerprint -sha256` print it). */
  fingerprint256: string;
  /** Where the certificate lives (for `NODE_EXTRA_CA_CERTS` and the consoles' trust). */
  certFile: string;
  /** The names and addresses the certificate is valid for. */
  subjectAltNames: string[];
  validTo: string;
  /** True when this start made the certificate (so the fingerprint is new). */
  created: boolean;
}

/** Lifetime of a made certificate, days: 825, the longest a browser accepted for a TLS server certificate. */
export const SELF_SIGNED_DAYS = 825;
/** Remake a kept certificate this long before it ends, ms (30 days). */
const RENEW_BEFORE_MS = 30 * 86_400_000;

/**
 * Load or make the TLS identity.
 * @param cfg where the certificate comes from
 * @param dataDir the server's data directory (self-signed: `tls/server.crt`, `tls/server.key`, mode 0600)
 * @returns null when TLS is off
 * @throws PantauError VALIDATION_ERROR when a named file cannot be read, or the key does not match the certificate
 */
export async function loadTlsIdentity(cfg: TlsConfig, dataDir: string): Promise<TlsIdentity | null> {
  if (cfg.mode === 'off') return null;
  if (cfg.mode === 'files') {
    const read = (file: string, field: string) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new PantauError('VALIDATION_ERROR', `cannot read ${file}: ${(err as Error).message}`, { field });
      }
    };
    return identity(read(cfg.certFile, 'tls-cert'), read(cfg.keyFile, 'tls-key'), cfg.certFile, false);
  }
  const dir = path.join(dataDir, 'tls');
  const certFile = path.join(dir, 'server.crt');
  const keyFile = path.join(dir, 'server.key');
  const wanted = subjectAltNames();
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    const kept = identity(fs.readFileSync(certFile, 'utf8'), fs.readFileSync(keyFile, 'utf8'), certFile, false);
    const fresh = Date.parse(kept.validTo) - Date.now() > RENEW_BEFORE_MS;
    // an address this machine gained since (a new NIC, DHCP) would not match: remake, and say so
    const has = new Set(kept.subjectAltNames.map(canonicalName));
    if (fresh && wanted.every((n) => has.has(canonicalName(n)))) return kept;
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pems = await selfsigned.generate([{ name: 'commonName', value: `Pantau ${os.hostname()}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + SELF_SIGNED_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: wanted.map((n) =>
          n.startsWith('IP:') ? { type: 7, ip: n.slice(3) } : { type: 2, value: n.slice(4) },
        ),
      },
    ],
  });
  fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
  fs.writeFileSync(certFile, pems.cert, { mode: 0o600 });
  return identity(pems.cert, pems.private, certFile, true);
}

/** `DNS:localhost`, `DNS:<hostname>`, `IP:127.0.0.1`, `IP:::1` and every address of this machine's interfaces. */
function subjectAltNames(): string[] {
  const names = new Set(['DNS:localhost', `DNS:${os.hostname()}`, 'IP:127.0.0.1', 'IP:::1']);
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (!a.address.startsWith('fe80:')) names.add(`IP:${a.address}`);
  return [...names];
}

/** `IP:0:0:0:0:0:0:0:1` and `IP:::1` compare equal (OpenSSL prints IPv6 addresses expanded). */
function canonicalName(n: string): string {
  if (!n.startsWith('IP:') || !n.includes(':', 3)) return n;
  try {
    return `IP:${new URL(`http://[${n.slice(3)}]/`).hostname}`;
  } catch {
    return n;
  }
}

function identity(cert: string, key: string, certFile: string, created: boolean): TlsIdentity {
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(cert);
  } catch (err) {
    throw new PantauError('VALIDATION_ERROR', `not a PEM certificate: ${(err as Error).message}`, {
      field: 'tls-cert',
    });
  }
  let matches = false;
  try {
    matches = x509.checkPrivateKey(crypto.createPrivateKey(key));
  } catch (err) {
    throw new PantauError('VALIDATION_ERROR', `not a PEM private key: ${(err as Error).message}`, { field: 'tls-key' });
  }
  if (!matches) throw new PantauError('VALIDATION_ERROR', 'the key is not the certificate’s', { field: 'tls-key' });
  return {
    cert,
    key,
    certFile,
    fingerprint256: x509.fingerprint256,
    // "DNS:localhost, IP Address:127.0.0.1" → DNS:localhost, IP:127.0.0.1
    subjectAltNames: (x509.subjectAltName ?? '')
      .split(', ')
      .filter(Boolean)
      .map((n) => n.replace(/^IP Address:/, 'IP:')),
    validTo: new Date(x509.validTo).toISOString(),
    created,
  };
}
