import { describe, expect, it } from 'vitest';
import { cursorSegments, type CursorMark, type Segment } from './cursor-marks.ts';

const mark = (peer: string, anchor: number, head: number): CursorMark => ({ peer, name: peer.toUpperCase(), colour: '#123456', anchor, head });
const show = (segments: Segment[]): string =>
  segments.map((s) => (s.type === 'caret' ? `|${s.mark.peer}` : s.selectedBy ? `[${s.text}:${s.selectedBy.peer}]` : s.text)).join('');

describe('cursorSegments', () => {
  it('puts carets between characters and highlights selections', () => {
    expect(show(cursorSegments('hello world', [mark('a', 5, 5), mark('b', 6, 11)]))).toBe('hello|a [world:b]|b');
    // A backward selection highlights the same run, with the caret at its head.
    expect(show(cursorSegments('hello world', [mark('b', 11, 6)]))).toBe('hello |b[world:b]');
  });

  it('orders carets at one place by peer, and lets the first peer colour overlapping selections', () => {
    expect(show(cursorSegments('abcdef', [mark('z', 0, 4), mark('a', 2, 6)]))).toBe('[ab:z][cd:a]|z[ef:a]|a');
    expect(show(cursorSegments('ab', [mark('b', 1, 1), mark('a', 1, 1)]))).toBe('a|a|bb');
  });

  it('clamps positions past the end, and covers the empty text', () => {
    expect(show(cursorSegments('ab', [mark('a', 9, 9)]))).toBe('ab|a');
    expect(show(cursorSegments('', [mark('a', 0, 0)]))).toBe('|a');
    expect(cursorSegments('', [])).toEqual([]);
  });
});
