/**
 * Vector clocks as plain frozen-by-convention records: node id -> count of that node's events.
 * A missing entry means 0, so clocks of different member sets compare without padding.
 */
export type VectorClock = Readonly<Record<string, number>>;

export type Ordering = 'before' | 'after' | 'equal' | 'concurrent';

export const emptyClock: VectorClock = Object.freeze({});

export function tick(clock: VectorClock, node: string): VectorClock {
  return { ...clock, [node]: (clock[node] ?? 0) + 1 };
}

/** Pointwise maximum: the least clock that dominates both. */
export function merge(a: VectorClock, b: VectorClock): VectorClock {
  const out: Record<string, number> = { ...a };
  for (const [node, n] of Object.entries(b)) if (n > (out[node] ?? 0)) out[node] = n;
  return out;
}

/** How a relates to b: 'before' means a happened-before b. */
export function compare(a: VectorClock, b: VectorClock): Ordering {
  let less = false;
  let greater = false;
  for (const node of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[node] ?? 0;
    const y = b[node] ?? 0;
    if (x < y) less = true;
    else if (x > y) greater = true;
    if (less && greater) return 'concurrent';
  }
  if (less) return 'before';
  if (greater) return 'after';
  return 'equal';
}

/** a >= b pointwise (a has seen everything b has). */
export const dominates = (a: VectorClock, b: VectorClock): boolean => {
  const o = compare(a, b);
  return o === 'after' || o === 'equal';
};

/** Drops zero entries and sorts keys, so equal clocks serialise identically. */
export function normalise(clock: VectorClock): VectorClock {
  const out: Record<string, number> = {};
  for (const node of Object.keys(clock).sort()) {
    const n = clock[node] ?? 0;
    if (n > 0) out[node] = n;
  }
  return out;
}

/** A clock is valid peer input when every entry is a non-negative safe integer. */
export function isVectorClock(value: unknown): value is VectorClock {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0);
}
