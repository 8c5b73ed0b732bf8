import type { Scheduler } from '../scheduler.ts';

/**
 * Virtual time for the simulator: timers fire in (time, insertion) order, so a run depends only
 * on its seed. A binary heap keeps thousands of pending timers cheap.
 */
export interface VirtualScheduler extends Scheduler {
  /** Runs timers until virtual time reaches `t` (inclusive); time ends at exactly `t`. */
  runUntil(t: number): void;
  /** Runs timers for `ms` more virtual milliseconds. */
  runFor(ms: number): void;
  /** Number of timers waiting. */
  pending(): number;
}

interface Timer {
  at: number;
  seq: number;
  fn: (() => void) | null;
}

export function createVirtualScheduler(): VirtualScheduler {
  let now = 0;
  let seq = 0;
  let live = 0;
  const heap: Timer[] = [];
  const earlier = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

  const push = (t: Timer): void => {
    heap.push(t);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!earlier(heap[i] as Timer, heap[p] as Timer)) break;
      [heap[i], heap[p]] = [heap[p] as Timer, heap[i] as Timer];
      i = p;
    }
  };

  const pop = (): Timer | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && earlier(heap[l] as Timer, heap[m] as Timer)) m = l;
        if (r < heap.length && earlier(heap[r] as Timer, heap[m] as Timer)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m] as Timer, heap[i] as Timer];
        i = m;
      }
    }
    return top;
  };

  const runUntil = (t: number): void => {
    while (heap.length > 0 && (heap[0] as Timer).at <= t) {
      const timer = pop() as Timer;
      if (!timer.fn) continue;
      const fn = timer.fn;
      timer.fn = null;
      live -= 1;
      now = timer.at;
      fn();
    }
    now = Math.max(now, t);
  };

  return {
    now: () => now,
    after(ms, fn) {
      // A NaN time sorts nowhere: once at the top of the heap it would stall every later timer.
      if (Number.isNaN(ms)) throw new RangeError('timer delay must be a number of milliseconds, got NaN');
      const timer: Timer = { at: now + Math.max(0, ms), seq: seq++, fn };
      live += 1;
      push(timer);
      return () => {
        if (timer.fn) {
          timer.fn = null;
          live -= 1;
        }
      };
    },
    runUntil,
    runFor: (ms) => runUntil(now + ms),
    pending: () => live,
  };
}
