import { describe, expect, it } from 'vitest';
import { createTokenStore } from './token-store.js';
import { FakeSafeStorage, MemoryStore } from './testing/stand-ins.js';

const TOKEN = 'pt_abc123.secret-token-value';

function onDisk(store: MemoryStore): string {
  return JSON.stringify([...store.data.entries()]);
}

describe('token store', () => {
  it('round-trips the token through encryption and never writes it in plain text', () => {
    const store = new MemoryStore();
    const safe = new FakeSafeStorage();
    expect(createTokenStore(store, safe).save(TOKEN)).toEqual({ persisted: true });
    expect(onDisk(store)).not.toContain(TOKEN);
    // A new process (new token store over the same file) reads it back.
    expect(createTokenStore(store, safe).load()).toBe(TOKEN);
  });

  it('keeps the token in memory only when encryption is unavailable', () => {
    const store = new MemoryStore();
    const safe = new FakeSafeStorage();
    safe.available = false;
    const tokens = createTokenStore(store, safe);
    expect(tokens.save(TOKEN)).toEqual({ persisted: false });
    expect(store.data.size).toBe(0);
    expect(tokens.load()).toBe(TOKEN);
    expect(createTokenStore(store, safe).load()).toBeNull();
  });

  it("treats Linux's basic_text backend as no encryption", () => {
    const store = new MemoryStore();
    const safe = new FakeSafeStorage();
    safe.backend = 'basic_text';
    expect(createTokenStore(store, safe).save(TOKEN).persisted).toBe(false);
    expect(onDisk(store)).not.toContain(TOKEN);
  });

  it('removes a previously stored token when encryption becomes unavailable', () => {
    const store = new MemoryStore();
    const safe = new FakeSafeStorage();
    createTokenStore(store, safe).save('old-token');
    safe.available = false;
    createTokenStore(store, safe).save(TOKEN);
    expect(store.data.size).toBe(0);
  });

  it('drops a stored value that no longer decrypts', () => {
    const store = new MemoryStore();
    store.set('auth.token', Buffer.from('garbage').toString('base64'));
    expect(createTokenStore(store, new FakeSafeStorage()).load()).toBeNull();
    expect(store.data.size).toBe(0);
  });

  it('clear forgets memory and disk', () => {
    const store = new MemoryStore();
    const tokens = createTokenStore(store, new FakeSafeStorage());
    tokens.save(TOKEN);
    tokens.clear();
    expect(tokens.load()).toBeNull();
    expect(store.data.size).toBe(0);
  });
});
