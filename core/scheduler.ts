/**
 * Time as a dependency. Protocol code asks a Scheduler for the time and for timers, never
 * Date.now or setTimeout: in the simulator time is virtual; in a tab the timers run in a
 * worker, where a hidden tab's main-thread throttling cannot stretch them.
 */
export interface Scheduler {
  /** Milliseconds since an arbitrary origin; never goes backwards. */
  now(): number;
  /** Run fn after ms milliseconds (0 = as soon as possible, after the current task). Returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}

/** Calls fn every ms milliseconds until the returned function is called. */
export function every(scheduler: Scheduler, ms: number, fn: () => void): () => void {
  let cancel: () => void = () => {};
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    cancel = scheduler.after(ms, tick);
    fn();
  };
  cancel = scheduler.after(ms, tick);
  return () => {
    stopped = true;
    cancel();
  };
}
