import type { Scheduler } from '../../../core/scheduler.ts';

/**
 * A Scheduler whose timers tick in a dedicated Worker while the page is hidden. Chromium aligns
 * a hidden tab's main-thread timers to about once a second (more after minutes hidden), which
 * would stretch an injected 50 ms delay to a second and let heartbeats lapse until a healthy
 * hidden tab looks dead. Worker timers, and the message events that bring their ticks back, are
 * not aligned that way. The callbacks always run on the main thread, where the node lives.
 *
 * While the page is visible its own timers are not throttled, so they are used instead: the
 * worker (a thread and a JavaScript heap of its own) starts only when the page is first hidden,
 * not in every tab of a class joining at once, and a visible idle tab's ticks do not cross
 * threads. Pending timers move between the two as the page is hidden and shown.
 */
export interface WorkerScheduler extends Scheduler {
  /** Stops the worker and drops every pending timer; later calls to after() schedule nothing. */
  close(): void;
}

/** The part of a Worker the scheduler uses. */
export type TimerWorker = Pick<Worker, 'postMessage' | 'terminate' | 'addEventListener'>;

/** What the scheduler needs from the page; the browser's by default, fakes in tests. */
export interface SchedulerHost {
  readonly now: () => number;
  readonly hidden: () => boolean;
  readonly onVisibilityChange: (listener: () => void) => void;
  /** Throws, or reports an `error` event later, when the worker cannot run. */
  readonly startWorker: () => TimerWorker;
}

export function browserSchedulerHost(): SchedulerHost {
  // Wall-clock milliseconds, still monotonic (a fixed origin plus performance.now()): every tab
  // of a machine then stamps its journal on one time line, so traces shared between tabs (the
  // space-time diagram) line up; performance.now() alone counts from each tab's own start.
  const origin = performance.timeOrigin;
  return {
    now: () => origin + performance.now(),
    hidden: () => document.visibilityState === 'hidden',
    onVisibilityChange: (listener) => document.addEventListener('visibilitychange', listener),
    startWorker: () => new Worker(new URL('./timer-worker.ts', import.meta.url), { type: 'module' }),
  };
}

const MAX_TIMER_MS = 2 ** 31 - 1;

interface Pending {
  readonly fn: () => void;
  readonly due: number;
  /** The main-thread timer, when it runs here. */
  local?: ReturnType<typeof setTimeout>;
  /** Whether the worker holds it. */
  inWorker: boolean;
}

export function createWorkerScheduler(host: SchedulerHost = browserSchedulerHost()): WorkerScheduler {
  const { now } = host;
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let worker: TimerWorker | null = null;
  let workerFailed = false;
  let closed = false;

  const fire = (id: number): void => {
    const timer = pending.get(id);
    if (!timer) return;
    pending.delete(id);
    timer.fn();
  };
  const armLocally = (id: number, timer: Pending): void => {
    timer.inWorker = false;
    timer.local = setTimeout(() => fire(id), Math.max(0, timer.due - now()));
  };
  const fallBack = (why: string): void => {
    console.warn(`tabmesh: timer worker unavailable (${why}); using main-thread timers, which slow down in hidden tabs`);
    workerFailed = true;
    worker?.terminate();
    worker = null;
    for (const [id, timer] of pending) if (timer.inWorker) armLocally(id, timer);
  };
  const startWorker = (): TimerWorker | null => {
    if (worker || workerFailed || closed) return worker;
    try {
      const started = host.startWorker();
      worker = started;
      started.addEventListener('message', (event: MessageEvent<unknown>) => {
        const id = (event.data as { id?: unknown } | null)?.id;
        if (typeof id === 'number') fire(id);
      });
      // A worker script that fails to load is only reported here, after construction succeeded.
      started.addEventListener('error', (event: ErrorEvent) => {
        event.preventDefault();
        if (worker === started) fallBack(event.message || 'worker error');
      });
    } catch (err) {
      fallBack(err instanceof Error ? err.message : String(err));
    }
    return worker;
  };
  const place = (id: number, timer: Pending): void => {
    const w = host.hidden() ? startWorker() : null;
    if (!w) return armLocally(id, timer);
    timer.inWorker = true;
    w.postMessage({ id, ms: Math.max(0, timer.due - now()) });
  };

  host.onVisibilityChange(() => {
    if (closed) return;
    const hidden = host.hidden();
    for (const [id, timer] of pending) {
      if (hidden && !timer.inWorker) {
        clearTimeout(timer.local);
        place(id, timer);
      } else if (!hidden && timer.inWorker) {
        worker?.postMessage({ id, cancel: true });
        armLocally(id, timer);
      }
    }
  });

  return {
    now,
    after(ms, fn) {
      if (Number.isNaN(ms)) throw new RangeError('after() needs a delay in milliseconds, got NaN');
      if (closed) return () => {};
      const id = nextId++;
      // Timers in browsers overflow past 2^31 - 1 ms and fire at once; clamp instead.
      const delay = Math.min(Math.max(0, ms), MAX_TIMER_MS);
      const timer: Pending = { fn, due: now() + delay, inWorker: false };
      pending.set(id, timer);
      place(id, timer);
      return () => {
        const t = pending.get(id);
        if (!t) return;
        pending.delete(id);
        if (t.inWorker) worker?.postMessage({ id, cancel: true });
        else clearTimeout(t.local);
      };
    },
    close() {
      closed = true;
      worker?.terminate();
      worker = null;
      for (const timer of pending.values()) clearTimeout(timer.local);
      pending.clear();
    },
  };
}
