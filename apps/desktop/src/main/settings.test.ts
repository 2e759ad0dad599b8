import { describe, expect, it } from 'vitest';
import { createSettings, DEFAULT_SERVER_URL, ServerUrl } from './settings.js';
import { MemoryStore } from './testing/stand-ins.js';

describe('settings', () => {
  it('defaults to the local server', () => {
    expect(createSettings(new MemoryStore()).get()).toEqual({ serverUrl: DEFAULT_SERVER_URL });
  });

  it('normalises and stores a valid server URL', () => {
    const store = new MemoryStore();
    const settings = createSettings(store);
    expect(settings.setServerUrl('  https://CCTV.example.id:8443/pantau/ ')).toEqual({
      serverUrl: 'https://cctv.example.id:8443/pantau',
    });
    expect(settings.get().serverUrl).toBe('https://cctv.example.id:8443/pantau');
  });

  it.each([
    ['', 'required'],
    ['not a url', 'not a valid URL'],
    ['file:///etc/passwd', 'http'],
    ['javascript:alert(1)', 'http'],
    ['http://user:pw@host:8080', 'credentials'],
    ['http://host:8080/?x=1', 'query'],
  ])('refuses %j and stores nothing', (input, message) => {
    const store = new MemoryStore();
    expect(() => createSettings(store).setServerUrl(input)).toThrow(message);
    expect(store.data.size).toBe(0);
  });

  it('falls back to the default when the stored value is corrupt', () => {
    const store = new MemoryStore();
    store.set('serverUrl', 42);
    expect(createSettings(store).get().serverUrl).toBe(DEFAULT_SERVER_URL);
    expect(ServerUrl.safeParse('ftp://x').success).toBe(false);
  });
  it('falls back to a valid PANTAU_SERVER_URL, and ignores an invalid one', () => {
    const kv = new MemoryStore();
    expect(createSettings(kv, 'http://127.0.0.1:9090/').get()).toEqual({ serverUrl: 'http://127.0.0.1:9090' });
    expect(createSettings(kv, 'ftp://nope').get()).toEqual({ serverUrl: DEFAULT_SERVER_URL });
  });
});
