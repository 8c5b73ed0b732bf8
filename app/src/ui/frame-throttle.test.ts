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

  /** A throttle at a 10 % share whose runs take `cost.ms` of fake time each. */
  const costly = (cost: { ms: number }) => {
    const fake = fakeEnv();
    const counter = { runs: 0 };
    const throttle = frameThrottle(
      () => {
        counter.runs++;
        fake.advance(cost.ms);
      },
      100,
      250,
      fake.env,
      0.1,
    );
    return { fake, counter, throttle };
  };

  it('stretches the interval after a slow run, so repaints stay under their share of the main thread', () => {
    const cost = { ms: 40 };
    const { fake, counter, throttle } = costly(cost);
    throttle.trigger();
    fake.paint();
    expect(counter.runs).toBe(1);
    // A 40 ms run at a 10 % share: the next run starts no sooner than 400 ms after this one.
    throttle.trigger();
    fake.advance(300);
    fake.paint();
    expect(counter.runs).toBe(1);
    fake.advance(60);
    fake.paint();
    expect(counter.runs).toBe(2);
    // Runs that get cheap again bring the interval back down to the minimum.
    cost.ms = 1;
    throttle.trigger();
    fake.advance(400);
    fake.paint();
    expect(counter.runs).toBe(3);
    throttle.trigger();
    fake.advance(100);
    fake.paint();
    expect(counter.runs).toBe(4);
  });

  it('refuses a share outside (0, 1]', () => {
    const fake = fakeEnv();
    expect(() => frameThrottle(() => {}, 100, 250, fake.env, 0)).toThrow(RangeError);
    expect(() => frameThrottle(() => {}, 100, 250, fake.env, 1.5)).toThrow(RangeError);
  });

  it('an urgent trigger (a click) takes the next frame even inside a stretched interval', () => {
    const { fake, counter, throttle } = costly({ ms: 40 });
    throttle.trigger();
    fake.paint();
    throttle.trigger();
    fake.advance(10);
    fake.paint();
    expect(counter.runs).toBe(1);
    throttle.trigger(true);
    fake.paint();
    expect(counter.runs).toBe(2);
    expect(fake.pending()).toEqual({ frames: 0, timers: 0 });
  });
});
