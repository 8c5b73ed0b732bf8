import type { Scheduler } from '../../../core/scheduler.ts';

/**
 * A Scheduler whose timers tick in a dedicated Worker. Chromium aligns a hidden tab's
 * main-thread timers to about once a second (more after minutes hidden), which would stretch
 * an injected 50 ms delay to a second and let heartbeats lapse until a healthy hidden tab looks
 * dead. Worker timers, and the message events that bring their ticks back, are not aligned
 * that way. The callbacks still run on the main thread, where the node lives.
 */
export interface WorkerScheduler extends Scheduler {
  /** Where timers currently run: 'main-thread' after the worker could not start. */
  readonly mode: 'worker' | 'main-thread';
  /** Stops the worker and drops every pending timer; later calls to after() schedule nothing. */
  close(): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

interface Pending {
  readonly fn: () => void;
  readonly due: number;
  /** The main-thread timer, once the worker has been given up on. */
  local?: ReturnType<typeof setTimeout>;
}

export function createWorkerScheduler(): WorkerScheduler {
  // Wall-clock milliseconds, still monotonic (a fixed origin plus performance.now()): every tab
  // of a machine then stamps its journal on one time line, so traces shared between tabs (the
  // space-time diagram) line up; performance.now() alone counts from each tab's own start.
  const origin = performance.timeOrigin;
  const now = (): number => origin + performance.now();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let worker: Worker | null = null;
  let closed = false;

  const fire = (id: number): void => {
    const timer = pending.get(id);
    if (!timer) return;
    pending.delete(id);
    timer.fn();
  };
  const armLocally = (id: number, timer: Pending): void => {
    timer.local = setTimeout(() => fire(id), Math.max(0, timer.due - now()));
  };
  const fallBack = (why: string): void => {
    console.warn(`tabmesh: timer worker unavailable (${why}); using main-thread timers, which slow down in hidden tabs`);
    worker?.terminate();
    worker = null;
    for (const [id, timer] of pending) armLocally(id, timer);
  };

  try {
    worker = new Worker(new URL('./timer-worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      const id = (event.data as { id?: unknown } | null)?.id;
      if (typeof id === 'number') fire(id);
    });
    // A worker script that fails to load is only reported here, after construction succeeded.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      fallBack(event.message || 'worker error');
    });
  } catch (err) {
    fallBack(err instanceof Error ? err.message : String(err));
  }

  return {
    now,
    get mode() {
      return worker ? 'worker' : 'main-thread';
    },
    after(ms, fn) {
      if (Number.isNaN(ms)) throw new RangeError('after() needs a delay in milliseconds, got NaN');
      if (closed) return () => {};
      const id = nextId++;
      // Timers in browsers overflow past 2^31 - 1 ms and fire at once; clamp instead.
      const delay = Math.min(Math.max(0, ms), MAX_TIMER_MS);
      const timer: Pending = { fn, due: now() + delay };
      pending.set(id, timer);
      if (worker) worker.postMessage({ id, ms: delay });
      else armLocally(id, timer);
      return () => {
        const t = pending.get(id);
        if (!t) return;
        pending.delete(id);
        clearTimeout(t.local);
        worker?.postMessage({ id, cancel: true });
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
