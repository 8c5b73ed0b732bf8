import { describe, expect, it } from 'vitest';
import { createVirtualScheduler } from '../../../core/sim/virtual-scheduler.ts';
import { createScenarioRunner, statusLine } from './scenario-runner.ts';

function setup(times: number[], failing: number[] = []) {
  const scheduler = createVirtualScheduler();
  const ran: [number, number][] = [];
  const errors: number[] = [];
  const runner = createScenarioRunner({
    stepTimesMs: times,
    scheduler,
    run: (i) => {
      ran.push([i, scheduler.now()]);
      if (failing.includes(i)) throw new Error(`step ${i} failed`);
    },
    onError: (i) => errors.push(i),
    onChange: () => {},
  });
  return { scheduler, ran, errors, runner };
}

describe('scenario runner', () => {
  it('runs each step at its time, steps due together in order, then finishes', () => {
    const { scheduler, ran, runner } = setup([0, 3000, 3000, 6000]);
    runner.start();
    expect(ran).toEqual([[0, 0]]);
    scheduler.runFor(10_000);
    expect(ran).toEqual([[0, 0], [1, 3000], [2, 3000], [3, 6000]]);
    expect(runner.status()).toEqual({ state: 'finished', next: 4, elapsedMs: 6000 });
  });

  it('stops the scenario clock while paused', () => {
    const { scheduler, ran, runner } = setup([0, 3000, 6000]);
    runner.start();
    scheduler.runFor(2000);
    runner.pause();
    scheduler.runFor(10_000);
    expect(ran).toHaveLength(1);
    expect(runner.status()).toMatchObject({ state: 'paused', elapsedMs: 2000 });
    runner.resume();
    scheduler.runFor(1000);
    expect(ran.at(-1)).toEqual([1, 13_000]);
    scheduler.runFor(3000);
    expect(ran.at(-1)).toEqual([2, 16_000]);
  });

  it('stops for good, and start plays it again from the first step', () => {
    const { scheduler, ran, runner } = setup([0, 3000]);
    runner.start();
    runner.stop();
    scheduler.runFor(10_000);
    expect(ran).toHaveLength(1);
    expect(runner.status().state).toBe('stopped');
    runner.resume();
    expect(runner.status().state).toBe('stopped');
    runner.start();
    scheduler.runFor(3000);
    expect(ran.map(([i]) => i)).toEqual([0, 0, 1]);
    expect(scheduler.pending()).toBe(0);
  });

  it('reports a failing step and goes on with the next', () => {
    const { scheduler, ran, errors, runner } = setup([0, 1000], [0]);
    runner.start();
    scheduler.runFor(1000);
    expect(errors).toEqual([0]);
    expect(ran).toHaveLength(2);
    expect(runner.status().state).toBe('finished');
  });
});

describe('status line', () => {
  const scenario = { name: 'Demo', explanation: '', steps: [{ at: 0, action: { op: 'heal' } }, { at: 3, action: { op: 'heal' } }] } as const;
  it('says what runs, how far and what is next', () => {
    expect(statusLine(null, null)).toBe('no scenario running');
    expect(statusLine({ state: 'running', next: 1, elapsedMs: 1234 }, scenario)).toBe('running "Demo": 1 of 2 steps done, next at 3 s (now 1.2 s)');
    expect(statusLine({ state: 'paused', next: 1, elapsedMs: 2000 }, scenario)).toBe('paused "Demo" at 2.0 s (1 of 2 steps done)');
    expect(statusLine({ state: 'finished', next: 2, elapsedMs: 3000 }, scenario)).toBe('finished "Demo": all 2 steps ran');
  });
});
