/**
 * The write lock shared by the database connections of one server process: the HTTP thread's
 * and the detection thread's (queue/detection-thread.ts). Each outermost write transaction
 * holds it from `BEGIN IMMEDIATE` to `COMMIT`.
 *
 * Why our own on top of SQLite's: SQLite lets one writer at a time and makes the other wait in
 * its busy handler, which sleeps 1, 2, 5, 10 … ms and wakes by the clock, not when the lock is
 * free; on the HTTP thread that is a stalled event loop for longer than the other transaction
 * lasted, and nothing keeps the faster thread from taking the lock again first. Here the waiter
 * sleeps in `Atomics.wait` and is woken by `Atomics.notify` the moment the holder commits, and
 * a holder never takes the lock twice in a row while the other waits (`waiting` flag), so each
 * thread gets a turn. SQLite's own lock still guards against other processes (scale mode,
 * `pantau` commands), with `busy_timeout` as before.
 *
 * The lock lives in a SharedArrayBuffer of four Int32 cells: [held by (0 = free, else the
 * holder's id), waiters, last holder, spare]. Source of the pattern: the futex-style mutex of
 * the ECMAScript `Atomics.wait` proposal (lars-t-hansen/js-lock-and-condition).
 */

const HELD = 0;
const WAITERS = 1;
const LAST = 2;

/** A lock over shared memory; `id` tells the holders apart (1 for the HTTP thread, 2 for the detection thread). */
export class WriteLock {
  private readonly cells: Int32Array;

  /**
   * @param buffer a SharedArrayBuffer of at least 16 bytes, the same for every thread (a new one by default)
   * @param id this thread's holder id, ≥ 1
   */
  constructor(
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(16),
    private readonly id: number = 1,
  ) {
    this.cells = new Int32Array(buffer);
  }

  /**
   * Take the lock, waiting (blocking this thread) while another holds it. After holding it last,
   * give a waiting thread its turn first.
   * @param timeoutMs give up after this long
   * @throws Error when the lock stays held past `timeoutMs` (a holder that died holding it)
   */
  acquire(timeoutMs = 30_000): void {
    const deadline = Date.now() + timeoutMs;
    // fairness: a waiter was here while we held it last; let it in first
    if (Atomics.load(this.cells, LAST) === this.id && Atomics.load(this.cells, WAITERS) > 0) {
      Atomics.wait(this.cells, HELD, 0, 2);
    }
    for (;;) {
      if (Atomics.compareExchange(this.cells, HELD, 0, this.id) === 0) {
        Atomics.store(this.cells, LAST, this.id);
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('database write lock: held by another thread for too long');
      Atomics.add(this.cells, WAITERS, 1);
      const holder = Atomics.load(this.cells, HELD);
      if (holder !== 0) Atomics.wait(this.cells, HELD, holder, Math.min(left, 1000));
      Atomics.sub(this.cells, WAITERS, 1);
    }
  }

  /** Free the lock and wake a waiter. */
  release(): void {
    Atomics.store(this.cells, HELD, 0);
    Atomics.notify(this.cells, HELD, 1);
  }
}
