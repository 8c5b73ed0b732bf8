/**
 * Per-socket frame budget: a token bucket that refills at `ratePerSecond` up to `burst`, so a
 * tab may send a quick flurry (offer + a dozen ICE candidates) but not a sustained flood.
 * Time is read through `now` (milliseconds) so tests and the server choose the clock.
 */
export interface TokenBucket {
  /** Spends one token if there is one; false means the frame must be dropped. */
  take(): boolean;
}

export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly now: () => number;
}

export function createTokenBucket({ ratePerSecond, burst, now }: TokenBucketOptions): TokenBucket {
  let tokens = burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * ratePerSecond);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/** Lets one notice through per `intervalMs`, so a flooding client is not answered with a flood. */
export function createThrottle(intervalMs: number, now: () => number): () => boolean {
  let lastAllowed = Number.NEGATIVE_INFINITY;
  return () => {
    const t = now();
    if (t - lastAllowed < intervalMs) return false;
    lastAllowed = t;
    return true;
  };
}
