import { describe, expect, it } from 'vitest';
import { throttle, type ThrottleTimers } from './throttle.js';

/** Timers on a hand-moved clock. */
function fakeTimers() {
  let now = 0;
  const due: Array<{ at: number; fn: () => void; id: number }> = [];
  let id = 0;
  const timers: ThrottleTimers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      due.push({ at: now + ms, fn, id: ++id });
      return id;
    },
    clearTimeout: (h) => {
      const i = due.findIndex((d) => d.id === h);
      if (i >= 0) due.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const d of [...due].sort((a, b) => a.at - b.at))
      if (d.at <= now) {
        due.splice(due.indexOf(d), 1);
        d.fn();
      }
  };
  return { timers, advance };
}

describe('throttle', () => {
  it('runs at once, folds the asks of the next second into one run at its end, and never more than once a second', () => {
    const { timers, advance } = fakeTimers();
    const runs: number[] = [];
    let t = 0;
    const th = throttle(() => runs.push(t), 1000, timers);
    th.ask();
    expect(runs).toEqual([0]);
    // 450 asks over the next 900 ms: one run, at 1000
    for (let i = 0; i < 450; i++) {
      advance(2);
      t += 2;
      th.ask();
    }
    expect(runs).toHaveLength(1);
    advance(100);
    t += 100;
    expect(runs).toHaveLength(2);
    advance(5000);
    expect(runs).toHaveLength(2);
    th.ask();
    expect(runs).toHaveLength(3);
  });

  it('drops a pending run when cancelled', () => {
    const { timers, advance } = fakeTimers();
    let n = 0;
    const th = throttle(() => n++, 1000, timers);
    th.ask();
    th.ask();
    th.cancel();
    advance(2000);
    expect(n).toBe(1);
  });
});
