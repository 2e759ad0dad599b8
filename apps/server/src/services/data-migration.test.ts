/**
 * The parts of `pantau migrate-data` that need no database: the copy order and the canonical
 * row form behind the checksums (the copy itself: cluster/migrate-data.test.ts, PostgreSQL tier).
 */
import { describe, expect, it } from 'vitest';
import { copyOrder } from './data-migration.js';
import { canonicalRow } from './data-verification.js';
import type { SourceTable } from '../repositories/data-copy-repository.js';

const table = (name: string, parents: string[] = [], selfReferences: string[] = []): SourceTable => ({
  name,
  columns: ['id'],
  key: ['id'],
  parents,
  selfReferences,
  notNull: ['id'],
});

describe('copyOrder', () => {
  it('puts every table after the tables it refers to, ties by name; a self-reference is no dependency', () => {
    const order = copyOrder([
      table('sessions', ['users']),
      table('users'),
      table('device_masters', ['company_branches'], ['parent_device_id']),
      table('company_branches', ['company_groups']),
      table('company_groups'),
      table('audit_logs'),
    ]).map((t) => t.name);
    expect(order).toEqual(['audit_logs', 'company_groups', 'company_branches', 'device_masters', 'users', 'sessions']);
  });

  it('refuses foreign keys that form a cycle, naming it', () => {
    expect(() => copyOrder([table('a', ['b']), table('b', ['a'])])).toThrow(/cycle: a → b → a/);
  });
});

describe('canonicalRow', () => {
  it('gives the same text for the same values whichever driver returned them', () => {
    // better-sqlite3 returns a REAL 3.0 as 3; libpq's float8 text "3" decodes to 3
    expect(canonicalRow([3, 0.1, 12345678901234n, 'x', null, Buffer.from([0, 255])])).toBe(
      canonicalRow([3, 0.1, 12345678901234, 'x', null, Buffer.from('00ff', 'hex')]),
    );
  });

  it('tells kinds apart: text "1" is not the integer 1, null is not "n", 1.5 is not "1.5"', () => {
    expect(canonicalRow(['1'])).not.toBe(canonicalRow([1]));
    expect(canonicalRow([null])).not.toBe(canonicalRow(['n']));
    expect(canonicalRow([1.5])).not.toBe(canonicalRow(['1.5']));
    expect(canonicalRow(['a', 'b'])).not.toBe(canonicalRow(['a,b']));
  });
});
