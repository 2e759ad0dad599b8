/**
 * `npm run bench`: run every benchmark and save its JSON under bench/results/.
 * ingest and key-check print their JSON (saved here); the pipeline benches save their own files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
for (const name of ['ingest', 'key-check', 'pipeline-images', 'pipeline-notifications']) {
  const r = spawnSync(process.execPath, [path.join(dir, `${name}.mjs`), ...process.argv.slice(2)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout);
  if (r.status !== 0) process.exit(r.status ?? 1);
  if (name.startsWith('pipeline-')) continue; // these save their own file
  const stamp = new Date().toISOString().slice(0, 10);
  fs.writeFileSync(path.join(dir, 'results', `${name}-${stamp}.json`), r.stdout);
}
