import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff.js';
import { toWebSocketUrl } from './server-url.js';
import { gridFor } from './wall-grid.js';
import { formatClock } from './format.js';
import { webTokenStorage } from './token-storage.js';

describe('backoff', () => {
  it('doubles from 0.5 s to 10 s and stays within the jitter', () => {
    const exact = createBackoff({ random: () => 0.5 });
    expect(Array.from({ length: 7 }, () => exact.next())).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    exact.reset();
    expect(exact.next()).toBe(500);
    const low = createBackoff({ random: () => 0 });
    const high = createBackoff({ random: () => 0.999 });
    expect(low.next()).toBe(400);
    expect(high.next()).toBe(600);
  });
});

describe('toWebSocketUrl', () => {
  it('builds ws(s) URLs from server paths', () => {
    expect(toWebSocketUrl('http://127.0.0.1:8080', '/ws/streams/3?quality=sub&ticket=abc')).toBe(
      'ws://127.0.0.1:8080/ws/streams/3?quality=sub&ticket=abc',
    );
    expect(toWebSocketUrl('https://cctv.example.id/pantau/', '/ws')).toBe('wss://cctv.example.id/pantau/ws');
    expect(toWebSocketUrl('http://a', 'wss://b/x')).toBe('wss://b/x');
    expect(toWebSocketUrl('http://a', 'https://b/x')).toBe('wss://b/x');
  });
});

describe('gridFor', () => {
  it('uses LAYOUT_GRID and a near-square grid for custom layouts', () => {
    expect(gridFor({ layout_type: '4', positions: [] })).toEqual({ rows: 2, cols: 2 });
    expect(gridFor({ layout_type: '16', positions: [] })).toEqual({ rows: 4, cols: 4 });
    const positions = [{ position_number: 5 }] as Parameters<typeof gridFor>[0]['positions'];
    expect(gridFor({ layout_type: 'custom', positions })).toEqual({ rows: 2, cols: 3 });
  });
});

describe('formatClock', () => {
  it('prints HH:MM:SS', () => {
    expect(formatClock('2026-01-01T03:04:05.000Z')).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(formatClock('nope')).toBe('--:--:--');
  });
});

describe('webTokenStorage', () => {
  it('round-trips through a Storage', async () => {
    const m = new Map<string, string>();
    const storage = webTokenStorage({
      getItem: (k) => m.get(k) ?? null,
      setItem: (k, v) => void m.set(k, v),
      removeItem: (k) => void m.delete(k),
    });
    await storage.save('t');
    expect(await storage.load()).toBe('t');
    await storage.clear();
    expect(await storage.load()).toBeNull();
  });
});
