/**
 * Vite build of the renderer. The same output runs in Electron (`app://console/`) and in any
 * browser from the server's `/console/`, so assets are referenced relatively (`base: './'`).
 * `npm run dev -w @pantau/desktop` proxies the API to a server on 127.0.0.1:8080.
 */
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CONTENT_SECURITY_POLICY } from './src/common/csp.js';

/** Adds the CSP `<meta>` to the built index.html only (the dev server needs inline scripts for HMR). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'pantau-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

const server = 'http://127.0.0.1:8080';

export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    chunkSizeWarningLimit: 1500,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': server,
      '/health': server,
      '/ws': { target: server, ws: true },
    },
  },
  preview: { host: '127.0.0.1' },
});
