import { describe, expect, it } from 'vitest';
import type { MessageKind } from '../../../core/envelope.ts';
import type { JournalEvent } from '../../../core/journal.ts';
import { selectTrace, timeTicks } from './trace-select.ts';

let n = 0;
const ev = (node: string, t: number, kind: MessageKind = 'chat'): JournalEvent => ({
  n: ++n, t, type: 'send', node, peer: 'x', dir: 'out', msgId: `m${n}`, kind, bytes: 1, lamport: n, vc: { [node]: n },
});
const all = new Set<MessageKind>(['chat', 'heartbeat', 'kv']);

describe('selectTrace', () => {
  it('keeps the chosen kinds inside the window, local and shared alike, oldest first', () => {
    const local = [ev('me', 10), ev('me', 20, 'heartbeat'), ev('me', 30), ev('me', 40)];
    const remote = [ev('a', 15), ev('a', 35), ev('b', 5), ev('b', 25, 'kv')];
    const s = selectTrace({ local, remote }, { from: 12, to: 36, kinds: new Set<MessageKind>(['chat', 'kv']), max: 100 });
    expect(s.events.map((e) => `${e.node}@${e.t}`)).toEqual(['a@15', 'b@25', 'me@30', 'a@35']);
    expect(s.matched).toBe(4);
  });

  it('keeps only the newest events past the cap, and says how many matched', () => {
    const local = Array.from({ length: 50 }, (_, i) => ev('me', i));
    const s = selectTrace({ local, remote: [] }, { from: 0, to: 100, kinds: all, max: 10 });
    expect(s.events.map((e) => e.t)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
    expect(s.matched).toBe(50);
  });

  it('stops reading the local journal at the window start', () => {
    const local = [ev('me', 1), ev('me', 2), ev('me', 3)];
    // A trap: an event out of time order before the window start is not reached.
    const trapped = [{ ...ev('me', 50) }, ...local];
    expect(selectTrace({ local: trapped, remote: [] }, { from: 2, to: 60, kinds: all, max: 10 }).events.map((e) => e.t)).toEqual([2, 3]);
  });
});

describe('timeTicks', () => {
  it('labels round steps relative to a reference, at most `count` intervals', () => {
    expect(timeTicks(1000, 11_000, 5, 11_000)).toEqual([
      { t: 1000, label: '-10 s' },
      { t: 3000, label: '-8 s' },
      { t: 5000, label: '-6 s' },
      { t: 7000, label: '-4 s' },
      { t: 9000, label: '-2 s' },
      { t: 11_000, label: '0 s' },
    ]);
    expect(timeTicks(0, 900, 5, 0).map((x) => x.label)).toEqual(['0.0 s', '+0.2 s', '+0.4 s', '+0.6 s', '+0.8 s']);
    expect(timeTicks(5, 5, 5, 0)).toEqual([]);
  });
});
