import { beforeEach, describe, expect, it } from 'vitest';
import type { EventLog } from '@pantau/shared';
import { mergeNewestFirst, useEventsStore } from './events-store.js';
import { detectionEvent } from '../realtime/fake-websocket.js';

const row = (id: number): EventLog => detectionEvent(id).data;
const ids = (rows: EventLog[]) => rows.map((r) => r.id);

beforeEach(() => useEventsStore.getState().reset());

describe('mergeNewestFirst', () => {
  it('prepends newer rows, newest first', () => {
    const known = new Set<number>();
    const a = mergeNewestFirst([], [row(1), row(2)], known);
    const b = mergeNewestFirst(a.rows, [row(4), row(3)], known);
    expect(ids(b.rows)).toEqual([4, 3, 2, 1]);
    expect(b.added).toBe(2);
  });

  it('drops ids already present and merges older rows into place', () => {
    const known = new Set<number>();
    const a = mergeNewestFirst([], [row(10), row(8)], known);
    const b = mergeNewestFirst(a.rows, [row(9), row(10), row(8), row(7)], known);
    expect(ids(b.rows)).toEqual([10, 9, 8, 7]);
    expect(b.added).toBe(2);
    const c = mergeNewestFirst(b.rows, [row(9)], known);
    expect(c.rows).toBe(b.rows);
    expect(c.added).toBe(0);
  });

  it('caps the rows and forgets the ids that fell off', () => {
    const known = new Set<number>();
    const a = mergeNewestFirst([], [1, 2, 3, 4, 5].map(row), known, 3);
    expect(ids(a.rows)).toEqual([5, 4, 3]);
    expect([...known].sort()).toEqual([3, 4, 5]);
  });
});

describe('events store', () => {
  it('counts only new live rows as received', () => {
    const store = useEventsStore.getState();
    expect(store.addRows([row(1), row(2)], false)).toBe(2);
    expect(useEventsStore.getState().received).toBe(0);
    expect(useEventsStore.getState().addRows([row(2), row(3)], true)).toBe(1);
    expect(useEventsStore.getState().received).toBe(1);
    expect(ids(useEventsStore.getState().rows)).toEqual([3, 2, 1]);
  });

  it('keeps at most 5,000 rows', () => {
    const many = Array.from({ length: 6000 }, (_, i) => row(i + 1));
    useEventsStore.getState().addRows(many, true);
    const { rows, received } = useEventsStore.getState();
    expect(rows).toHaveLength(5000);
    expect(rows[0]?.id).toBe(6000);
    expect(rows[4999]?.id).toBe(1001);
    expect(received).toBe(6000);
  });

  it('reset clears rows, counter and the ids seen', () => {
    useEventsStore.getState().addRows([row(1)], true);
    useEventsStore.getState().reset();
    expect(useEventsStore.getState().addRows([row(1)], true)).toBe(1);
  });
});
