import { describe, expect, it } from 'vitest';
import { applyEdit, mapCaret, textDiff } from './text-diff.ts';

describe('textDiff', () => {
  it('finds a plain insertion, deletion and replacement', () => {
    expect(textDiff('hello', 'hello world')).toEqual({ index: 5, deleteCount: 0, insert: ' world' });
    expect(textDiff('hello world', 'hello')).toEqual({ index: 5, deleteCount: 6, insert: '' });
    expect(textDiff('the cat sat', 'the dog sat')).toEqual({ index: 4, deleteCount: 3, insert: 'dog' });
    expect(textDiff('same', 'same')).toEqual({ index: 4, deleteCount: 0, insert: '' });
    expect(textDiff('', 'x')).toEqual({ index: 0, deleteCount: 0, insert: 'x' });
  });

  it('uses the caret to place an ambiguous insertion where the user typed', () => {
    expect(textDiff('aa', 'aaa')).toEqual({ index: 2, deleteCount: 0, insert: 'a' });
    expect(textDiff('aa', 'aaa', 1)).toEqual({ index: 0, deleteCount: 0, insert: 'a' });
    expect(textDiff('aa', 'aaa', 2)).toEqual({ index: 1, deleteCount: 0, insert: 'a' });
  });

  it('uses the caret to place an ambiguous deletion (backspace in a run)', () => {
    expect(textDiff('abbbc', 'abbc', 2)).toEqual({ index: 2, deleteCount: 1, insert: '' });
    expect(textDiff('abbbc', 'abbc', 1)).toEqual({ index: 1, deleteCount: 1, insert: '' });
  });

  it('ignores a caret that would make the edit larger than needed', () => {
    expect(textDiff('hello', 'hello!', 0)).toEqual({ index: 5, deleteCount: 0, insert: '!' });
  });

  it('never splits a surrogate pair', () => {
    const edit = textDiff('a😀b', 'a😃b');
    expect(edit).toEqual({ index: 1, deleteCount: 2, insert: '😃' });
    const tail = textDiff('x\uD83D\uDE00', 'x\uD83E\uDE00');
    expect(tail).toEqual({ index: 1, deleteCount: 2, insert: '\uD83E\uDE00' });
  });

  it('always produces an edit that reproduces the target (seeded random strings)', () => {
    const seed = 20240611;
    let state = seed;
    const next = (n: number): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
    const alphabet = ['a', 'b', '😀', ' '];
    const word = (): string => Array.from({ length: next(8) }, () => alphabet[next(alphabet.length)]).join('');
    for (let i = 0; i < 2000; i++) {
      const before = word();
      const after = word();
      const caret = next(after.length + 1);
      const edit = textDiff(before, after, caret);
      expect(applyEdit(before, edit), `seed ${seed}, case ${i}: ${JSON.stringify([before, after, caret])}`).toBe(after);
      expect(edit.insert).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
  });
});

describe('mapCaret', () => {
  const insertAt2 = { index: 2, deleteCount: 0, insert: 'xyz' };
  const delete2to5 = { index: 2, deleteCount: 3, insert: '' };

  it('leaves a caret before or at the edit alone', () => {
    expect(mapCaret(1, insertAt2)).toBe(1);
    expect(mapCaret(2, insertAt2)).toBe(2);
  });

  it('moves a caret after the edit by the change in length', () => {
    expect(mapCaret(4, insertAt2)).toBe(7);
    expect(mapCaret(6, delete2to5)).toBe(3);
  });

  it('puts a caret inside a deleted stretch where the stretch was', () => {
    expect(mapCaret(3, delete2to5)).toBe(2);
    expect(mapCaret(3, { index: 2, deleteCount: 3, insert: 'ab' })).toBe(4);
  });
});
