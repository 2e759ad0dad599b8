import { describe, expect, it } from 'vitest';
import { createBatcher, type FrameScheduler } from './event-batcher.js';

/** A scheduler the test fires by hand, like animation frames. */
function manualFrames(): { schedule: FrameScheduler; fire(): void; pending(): number } {
  let queue: Array<() => void> = [];
  return {
    schedule: (cb) => {
      queue.push(cb);
      return () => {
        queue = queue.filter((c) => c !== cb);
      };
    },
    fire: () => {
      const q = queue;
      queue = [];
      for (const cb of q) cb();
    },
    pending: () => queue.length,
  };
}

describe('event batcher', () => {
  it('hands a burst over in one batch per frame, in order', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = createBatcher<number>((items) => batches.push(items), frames.schedule);
    for (let i = 0; i < 500; i++) batcher.push(i);
    expect(frames.pending()).toBe(1);
    expect(batches).toHaveLength(0);
    frames.fire();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toEqual(Array.from({ length: 500 }, (_, i) => i));
    batcher.push(500);
    frames.fire();
    expect(batches).toEqual([batches[0], [500]]);
    frames.fire();
    expect(batches).toHaveLength(2);
  });

  it('flush empties at once; cancel drops pending items', () => {
    const frames = manualFrames();
    const batches: string[][] = [];
    const batcher = createBatcher<string>((items) => batches.push(items), frames.schedule);
    batcher.push('a');
    batcher.flush();
    expect(batches).toEqual([['a']]);
    expect(frames.pending()).toBe(0);
    batcher.push('b');
    batcher.cancel();
    frames.fire();
    expect(batches).toEqual([['a']]);
    expect(batcher.pending).toBe(0);
  });

  it('falls back to a 100 ms timer when no animation frame comes (hidden window)', async () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>((items) => batches.push(items));
    batcher.push(1);
    batcher.push(2);
    await new Promise((r) => setTimeout(r, 150));
    expect(batches).toEqual([[1, 2]]);
  });
});
