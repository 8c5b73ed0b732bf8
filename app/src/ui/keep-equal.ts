/**
 * Keeps what did not change: `next` with each element that equals (by value) the element of
 * `previous` under the same key replaced by that earlier object. The page re-reads every list
 * from the node on each repaint, and the node hands out fresh objects each time, so without this
 * Svelte re-ran every row of every list (each row's props were new objects): in a busy 12-tab
 * room that was most of a repaint (bench:page's profile). With it, a repaint touches only the
 * rows whose data changed.
 */
export function keepEqual<T>(next: readonly T[], previous: readonly T[], key: (item: T) => string): readonly T[] {
  if (previous.length === 0) return next.length === 0 ? previous : [...next];
  const before = new Map(previous.map((item) => [key(item), item]));
  const kept = next.map((item) => {
    const old = before.get(key(item));
    return old !== undefined && sameValue(old, item) ? old : item;
  });
  // An unchanged list is the same array: whatever derives from it (the names map, the diagram's
  // lanes and model) then stays put too. A new array each repaint rebuilt the 12-tab diagram's
  // model on every member-table repaint as well as on its own redraws (bench:page's profile).
  return kept.length === previous.length && kept.every((item, i) => item === previous[i]) ? previous : kept;
}

/** keepEqual with its own memory: each call keeps what it can of what the previous call returned. */
export function keeping<T>(key: (item: T) => string): (next: readonly T[]) => readonly T[] {
  let last: readonly T[] = [];
  return (next) => (last = keepEqual(next, last, key));
}

const isPlain = (x: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
};

/**
 * Structural equality of plain data: primitives, arrays and plain objects, as the node's views
 * are. Anything else (a Map, a Set, a class instance) is equal only to itself: its contents are
 * not its own keys, and calling it equal by them would hide a change.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (!isPlain(a) || !isPlain(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
