import { describe, expect, it } from 'vitest';
import { createThrottle, createTokenBucket } from './rate-limit.ts';

describe('token bucket', () => {
  it('allows a burst, then the refill rate, never more than the burst', () => {
    let t = 0;
    const bucket = createTokenBucket({ ratePerSecond: 10, burst: 3, now: () => t });
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
    t += 100;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    t += 60_000;
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
  });
});

describe('throttle', () => {
  it('lets one notice through per interval', () => {
    let t = 1000;
    const may = createThrottle(1000, () => t);
    expect([may(), may()]).toEqual([true, false]);
    t += 999;
    expect(may()).toBe(false);
    t += 1;
    expect(may()).toBe(true);
  });
});
