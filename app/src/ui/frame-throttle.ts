/**
 * Coalesces change notifications into at most one call per `minIntervalMs`, delivered on an
 * animation frame: a busy mesh notifies hundreds of times a second, and the page only needs
 * to repaint what a person can read.
 *
 * A page that is not in front gets few frames or none (headless Chromium gave a background
 * page one every ~700 ms; a hidden tab gets none), yet its DOM is what a test or a returning
 * user reads. So a timer `fallbackMs` after the frame was asked for runs the call anyway; in a
 * hidden tab the browser itself slows that timer to about once a second, which is cheap.
 *
 * The interval also stretches with what a run costs, so repainting never takes more than
 * `maxBusyShare` of the main thread: on a laptop running twelve nodes a repaint is slow, and
 * ten of them a second left the tab too busy to answer its own links promptly (bench:page,
 * bench:edits). A fast machine still repaints every `minIntervalMs`.
 */
export interface FrameThrottleEnv {
  now(): number;
  requestFrame(callback: () => void): number;
  cancelFrame(handle: number): void;
  setTimer(callback: () => void, ms: number): number;
  clearTimer(handle: number): void;
}

export interface FrameThrottle {
  /**
   * Asks for one call of the wrapped function soon; repeated asks before it runs are merged.
   * `urgent` (a person's own action) skips the wait and takes the next frame.
   */
  trigger(urgent?: boolean): void;
  /** Forgets a pending call; safe to call twice. */
  cancel(): void;
}

export function browserFrameEnv(): FrameThrottleEnv {
  return {
    now: () => performance.now(),
    requestFrame: (callback) => requestAnimationFrame(callback),
    cancelFrame: (handle) => cancelAnimationFrame(handle),
    setTimer: (callback, ms) => window.setTimeout(callback, ms),
    clearTimer: (handle) => window.clearTimeout(handle),
  };
}

export function frameThrottle(run: () => void, minIntervalMs: number, fallbackMs: number, env: FrameThrottleEnv, maxBusyShare = 1): FrameThrottle {
  if (!(maxBusyShare > 0 && maxBusyShare <= 1)) throw new RangeError(`maxBusyShare must be in (0, 1], got ${maxBusyShare}`);
  let last = -Infinity;
  /** Time between the starts of two runs: the interval, or longer after a slow run. */
  let gap = minIntervalMs;
  /** Waiting out the interval since the last run. */
  let pause: number | null = null;
  let frame: number | null = null;
  let fallback: number | null = null;

  const cancel = (): void => {
    if (pause !== null) env.clearTimer(pause);
    if (frame !== null) env.cancelFrame(frame);
    if (fallback !== null) env.clearTimer(fallback);
    pause = frame = fallback = null;
  };
  const flush = (): void => {
    cancel();
    last = env.now();
    run();
    gap = Math.max(minIntervalMs, (env.now() - last) / maxBusyShare);
  };
  const askFrame = (): void => {
    pause = null;
    frame = env.requestFrame(flush);
    fallback = env.setTimer(flush, fallbackMs);
  };

  return {
    trigger(urgent = false) {
      if (frame !== null || (pause !== null && !urgent)) return;
      if (pause !== null) env.clearTimer(pause);
      const wait = urgent ? 0 : last + gap - env.now();
      if (wait > 0) pause = env.setTimer(askFrame, wait);
      else askFrame();
    },
    cancel,
  };
}
