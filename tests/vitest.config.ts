/**
 * End-to-end tests: Playwright (playwright-core + Debian's Chromium) against a real server,
 * real simulated cameras and real WebSocket events. One file at a time: each starts its own
 * server, cameras and browser.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: `${import.meta.dirname}/../artifacts/test-results/e2e.json` },
    root: import.meta.dirname,
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
