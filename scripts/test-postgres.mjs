#!/usr/bin/env node
/**
 * The PostgreSQL tier: the integration tests (every server test file that opens a database)
 * again, on a throwaway PostgreSQL server started here (apps/server/src/cluster/local-postgres.ts)
 * and stopped after. Run by `npm test` after the SQLite tier; needs the built server and
 * PostgreSQL from Debian's packages (`bash scripts/setup.sh --postgres`). Without PostgreSQL it
 * says so and passes, except under CI (`CI=true`), where the tier must run.
 *
 * Usage: node scripts/test-postgres.mjs [vitest file filters…]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { findPostgresBin, startLocalPostgres } = await import(
  path.join(root, 'apps/server/dist/cluster/local-postgres.js')
);

if (!findPostgresBin()) {
  const msg = 'PostgreSQL tier: PostgreSQL is not installed (bash scripts/setup.sh --postgres)';
  if (process.env.CI) {
    console.error(`${msg}; CI must run it`);
    process.exit(1);
  }
  console.log(`${msg}: skipped`);
  process.exit(0);
}

/** Server test files that open a database: the integration tier. */
function integrationFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...integrationFiles(p));
    else if (
      e.name.endsWith('.test.ts') &&
      /startHarness|openDatabase|siteZoneRig|testDatabaseUrl|spawnServer/.test(fs.readFileSync(p, 'utf8'))
    )
      out.push(path.relative(root, p));
  }
  return out.sort();
}

const filters = process.argv.slice(2);
const files = filters.length ? filters : integrationFiles(path.join(root, 'apps/server/src'));
const pg = await startLocalPostgres();
console.log(`PostgreSQL tier: ${files.length} files on ${pg.url}`);
let status = 1;
try {
  const r = spawnSync(
    'npx',
    ['vitest', 'run', '--outputFile.json=artifacts/test-results/unit-postgres.json', ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PANTAU_TEST_POSTGRES: pg.url } },
  );
  status = r.status ?? 1;
} finally {
  pg.stop(true);
}
process.exit(status);
