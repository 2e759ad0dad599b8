/**
 * `npm run bench`: run every benchmark and save its JSON under bench/results/.
 * ingest and key-check print their JSON (saved here); the pipeline benches save their own files.
 * `npm run bench -- --compare REF`: the detection-path guard (compare.mjs) instead.
 * `npm run bench -- --wall`: the big-wall benchmark (wall-big.bench.ts) instead.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
// `npm run bench -- --compare REF`: the detection-path guard instead of the whole set
if (process.argv.includes('--compare')) {
  const r = spawnSync(process.execPath, [path.join(dir, 'compare.mjs'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
// `npm run bench -- --wall`: the big-wall benchmark (Chromium, server, simulated cameras) instead
if (process.argv.includes('--wall')) {
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: path.join(dir, '..') });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const r = spawnSync('npx', ['vitest', 'run', '--config', path.join(dir, 'vitest.wall.config.ts')], {
    stdio: 'inherit',
    cwd: path.join(dir, '..'),
  });
  process.exit(r.status ?? 1);
}
for (const name of ['ingest', 'key-check', 'pipeline-images', 'pipeline-notifications']) {
  const r = spawnSync(process.execPath, [path.join(dir, `${name}.mjs`), ...process.argv.slice(2)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(r.stdout);
  if (r.status !== 0) process.exit(r.status ?? 1);
  if (name.startsWith('pipeline-')) continue; // these save their own file
  const stamp = new Date().toISOString().slice(0, 10);
  fs.writeFileSync(path.join(dir, 'results', `${name}-${stamp}.json`), r.stdout);
}
