import { describe, expect, it } from 'vitest';
import { keepEqual, keeping, sameValue } from './keep-equal.ts';

describe('sameValue', () => {
  it('compares plain data by value, arrays and nested objects included', () => {
    expect(sameValue({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue(Number.NaN, Number.NaN)).toBe(true);
    expect(sameValue({ vc: { a: 2 } }, { vc: { a: 3 } })).toBe(false);
    // Maps and sets have no own keys: by their keys any two would look equal.
    expect(sameValue(new Map([['a', 1]]), new Map([['a', 2]]))).toBe(false);
    expect(sameValue({ s: new Set([1]) }, { s: new Set([2]) })).toBe(false);
    const shared = new Set([1]);
    expect(sameValue({ s: shared }, { s: shared })).toBe(true);
  });
});

describe('keepEqual', () => {
  const key = (x: { id: string }): string => x.id;
  it('hands back the earlier object for every unchanged element, and the new one for a changed or new element', () => {
    const previous = [
      { id: 'a', link: 'open', vc: { a: 1 } },
      { id: 'b', link: 'connecting', vc: { b: 1 } },
    ];
    const next = [
      { id: 'a', link: 'open', vc: { a: 1 } },
      { id: 'b', link: 'open', vc: { b: 1 } },
      { id: 'c', link: 'none', vc: {} },
    ];
    const kept = keepEqual(next, previous, key);
    expect(kept[0]).toBe(previous[0]);
    expect(kept[1]).toBe(next[1]);
    expect(kept[2]).toBe(next[2]);
    expect(kept).toEqual(next);
  });

  it('follows the new order and drops what is gone', () => {
    const previous = [{ id: 'a' }, { id: 'b' }];
    const kept = keepEqual([{ id: 'b' }], previous, key);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toBe(previous[1]);
  });

  it('hands back the earlier array itself when no element changed, and a new one when any did', () => {
    const previous = [{ id: 'a', v: 1 }, { id: 'b', v: 1 }];
    expect(keepEqual([{ id: 'a', v: 1 }, { id: 'b', v: 1 }], previous, key)).toBe(previous);
    expect(keepEqual([{ id: 'a', v: 1 }, { id: 'b', v: 2 }], previous, key)).not.toBe(previous);
    expect(keepEqual([{ id: 'b', v: 1 }, { id: 'a', v: 1 }], previous, key)).not.toBe(previous);
    expect(keepEqual([{ id: 'a', v: 1 }], previous, key)).not.toBe(previous);
    const empty: { id: string }[] = [];
    expect(keepEqual([], empty, key)).toBe(empty);
  });
});

describe('keeping', () => {
  it('compares each reading with the one it returned last time', () => {
    const keep = keeping<{ id: string; v: number }>((x) => x.id);
    const first = keep([{ id: 'a', v: 1 }]);
    const second = keep([{ id: 'a', v: 1 }, { id: 'b', v: 1 }]);
    expect(second[0]).toBe(first[0]);
    const third = keep([{ id: 'a', v: 2 }, { id: 'b', v: 1 }]);
    expect(third[0]).not.toBe(second[0]);
    expect(third[1]).toBe(second[1]);
  });
});
