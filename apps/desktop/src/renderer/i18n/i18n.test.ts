import { describe, expect, it } from 'vitest';
import en from './en.json';
import id from './id.json';
import { DeviceStatus, DeviceType, EntityStatus, Role, StreamStatus, UserStatus } from '@pantau/shared';
import { detectLanguage, localeOf } from './languages.js';

/** Every leaf key as a dotted path. */
function leafKeys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

function leafValues(obj: unknown): string[] {
  if (typeof obj !== 'object' || obj === null) return [String(obj)];
  return Object.values(obj).flatMap(leafValues);
}

/** Every `.ts`/`.tsx` source file of the renderer (tests excluded): path → text. */
const sources = Object.entries(
  import.meta.glob<string>(['../**/*.ts', '../**/*.tsx', '!../**/*.test.ts'], {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
);

describe('translations', () => {
  it('English and Bahasa Indonesia have exactly the same keys', () => {
    expect(leafKeys(id).sort()).toEqual(leafKeys(en).sort());
  });

  it('every text is a non-empty string with the same placeholders in both languages', () => {
    const enKeys = leafKeys(en);
    const get = (o: unknown, key: string) =>
      key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o);
    for (const key of enKeys) {
      const a = get(en, key);
      const b = get(id, key);
      expect(typeof a, key).toBe('string');
      expect(typeof b, key).toBe('string');
      expect((b as string).length, key).toBeGreaterThan(0);
      const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(vars(b as string), key).toEqual(vars(a as string));
    }
    expect(leafValues(en).every((v) => v.trim() === v)).toBe(true);
  });

  it('every literal key the renderer asks for exists', () => {
    // a plural key (i18next's `key_one` / `key_other`, chosen by `count`) is asked for by its base
    const keys = new Set(leafKeys(en).flatMap((k) => [k, k.replace(/_(zero|one|two|few|many|other)$/, '')]));
    const namespaced = new RegExp(`'((?:${Object.keys(en).join('|')})\\.[a-zA-Z_.]+)'`, 'g');
    const missing: string[] = [];
    expect(sources.length).toBeGreaterThan(30);
    for (const [file, text] of sources) {
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z_.]+)'/g)) if (!keys.has(m[1]!)) missing.push(`${file}: ${m[1]}`);
      // any other quoted 'namespace.key' (ternaries, tables of keys)
      for (const m of text.matchAll(namespaced)) if (!keys.has(m[1]!)) missing.push(`${file}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('names every value of the enums the screens translate by value', () => {
    const keys = new Set(leafKeys(en));
    const enums = {
      roles: Role,
      deviceStatus: DeviceStatus,
      deviceType: DeviceType,
      entityStatus: EntityStatus,
      streamStatus: StreamStatus,
      userStatus: UserStatus,
    };
    for (const [ns, schema] of Object.entries(enums))
      for (const v of schema.options) expect(keys.has(`${ns}.${v}`), `${ns}.${v}`).toBe(true);
    for (const s of ['connecting', 'connected', 'reconnecting', 'offline'])
      expect(keys.has(`connection.${s}`)).toBe(true);
    for (const r of Role.options) expect(keys.has(`users.roleHint.${r}`)).toBe(true);
  });
});

describe('language choice', () => {
  it('keeps a stored choice, else follows a browser that prefers Indonesian, else English', () => {
    expect(detectLanguage('id', ['en-GB'])).toBe('id');
    expect(detectLanguage('en', ['id-ID'])).toBe('en');
    expect(detectLanguage(null, ['id-ID', 'en'])).toBe('id');
    expect(detectLanguage(null, ['id'])).toBe('id');
    expect(detectLanguage('fr', ['en-US', 'id'])).toBe('en');
    expect(detectLanguage(null, [])).toBe('en');
  });

  it('formats in id-ID or en-GB', () => {
    expect(localeOf('id')).toBe('id-ID');
    expect(localeOf('en')).toBe('en-GB');
  });
});
