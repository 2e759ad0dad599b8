#!/usr/bin/env node
/**
 * Prints one closing line `N passed, N failed` (plus skipped) over the JSON reports that
 * vitest wrote to artifacts/test-results/, so CI logs end with a runner-neutral summary.
 */
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve(import.meta.dirname, '../artifacts/test-results');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (!f.endsWith('.json')) continue;
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
