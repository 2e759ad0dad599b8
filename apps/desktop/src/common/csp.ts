/**
 * The console's Content-Security-Policy for the Vite build's `<meta>` (fixed at build time: no
 * nonce, any server). The policy itself and why each part is there: packages/shared/src/csp.ts.
 */
import { consolePolicy } from '@pantau/shared';

export const CONTENT_SECURITY_POLICY = consolePolicy();
