import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { deleteText, insertText, MAX_INSERT_BYTES } from './text-ops.ts';

const fresh = (initial = ''): Y.Text => {
  const text = new Y.Doc().getText('text');
  text.insert(0, initial);
  return text;
};

describe('insertText / deleteText', () => {
  it('edits at valid positions, including both ends', () => {
    const text = fresh('bd');
    insertText(text, 0, 'a');
    insertText(text, 2, 'c');
    insertText(text, 4, 'e');
    expect(text.toString()).toBe('abcde');
    deleteText(text, 1, 3);
    expect(text.toString()).toBe('ae');
    deleteText(text, 2, 0);
    expect(text.toString()).toBe('ae');
  });

  it('refuses bad positions and lengths without changing the text', () => {
    const text = fresh('abc');
    expect(() => insertText(text, 4, 'x')).toThrow(RangeError);
    expect(() => insertText(text, -1, 'x')).toThrow(RangeError);
    expect(() => insertText(text, 1.5, 'x')).toThrow(TypeError);
    expect(() => insertText(text, Number.NaN, 'x')).toThrow(TypeError);
    expect(() => insertText(text, 0, 5 as unknown as string)).toThrow(TypeError);
    expect(() => deleteText(text, 2, 2)).toThrow(RangeError);
    expect(() => deleteText(text, 0, -1)).toThrow(RangeError);
    expect(text.toString()).toBe('abc');
  });

  it('refuses text that would not survive UTF-8: lone surrogates and split pairs', () => {
    const text = fresh('a😀b');
    expect(() => insertText(text, 0, '\ud83d')).toThrow(/unpaired surrogate/);
    expect(() => insertText(text, 2, 'x')).toThrow(/surrogate pair/);
    expect(() => deleteText(text, 1, 1)).toThrow(/surrogate pair/);
    deleteText(text, 1, 2);
    expect(text.toString()).toBe('ab');
  });

  it('refuses an insert too large for one message', () => {
    expect(() => insertText(fresh(), 0, 'x'.repeat(MAX_INSERT_BYTES + 1))).toThrow(/exceeds/);
  });
});
