import { describe, expect, it, vi } from 'vitest';
import { PantauError, type RealtimeEvent } from '@pantau/shared';
import { staleRoots, queryKeys } from './query-keys.js';
import { createInvalidator, type TimerApi } from './invalidator.js';
import { shouldRetry } from './query-client.js';
import { createRealtimeBus } from '../realtime/event-bus.js';

const ev = <T extends RealtimeEvent['type']>(type: T, data: unknown, id = 1) => ({ id, type, channel: 'global', ts: '2026-01-01T00:00:00.000Z', data }) as RealtimeEvent;

describe('which caches an event makes stale', () => {
  it('refreshes the changed entity, the counts above it, the tree and the audit log', () => {
    expect([...staleRoots([ev('device_updated', { device_id: 'c', branch_id: 1, action: 'created' })])].sort()).toEqual(['audit', 'branches', 'camera-tree', 'devices', 'layouts', 'streams']);
    expect(staleRoots([ev('branch_updated', { branch_id: 1, group_id: 2, action: 'updated' })])).toContain('groups');
    expect(staleRoots([ev('group_updated', { group_id: 2, action: 'deleted' })])).toContain('branches');
    expect(staleRoots([ev('user_updated', { user_id: 3, action: 'updated' })])).toEqual(new Set(['users', 'me', 'camera-tree', 'audit', 'layouts']));
    expect(staleRoots([ev('layout_updated', { layout_id: 1, action: 'updated', visibility: 'shared', owner_user_id: null })])).toEqual(new Set(['layouts', 'audit']));
    expect(staleRoots([ev('camera_status_update', { device_id: 'c', branch_id: 1, status: 'online' })])).toEqual(new Set(['devices', 'branches', 'camera-tree']));
  });

  it('ignores the high-rate events that change no list', () => {
    expect(staleRoots([ev('detection_update', {}), ev('stream_status', {}), ev('queue_stats', {}), ev('stats_updated', {})]).size).toBe(0);
  });

  it('keys every query under its entity root', () => {
    expect(queryKeys.page('branches', { page: 2, group_id: 1 })).toEqual(['branches', 'page', { page: 2, group_id: 1 }]);
    expect(queryKeys.options('devices', { branch_id: 4 })[0]).toBe('devices');
    expect(queryKeys.cameraTree()).toEqual(['camera-tree']);
  });
});

describe('coalescing invalidations', () => {
  function fakeTimers() {
    let pending: Array<() => void> = [];
    const timers: TimerApi = {
      setTimeout: (fn) => {
        pending.push(fn);
        return fn;
      },
      clearTimeout: (h) => (pending = pending.filter((f) => f !== h)),
    };
    return { timers, fire: () => [...pending].forEach((f) => f()), count: () => pending.length };
  }

  it('collects roots from many batches and refreshes each once', () => {
    const { timers, fire, count } = fakeTimers();
    const invalidate = vi.fn();
    const inv = createInvalidator(invalidate, 250, timers);
    inv.add(['devices', 'branches']);
    inv.add(['devices', 'camera-tree']);
    expect(count()).toBe(1);
    expect(invalidate).not.toHaveBeenCalled();
    fire();
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(invalidate.mock.calls[0]![0].sort()).toEqual(['branches', 'camera-tree', 'devices']);
    inv.add([]);
    expect(count()).toBe(0);
  });

  it('flushes on demand and drops what is pending on cancel', () => {
    const { timers } = fakeTimers();
    const invalidate = vi.fn();
    const inv = createInvalidator(invalidate, 250, timers);
    inv.add(['groups']);
    inv.flush();
    expect(invalidate).toHaveBeenCalledWith(['groups']);
    inv.add(['users']);
    inv.cancel();
    inv.flush();
    expect(invalidate).toHaveBeenCalledTimes(1);
  });
});

describe('retrying failed reads', () => {
  it('retries a network failure once, never a 4xx answer', () => {
    expect(shouldRetry(0, new PantauError('UNAVAILABLE', 'down'))).toBe(true);
    expect(shouldRetry(1, new PantauError('UNAVAILABLE', 'down'))).toBe(false);
    expect(shouldRetry(0, new PantauError('FORBIDDEN', 'no'))).toBe(false);
    expect(shouldRetry(0, new PantauError('NOT_FOUND', 'gone'))).toBe(false);
  });
});

describe('realtime bus', () => {
  it('fans batches out to every listener, survives a throwing one, and unsubscribes', () => {
    const bus = createRealtimeBus();
    const a = vi.fn();
    const b = vi.fn();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const offBad = bus.subscribe(() => {
      throw new Error('bad listener');
    });
    const offA = bus.subscribe(a);
    bus.subscribe(b);
    bus.publish([ev('group_updated', {})]);
    bus.publish([]);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
    offA();
    offBad();
    bus.publish([ev('group_updated', {}, 2)]);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});
