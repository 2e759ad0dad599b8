/**
 * The mpegts.js fixes applied at install (scripts/patch-deps.mjs: xqq/mpegts.js#197 and #36):
 * the bundle the console builds from carries them, and the patcher is idempotent and refuses a
 * file it does not recognise. Their effect is checked end to end by tests/e2e/layouts.e2e.ts
 * (switching layouts while tiles connect leaves no page error) and tests/e2e/video-wall.e2e.ts
 * (16 tiles, a camera cut and seeks to the live edge leave no page error).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXES, applyFixes } from '../../../../../scripts/patch-deps.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

describe('dependency fixes', () => {
  it('are in the installed mpegts.js the console bundles', () => {
    for (const fix of FIXES) expect(fs.readFileSync(path.join(ROOT, fix.file), 'utf8')).toContain(fix.to);
    expect(applyFixes(ROOT)).toEqual(FIXES.map((f) => `${f.file}: already applied`));
  });

  it('applies once, then leaves the file alone; refuses a file without the text', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patch-deps-'));
    const fixes = [{ file: 'pkg/a.js', from: 'throw x;', to: 'if (aborted) return; throw x;' }];
    fs.mkdirSync(path.join(dir, 'pkg'));
    fs.writeFileSync(path.join(dir, 'pkg/a.js'), 'function f() { throw x; }');
    expect(applyFixes(dir, fixes)).toEqual(['pkg/a.js: applied']);
    expect(applyFixes(dir, fixes)).toEqual(['pkg/a.js: already applied']);
    expect(fs.readFileSync(path.join(dir, 'pkg/a.js'), 'utf8')).toBe('function f() { if (aborted) return; throw x; }');
    fs.writeFileSync(path.join(dir, 'pkg/a.js'), 'function f() { upgraded(); }');
    expect(() => applyFixes(dir, fixes)).toThrow(/found it 0 times; was the dependency upgraded/);
    expect(applyFixes(dir, [{ file: 'pkg/none.js', from: 'a', to: 'b' }])).toEqual(['pkg/none.js: missing file']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
