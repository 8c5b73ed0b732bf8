import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.ts';
import { every } from '../scheduler.ts';
import { createVirtualScheduler } from './virtual-scheduler.ts';

describe('createVirtualScheduler', () => {
  it('starts at time 0 with nothing pending', () => {
    const s = createVirtualScheduler();
    expect(s.now()).toBe(0);
    expect(s.pending()).toBe(0);
  });

  it('fires timers by time, then by insertion order for equal times', () => {
    const s = createVirtualScheduler();
    const fired: string[] = [];
    s.after(30, () => fired.push('c30'));
    s.after(10, () => fired.push('a10'));
    s.after(20, () => fired.push('b20'));
    s.after(10, () => fired.push('a10-second'));
    s.after(0, () => fired.push('zero'));
    s.after(10, () => fired.push('a10-third'));
    s.runUntil(100);
    expect(fired).toEqual(['zero', 'a10', 'a10-second', 'a10-third', 'b20', 'c30']);
  });

  it('orders a thousand random timers like a stable sort by time', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = createRng(seed);
        const s = createVirtualScheduler();
        const timers = Array.from({ length: 1000 }, (_, i) => ({ i, at: rng.int(50) }));
        const fired: number[] = [];
        for (const t of timers) s.after(t.at, () => fired.push(t.i));
        s.runUntil(50);
        const expected = timers.slice().sort((x, y) => x.at - y.at || x.i - y.i).map((t) => t.i);
        expect(fired.join(), `seed ${seed}`).toBe(expected.join());
      }),
      { seed: 7001, numRuns: 20 },
    );
  });

  it('runs each callback at its own time', () => {
    const s = createVirtualScheduler();
    const seen: number[] = [];
    for (const ms of [5, 12, 12, 40]) s.after(ms, () => seen.push(s.now()));
    s.runUntil(100);
    expect(seen).toEqual([5, 12, 12, 40]);
  });

  it('cancel stops a timer, is harmless twice or after firing, and updates pending()', () => {
    const s = createVirtualScheduler();
    const fired: string[] = [];
    const cancelA = s.after(10, () => fired.push('a'));
    const cancelB = s.after(20, () => fired.push('b'));
    s.after(30, () => fired.push('c'));
    expect(s.pending()).toBe(3);
    cancelB();
    cancelB();
    expect(s.pending()).toBe(2);
    s.runUntil(15);
    expect(fired).toEqual(['a']);
    cancelA();
    expect(s.pending()).toBe(1);
    s.runUntil(100);
    expect(fired).toEqual(['a', 'c']);
    expect(s.pending()).toBe(0);
  });

  it('cancels a later timer from inside an earlier callback at the same time', () => {
    const s = createVirtualScheduler();
    const fired: string[] = [];
    let cancelSecond: () => void = () => {};
    s.after(10, () => {
      fired.push('first');
      cancelSecond();
    });
    cancelSecond = s.after(10, () => fired.push('second'));
    s.runUntil(10);
    expect(fired).toEqual(['first']);
  });

  it('runUntil runs timers due at exactly t, none later, and ends at t', () => {
    const s = createVirtualScheduler();
    const fired: number[] = [];
    for (const ms of [10, 20, 21]) s.after(ms, () => fired.push(ms));
    s.runUntil(20);
    expect(fired).toEqual([10, 20]);
    expect(s.now()).toBe(20);
    s.runUntil(20.5);
    expect(s.now()).toBe(20.5);
    expect(fired).toEqual([10, 20]);
    s.runUntil(1000);
    expect(fired).toEqual([10, 20, 21]);
    expect(s.now()).toBe(1000);
  });

  it('never moves time backwards', () => {
    const s = createVirtualScheduler();
    s.runUntil(50);
    s.runUntil(10);
    expect(s.now()).toBe(50);
    const fired: number[] = [];
    s.after(-5, () => fired.push(s.now()));
    s.runFor(0);
    expect(fired).toEqual([50]);
  });

  it('runFor advances relative to now', () => {
    const s = createVirtualScheduler();
    s.runFor(7);
    s.runFor(3);
    expect(s.now()).toBe(10);
    const fired: number[] = [];
    s.after(5, () => fired.push(s.now()));
    s.runFor(4);
    expect(fired).toEqual([]);
    s.runFor(1);
    expect(fired).toEqual([15]);
  });

  it('runs timers scheduled from callbacks when they fall within the run, after earlier ones at the same time', () => {
    const s = createVirtualScheduler();
    const fired: string[] = [];
    s.after(10, () => {
      fired.push('outer@10');
      s.after(0, () => fired.push('inner@10'));
      s.after(5, () => fired.push('inner@15'));
      s.after(500, () => fired.push('inner@510'));
    });
    s.after(10, () => fired.push('sibling@10'));
    s.after(15, () => fired.push('sibling@15'));
    s.runUntil(100);
    expect(fired).toEqual(['outer@10', 'sibling@10', 'inner@10', 'sibling@15', 'inner@15']);
    expect(s.pending()).toBe(1);
    expect(s.now()).toBe(100);
  });

  it('a chain of zero-delay timers all runs within one runUntil at the same time', () => {
    const s = createVirtualScheduler();
    let count = 0;
    const step = (): void => {
      count += 1;
      if (count < 1000) s.after(0, step);
    };
    s.after(0, step);
    s.runUntil(0);
    expect(count).toBe(1000);
    expect(s.now()).toBe(0);
  });

  it('rejects a NaN delay rather than stalling every later timer', () => {
    const s = createVirtualScheduler();
    expect(() => s.after(Number.NaN, () => {})).toThrow(RangeError);
    const fired: number[] = [];
    s.after(1, () => fired.push(1));
    s.runUntil(5);
    expect(fired).toEqual([1]);
  });
});

describe('every', () => {
  it('fires every ms milliseconds until stopped', () => {
    const s = createVirtualScheduler();
    const times: number[] = [];
    const stop = every(s, 10, () => times.push(s.now()));
    s.runUntil(45);
    expect(times).toEqual([10, 20, 30, 40]);
    stop();
    s.runUntil(100);
    expect(times).toEqual([10, 20, 30, 40]);
    expect(s.pending()).toBe(0);
  });

  it('can be stopped from inside its own callback', () => {
    const s = createVirtualScheduler();
    let calls = 0;
    const stop = every(s, 5, () => {
      calls += 1;
      if (calls === 3) stop();
    });
    s.runUntil(100);
    expect(calls).toBe(3);
    expect(s.pending()).toBe(0);
  });
});
