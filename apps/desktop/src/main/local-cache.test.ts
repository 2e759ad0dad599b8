import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_SCHEMA_VERSION, openLocalCache, type LocalCache } from './local-cache.js';

const dirs: string[] = [];
const opened: LocalCache[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-cache-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'local-cache.sqlite');
}
function open(file: string, maxEvents?: number): LocalCache {
  const cache = openLocalCache(file, maxEvents === undefined ? {} : { maxEvents });
  opened.push(cache);
  return cache;
}
afterEach(() => {
  for (const c of opened.splice(0)) {
    try {
      c.close();
    } catch {
      // already closed by the test
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const event = (id: number) => ({
  id,
  device_id: `CAM-${id % 3}`,
  re_id: `P-${id}`,
  event_timestamp: new Date(id * 1000).toISOString(),
});

describe('local cache (SQLite file)', () => {
  it('keeps key-value text across a restart, and forgets on remove and clear', () => {
    const file = tempFile();
    const a = open(file);
    a.set('queries', '{"x":1}');
    a.set('wall.layout.main', '{"id":7}');
    a.set('queries', '{"x":2}');
    a.remove('wall.layout.main');
    a.close();
    const b = open(file);
    expect(b.get('queries')).toBe('{"x":2}');
    expect(b.get('wall.layout.main')).toBeNull();
    b.putEvents([event(1)]);
    b.clear();
    expect(b.get('queries')).toBeNull();
    expect(b.recentEvents(10)).toEqual([]);
  });

  it('keeps only the newest events, newest first, replacing a row that comes again', () => {
    const cache = open(tempFile(), 5);
    cache.putEvents([event(3), event(1), event(2)]);
    cache.putEvents([event(7), event(6), event(5), event(4)]);
    cache.putEvents([{ ...event(6), re_id: 'P-changed' }]);
    expect(cache.recentEvents(100).map((e) => e.id)).toEqual([7, 6, 5, 4, 3]);
    expect(cache.recentEvents(2)).toEqual([event(7), { ...event(6), re_id: 'P-changed' }]);
    cache.putEvents([]);
    expect(cache.recentEvents(100)).toHaveLength(5);
  });

  it('starts afresh over a file that is not a database', () => {
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'this is not SQLite '.repeat(200));
    const cache = open(file);
    expect(cache.get('queries')).toBeNull();
    cache.set('queries', 'ok');
    expect(cache.get('queries')).toBe('ok');
  });

  it('rebuilds a file written by another schema version', () => {
    const file = tempFile();
    const a = open(file);
    a.set('queries', 'old');
    a.close();
    // Another console version wrote the file: same tables, another user_version.
    const raw = new SQLite(file);
    raw.pragma(`user_version = ${CACHE_SCHEMA_VERSION + 1}`);
    raw.close();
    const c = open(file);
    expect(c.get('queries')).toBeNull();
  });
});
