import { describe, expect, it } from 'vitest';
import { frameThrottle, type FrameThrottleEnv } from './frame-throttle.ts';

/** A hand-driven clock with explicit frame and timer queues. */
function fakeEnv() {
  let time = 0;
  let nextHandle = 1;
  const frames = new Map<number, () => void>();
  const timers = new Map<number, { at: number; callback: () => void }>();
  const env: FrameThrottleEnv = {
    now: () => time,
    requestFrame: (callback) => {
      frames.set(nextHandle, callback);
      return nextHandle++;
    },
    cancelFrame: (handle) => frames.delete(handle),
    setTimer: (callback, ms) => {
      timers.set(nextHandle, { at: time + ms, callback });
      return nextHandle++;
    },
    clearTimer: (handle) => timers.delete(handle),
  };
  return {
    env,
    advance(ms: number) {
      time += ms;
      for (const [handle, t] of [...timers]) {
        if (t.at <= time) {
          timers.delete(handle);
          t.callback();
        }
      }
    },
    paint() {
      const due = [...frames.values()];
      frames.clear();
      for (const callback of due) callback();
    },
    pending: () => ({ frames: frames.size, timers: timers.size }),
  };
}

describe('frameThrottle', () => {
  const setup = () => {
    const fake = fakeEnv();
    const counter = { runs: 0 };
    const throttle = frameThrottle(() => counter.runs++, 100, 250, fake.env);
    return { fake, counter, throttle };
  };

  it('runs once on the next frame however many notifications arrive before it', () => {
    const { fake, counter, throttle } = setup();
    for (let i = 0; i < 50; i++) throttle.trigger();
    expect(counter.runs).toBe(0);
    fake.paint();
    expect(counter.runs).toBe(1);
    expect(fake.pending()).toEqual({ frames: 0, timers: 0 });
  });

  it('waits out the interval after a run, then uses a frame', () => {
    const { fake, counter, throttle } = setup();
    throttle.trigger();
    fake.paint();
    fake.advance(30);
    throttle.trigger();
    throttle.trigger();
    expect(fake.pending()).toEqual({ frames: 0, timers: 1 });
    fake.advance(69);
    fake.paint();
    expect(counter.runs).toBe(1);
    fake.advance(1);
    expect(fake.pending()).toEqual({ frames: 1, timers: 1 });
    fake.paint();
    expect(counter.runs).toBe(2);
    expect(fake.pending()).toEqual({ frames: 0, timers: 0 });
  });

  it('runs on the fallback timer when no frame comes (a page in the background)', () => {
    const { fake, counter, throttle } = setup();
    throttle.trigger();
    fake.advance(249);
    throttle.trigger();
    expect(counter.runs).toBe(0);
    fake.advance(1);
    expect(counter.runs).toBe(1);
    expect(fake.pending()).toEqual({ frames: 0, timers: 0 });
    fake.paint();
    expect(counter.runs).toBe(1);
  });

  it('cancel drops a pending run and allows a later one', () => {
    const { fake, counter, throttle } = setup();
    throttle.trigger();
    throttle.cancel();
    throttle.cancel();
    fake.paint();
    fake.advance(1000);
    expect(counter.runs).toBe(0);
    throttle.trigger();
    fake.paint();
    expect(counter.runs).toBe(1);
  });
});
