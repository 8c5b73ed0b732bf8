import { describe, expect, it } from 'vitest';
import { applyEdit } from './text-diff.ts';
import { TextBinding, type SharedTextApi, type TextAreaLike } from './text-binding.ts';

class FakeArea implements TextAreaLike {
  value = '';
  selectionStart = 0;
  selectionEnd = 0;
  selectionDirection = 'none' as const;

  setSelectionRange(start: number, end: number): void {
    this.selectionStart = start;
    this.selectionEnd = end;
  }

  type(at: number, s: string): void {
    this.value = this.value.slice(0, at) + s + this.value.slice(at);
    this.selectionStart = this.selectionEnd = at + s.length;
  }

  backspace(at: number): void {
    this.value = this.value.slice(0, at - 1) + this.value.slice(at);
    this.selectionStart = this.selectionEnd = at - 1;
  }
}

function fakeDoc(initial: string, limit = Infinity): SharedTextApi & { doc: string; calls: string[] } {
  return {
    doc: initial,
    calls: [],
    value() {
      return this.doc;
    },
    insert(index, s) {
      if (this.doc.length + s.length > limit) throw new RangeError(`text would exceed ${limit} characters`);
      this.calls.push(`insert ${index} ${s}`);
      this.doc = applyEdit(this.doc, { index, deleteCount: 0, insert: s });
    },
    delete(index, length) {
      this.calls.push(`delete ${index} ${length}`);
      this.doc = applyEdit(this.doc, { index, deleteCount: length, insert: '' });
    },
  };
}

describe('TextBinding', () => {
  it('starts from the document and sends each keystroke as a minimal edit', () => {
    const area = new FakeArea();
    const doc = fakeDoc('aa');
    const binding = new TextBinding(area, doc);
    expect(area.value).toBe('aa');
    area.type(1, 'a');
    expect(binding.input()).toBeNull();
    area.backspace(3);
    expect(binding.input()).toBeNull();
    expect(doc.calls).toEqual(['insert 1 a', 'delete 2 1']);
    expect(doc.doc).toBe('aa');
  });

  it('keeps the caret on the same characters when a remote edit lands before it', () => {
    const area = new FakeArea();
    const doc = fakeDoc('world');
    const binding = new TextBinding(area, doc);
    area.setSelectionRange(2, 4);
    doc.doc = 'hello world';
    binding.show(doc.value());
    expect(area.value).toBe('hello world');
    expect([area.selectionStart, area.selectionEnd]).toEqual([8, 10]);
  });

  it('does not rewrite the textarea during an IME composition, and catches up after it', () => {
    const area = new FakeArea();
    const doc = fakeDoc('');
    const binding = new TextBinding(area, doc);
    binding.compositionStart();
    doc.doc = 'remote';
    binding.show(doc.value());
    expect(area.value).toBe('');
    binding.compositionEnd();
    expect(area.value).toBe('remote');
  });

  it('reports a refused edit and shows what the document really holds', () => {
    const area = new FakeArea();
    const doc = fakeDoc('abc', 4);
    const binding = new TextBinding(area, doc);
    area.type(3, 'de');
    expect(binding.input()).toBe('text would exceed 4 characters');
    expect(area.value).toBe('abc');
    area.type(3, 'd');
    expect(binding.input()).toBeNull();
    expect(doc.doc).toBe('abcd');
  });
});
