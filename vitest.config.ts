/**
 * Unit and integration tests: `*.test.ts` beside the code in every workspace.
 * End-to-end tests (tests/e2e) have their own config: tests/vitest.config.ts.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'artifacts/test-results/unit.json' },
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/src/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // 2-core machines: integration tests spawn ffmpeg and GStreamer.
    maxWorkers: 2,
  },
});
