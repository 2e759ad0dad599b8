/**
 * The `pantau` command as a user runs it (the built bin; `npm run build` first): users,
 * credentials, migrate, and clear errors for bad input.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from './test-support/harness.js';

const bin = path.resolve(import.meta.dirname, '../bin/pantau.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('pantau CLI', () => {
  const dir = tempDataDir();

  it('creates a user, and refuses the same email twice with a clear error', () => {
    const ok = run(
      'users',
      'create',
      '--email',
      'Op@Example.com',
      '--password',
      'long-enough',
      '--role',
      'operator',
      '--data-dir',
      dir,
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ email: 'op@example.com', role: 'operator' });
    const again = run('users', 'create', '--email', 'op@example.com', '--password', 'long-enough', '--data-dir', dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/CONFLICT/);
    const weak = run('users', 'create', '--email', 'x@example.com', '--password', 'short', '--data-dir', dir);
    expect(weak.stderr).toMatch(/VALIDATION_ERROR: password/);
    const role = run(
      'users',
      'create',
      '--email',
      'y@example.com',
      '--password',
      'long-enough',
      '--role',
      'root',
      '--data-dir',
      dir,
    );
    expect(role.status).not.toBe(0);
    expect(role.stderr).toMatch(/root/);
  });

  it('creates a credential and prints { id, api_key, api_secret } once', () => {
    const r = run(
      'credentials',
      'create',
      '--name',
      'gate camera',
      '--expires-at',
      '2030-01-01T00:00:00Z',
      '--data-dir',
      dir,
    );
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(c).sort()).toEqual(['api_key', 'api_secret', 'id']);
    expect(c.api_key).toMatch(/^pantau_live_[0-9a-f]{24}$/);
    const bad = run('credentials', 'create', '--name', 'x', '--expires-at', 'tomorrow', '--data-dir', dir);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/expires-at/);
  });

  it('refuses bad simulator options before starting anything', () => {
    const fps = run('simulate', '--fps', '0', '--data-dir', dir);
    expect(fps.status).not.toBe(0);
    expect(fps.stderr).toMatch(/--fps.*whole frames per second, 1–60/);
    const half = run('simulate', '--fps', '12.5', '--data-dir', dir);
    expect(half.stderr).toMatch(/--fps/);
    const size = run('simulate', '--sub-resolution', '320', '--data-dir', dir);
    expect(size.stderr).toMatch(/--sub-resolution.*WIDTHxHEIGHT/);
  });

  it('reports migrations', () => {
    const r = run('migrate', '--data-dir', dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/nothing to migrate/);
  });

  it('rebuilds the rollups with progress on stderr and the result as JSON, and refuses a bad range naming the field', () => {
    const dir2 = tempDataDir();
    expect(run('migrate', '--data-dir', dir2).status).toBe(0);
    const bad = run('rollups', 'rebuild', '--from', '2026-13', '--data-dir', dir2);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/VALIDATION_ERROR: --from must be YYYY-MM-DD/);
    const backwards = run('rollups', 'rebuild', '--from', '2026-11-20', '--to', '2026-11-19', '--data-dir', dir2);
    expect(backwards.stderr).toMatch(/VALIDATION_ERROR: --to is before --from/);
    const ok = run('rollups', 'rebuild', '--from', '2026-11-18', '--to', '2026-11-20', '--data-dir', dir2);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({
      from: '2026-11-18',
      to: '2026-11-20',
      detections: 0,
      hourly_rows: 0,
      daily_rows: 0,
      person_days: 0,
      person_periods: 0,
    });
    // three days, then their week (16–22 November) and their month
    expect(ok.stderr).toMatch(
      /rollups 2026-11-18 … 2026-11-20: 100% \(5\/5 periods \(the days, then their weeks and months\) · 0 detections\)/,
    );
  });
});
