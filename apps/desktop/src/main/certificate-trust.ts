/**
 * Trust in a server's certificate that no CA vouches for (issue 16): a control room on a LAN
 * runs `pantau serve --tls-self-signed`, which prints the certificate's SHA-256 fingerprint;
 * the console is given that fingerprint (`PANTAU_SERVER_FINGERPRINT`, as `npm start -- --tls`
 * does, or the stored `serverFingerprint`), and accepts exactly that certificate for exactly
 * the configured server's origin. Any other certificate error goes on being refused, as
 * Chromium would. Electron's `certificate-error` event is the place (Electron docs, app
 * events); the handler is a plain function so Node tests cover it.
 */
import crypto from 'node:crypto';
import type { KeyValueStore } from './settings.js';

const FINGERPRINT_KEY = 'serverFingerprint';

/** `AB:CD:…` (32 bytes), as `openssl x509 -fingerprint -sha256` and the server print it; case and colons optional. */
export function normaliseFingerprint(v: string): string | null {
  const hex = v.replace(/[:\s]/g, '').toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex.match(/../g)!.join(':') : null;
}

/** What Electron hands the handler (the subset used). */
export interface PresentedCertificate {
  /** PEM of the server's certificate. */
  data: string;
}

/**
 * A `certificate-error` handler.
 * @param store where a pinned fingerprint may be kept
 * @param serverUrl the configured server (read at each event: the operator may change it)
 * @param envFingerprint a fingerprint from the environment, which wins over the stored one
 * @returns `(event, url, certificate, callback)`; calls `event.preventDefault()` and
 *   `callback(true)` only for the pinned certificate on the server's host and port (https or
 *   wss), else `callback(false)`
 */
export function createCertificateTrust(
  store: KeyValueStore,
  serverUrl: () => string,
  envFingerprint?: string,
): (
  event: { preventDefault(): void },
  url: string,
  certificate: PresentedCertificate,
  callback: (trusted: boolean) => void,
) => void {
  return (event, url, certificate, callback) => {
    const pinned =
      normaliseFingerprint(envFingerprint ?? '') ?? normaliseFingerprint(String(store.get(FINGERPRINT_KEY) ?? ''));
    // the server's host and port, over https or wss (its REST calls and its sockets)
    let same = false;
    try {
      const asked = new URL(url);
      const server = new URL(serverUrl());
      same = (asked.protocol === 'https:' || asked.protocol === 'wss:') && asked.host === server.host;
    } catch {
      same = false;
    }
    let presented: string | null = null;
    try {
      presented = new crypto.X509Certificate(certificate.data).fingerprint256;
    } catch {
      presented = null;
    }
    if (pinned && same && presented === pinned) {
      event.preventDefault();
      callback(true);
      return;
    }
    callback(false);
  };
}
