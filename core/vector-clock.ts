/**
 * Vector clocks as plain frozen-by-convention records: node id -> count of that node's events.
 * A missing entry means 0, so clocks of different member sets compare without padding.
 */
export type VectorClock = Readonly<Record<string, number>>;

export type Ordering = 'before' | 'after' | 'equal' | 'concurrent';

export const emptyClock: VectorClock = Object.freeze({});

/**
 * Own entries only: node ids come from peers, and a plain `clock[node]` would read
 * Object.prototype for ids such as "constructor" or "__proto__".
 */
const count = (clock: VectorClock, node: string): number => (Object.hasOwn(clock, node) ? (clock[node] ?? 0) : 0);

export function tick(clock: VectorClock, node: string): VectorClock {
  return { ...clock, [node]: count(clock, node) + 1 };
}

/** Pointwise maximum: the least clock that dominates both. */
export function merge(a: VectorClock, b: VectorClock): VectorClock {
  // A Map, then fromEntries: assigning out["__proto__"] would silently drop that entry.
  const out = new Map(Object.entries(a));
  for (const [node, n] of Object.entries(b)) if (n > (out.get(node) ?? 0)) out.set(node, n);
  return Object.fromEntries(out);
}

/** How a relates to b: 'before' means a happened-before b. */
export function compare(a: VectorClock, b: VectorClock): Ordering {
  let less = false;
  let greater = false;
  for (const node of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = count(a, node);
    const y = count(b, node);
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
  const nodes = Object.keys(clock).sort();
  return Object.fromEntries(nodes.map((node) => [node, count(clock, node)] as const).filter(([, n]) => n > 0));
}

/** A clock is valid peer input when every entry is a non-negative safe integer. */
export function isVectorClock(value: unknown): value is VectorClock {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0);
}
