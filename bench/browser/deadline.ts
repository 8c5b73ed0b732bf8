import { setTimeout as sleep } from 'node:timers/promises';

/** Rejects with `what` if `promise` has not settled within `ms`: no bench step may hang. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Calls `probe` every `everyMs` until it returns a value other than undefined, or `timeoutMs`
 * passes (then undefined). The probe bounds its own calls (see `within`): on a loaded machine a
 * last probe that starts just before the deadline must still be allowed to answer.
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, everyMs: number): Promise<T | undefined> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const left = end - performance.now();
    if (left <= 0) return undefined;
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(Math.min(everyMs, Math.max(0, end - performance.now())));
  }
}
