import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkerScheduler, type SchedulerHost, type TimerWorker } from './worker-scheduler.ts';

type Posted = { id: number; ms?: number; cancel?: boolean };

/** A page whose visibility the test sets, and a worker that records what it is asked and answers when told. */
function fakePage() {
  let hidden = false;
  const visibility: (() => void)[] = [];
  const workers: { posted: Posted[]; terminated: boolean; tick: (id: number) => void; fail: (message: string) => void }[] = [];
  const host: SchedulerHost = {
    now: () => Date.now(),
    hidden: () => hidden,
    onVisibilityChange: (listener) => visibility.push(listener),
    startWorker: () => {
      const listeners = new Map<string, (event: never) => void>();
      const record = { posted: [] as Posted[], terminated: false, tick: (id: number) => listeners.get('message')?.({ data: { id } } as never), fail: (message: string) => listeners.get('error')?.({ message, preventDefault: () => {} } as never) };
      workers.push(record);
      const worker = {
        postMessage: (m: Posted) => record.posted.push(m),
        terminate: () => void (record.terminated = true),
        addEventListener: (type: string, fn: (event: never) => void) => listeners.set(type, fn),
      };
      return worker as unknown as TimerWorker;
    },
  };
  const setHidden = (h: boolean): void => {
    hidden = h;
    for (const l of visibility) l();
  };
  return { host, workers, setHidden };
}

describe('createWorkerScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('uses the page’s own timers while it is visible, and starts no worker', () => {
    const page = fakePage();
    const s = createWorkerScheduler(page.host);
    const fired: string[] = [];
    s.after(100, () => fired.push('a'));
    const cancel = s.after(50, () => fired.push('cancelled'));
    cancel();
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a']);
    expect(page.workers).toHaveLength(0);
  });

  it('moves pending timers into a worker when hidden, with the time they have left, and back when shown', () => {
    const page = fakePage();
    const s = createWorkerScheduler(page.host);
    const fired: string[] = [];
    s.after(1000, () => fired.push('a'));
    vi.advanceTimersByTime(400);
    page.setHidden(true);
    const worker = page.workers[0];
    if (!worker) throw new Error('hiding the page started no worker');
    expect(worker.posted).toEqual([{ id: 1, ms: 600 }]);
    // Its main-thread timer is gone: only the worker's tick fires it now.
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([]);
    s.after(200, () => fired.push('b'));
    expect(worker.posted.at(-1)).toEqual({ id: 2, ms: 200 });
    worker.tick(1);
    expect(fired).toEqual(['a']);

    page.setHidden(false);
    expect(worker.posted.at(-1)).toEqual({ id: 2, cancel: true });
    worker.tick(2); // cancelled in the worker; a late tick must not fire it twice
    vi.advanceTimersByTime(0);
    expect(fired).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(['a', 'b']);
    expect(page.workers).toHaveLength(1);
  });

  it('cancels a timer the worker holds in the worker', () => {
    const page = fakePage();
    page.setHidden(true);
    const s = createWorkerScheduler(page.host);
    const cancel = s.after(100, () => {
      throw new Error('cancelled timer fired');
    });
    cancel();
    expect(page.workers[0]?.posted).toEqual([{ id: 1, ms: 100 }, { id: 1, cancel: true }]);
    page.workers[0]?.tick(1);
  });

  it('falls back to the page’s timers, pending ones included, when the worker fails', () => {
    const page = fakePage();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    page.setHidden(true);
    const s = createWorkerScheduler(page.host);
    const fired: string[] = [];
    s.after(100, () => fired.push('a'));
    page.workers[0]?.fail('script failed to load');
    expect(page.workers[0]?.terminated).toBe(true);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['a']);
    // Given up on: hiding again starts no second worker.
    s.after(10, () => fired.push('b'));
    page.setHidden(false);
    page.setHidden(true);
    vi.advanceTimersByTime(10);
    expect(fired).toEqual(['a', 'b']);
    expect(page.workers).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('script failed to load'));
    warn.mockRestore();
  });

  it('schedules nothing once closed, and stops the worker', () => {
    const page = fakePage();
    page.setHidden(true);
    const s = createWorkerScheduler(page.host);
    const fired: string[] = [];
    s.after(10, () => fired.push('a'));
    s.close();
    s.after(10, () => fired.push('b'));
    page.workers[0]?.tick(1);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([]);
    expect(page.workers[0]?.terminated).toBe(true);
  });
});
