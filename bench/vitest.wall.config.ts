/**
 * The big-wall benchmark (`npm run bench -- --wall`): not a test (nothing is asserted but that
 * it ran), one file, a real server, simulated cameras and Chromium as the end-to-end tests use.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['wall-big.bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
