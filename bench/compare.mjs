/**
 * The detection-path guard (issue 11): `npm run bench -- --compare REF [--rounds 10] [--duration 8]
 * [--connections 16] [--tolerance 0.1]` checks REF out into a worktree beside this checkout
 * (reused while REF's commit stays the same), gives it node_modules (hard links of this
 * checkout's when the lock files match, `npm ci` otherwise), builds its server, builds this
 * checkout's, and runs both alternately (bench/ab.mjs). Exits 1 when this checkout's 202/s as a
 * ratio of the bare Fastify anchor falls more than `tolerance` below REF's (the median over rounds
 * of B's ratio ÷ A's, each round's pair run back to back), and saves
 * the result to results/compare-<ref>-<date>.json.
 * Run it on every change that touches ingestion, the worker, the outbox or the hub.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAB } from './ab.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const root = path.resolve(import.meta.dirname, '..');
const ref = arg('compare');
if (!ref) {
  console.error(
    'usage: npm run bench -- --compare REF [--rounds 10] [--duration 8] [--connections 16] [--tolerance 0.1]',
  );
  process.exit(2);
}
const tolerance = Number(arg('tolerance', 0.1));
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const sha = sh('git', ['rev-parse', '--verify', `${ref}^{commit}`], root).trim();
const dir = path.join(os.tmpdir(), `pantau-compare-${sha.slice(0, 12)}`);

if (!fs.existsSync(path.join(dir, 'package.json'))) {
  fs.rmSync(dir, { recursive: true, force: true });
  sh('git', ['worktree', 'prune'], root);
  sh('git', ['worktree', 'add', '--detach', dir, sha], root);
}
if (!fs.existsSync(path.join(dir, 'node_modules'))) {
  const same =
    fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8') ===
    fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
  if (same) {
    // hard links: seconds instead of minutes; the workspace links are relative, so they point into the worktree
    for (const nm of [
      'node_modules',
      'apps/server/node_modules',
      'apps/desktop/node_modules',
      'packages/shared/node_modules',
    ])
      if (fs.existsSync(path.join(root, nm))) sh('cp', ['-al', path.join(root, nm), path.join(dir, nm)], root);
  } else {
    console.error(`compare: ${ref}'s package-lock.json differs: npm ci in ${dir}`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: 'inherit',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    });
  }
}
// only the server and what it imports: the console plays no part in the detection path
const buildServer = (cwd) =>
  execFileSync('npx', ['tsc', '-b', 'packages/shared/tsconfig.build.json', 'apps/server/tsconfig.build.json'], {
    cwd,
    stdio: 'inherit',
  });
buildServer(dir);
buildServer(root);

const out = runAB({
  a: dir,
  b: root,
  rounds: Number(arg('rounds', 10)),
  duration: Number(arg('duration', 8)),
  connections: Number(arg('connections', 16)),
  log: (row) => console.error(JSON.stringify(row)),
});
out.ref = ref;
out.ref_sha = sha;
out.head_sha = sh('git', ['rev-parse', 'HEAD'], root).trim();
out.dirty = sh('git', ['status', '--porcelain', '--untracked-files=no'], root).trim() !== '';
out.tolerance = tolerance;
out.pass = out.summary.b_over_a_ratio >= 1 - tolerance;
const stamp = new Date().toISOString().slice(0, 10);
const file = path.join(import.meta.dirname, 'results', `compare-${sha.slice(0, 7)}-${stamp}.json`);
fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
const { A, B } = out.summary;
console.log(
  `${ref} (${sha.slice(0, 7)}): ${A.accepted_per_s}/s, ratio ${A.ratio} | this checkout: ${B.accepted_per_s}/s, ratio ${B.ratio} | ` +
    `B ÷ A ${out.summary.b_over_a_ratio} (raw ${out.summary.b_over_a_raw}; ${out.pass ? 'pass' : `FAIL: more than ${tolerance * 100} % below`}) → ${path.relative(root, file)}`,
);
process.exit(out.pass ? 0 : 1);
