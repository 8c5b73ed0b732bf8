import { describe, expect, it } from 'vitest';
import type { ChatMessageView } from '../app/src/api-types.ts';
import { causalViolations, divergence, violations } from './checker.ts';
import { History, type NodeState } from './history.ts';

const msg = (id: string, from: string, vc: Record<string, number>): ChatMessageView => ({ id, from, text: id, vc });
const state = (id: string, s: Partial<NodeState> = {}): NodeState => ({ id, name: id.toUpperCase(), text: '', chat: [], kv: {}, ...s });

describe('causalViolations', () => {
  it('accepts concurrent messages in either order and flags one delivered before its cause', () => {
    const a1 = msg('a1', 'a', { a: 1 });
    const b1 = msg('b1', 'b', { b: 1 });
    const b2 = msg('b2', 'b', { a: 1, b: 2 });
    expect(causalViolations([a1, b1, b2])).toEqual([]);
    expect(causalViolations([b1, a1, b2])).toEqual([]);
    expect(causalViolations([b2, a1, b1])).toEqual([
      '"a1" {"a":1} happened before "b2" {"a":1,"b":2} but was delivered after it',
      '"b1" {"b":1} happened before "b2" {"a":1,"b":2} but was delivered after it',
    ]);
  });
});

describe('divergence', () => {
  it('is empty when every node holds the same complete state', () => {
    const h = new History();
    h.record({ kind: 'text', token: 'x;', writer: 'a', writerName: 'A' });
    h.record({ kind: 'chat', id: 'm1', text: 'hi', writer: 'a', writerName: 'A' });
    const s = { text: 'x;', chat: [msg('m1', 'a', { a: 1 })] };
    expect(divergence([state('a', s), state('b', s)], h)).toEqual([]);
  });

  it('names the node that lacks a write of a live node, and how the text differs', () => {
    const h = new History();
    h.record({ kind: 'text', token: 'x;', writer: 'a', writerName: 'A' });
    const out = divergence([state('a', { text: 'x;' }), state('b')], h);
    expect(out[0]).toBe('B (b) lacks 1: insert "x;" by A (a)');
    expect(out[1]).toMatch(/^text differs: A \(a\) has "x;"; B \(b\) has "".*first differ at index 0/);
  });

  it('lets an unacknowledged write of a crashed node go, but not an acknowledged one', () => {
    const h = new History();
    h.record({ kind: 'chat', id: 'lost', text: 'lost', writer: 'dead', writerName: 'DEAD' });
    h.record({ kind: 'chat', id: 'kept', text: 'kept', writer: 'dead', writerName: 'DEAD' });
    // Seen on b before the crash: acknowledged.
    h.observe([state('b', { chat: [msg('kept', 'dead', { dead: 2 })] })]);
    expect(h.acknowledged(h.writes[0]!)).toBe(false);
    expect(h.acknowledged(h.writes[1]!)).toBe(true);
    const out = divergence([state('a'), state('b')], h);
    expect(out.join('\n')).toMatch(/A \(a\) lacks 1: chat "kept" \(kept\) by DEAD \(dead\)/);
    expect(out.join('\n')).not.toMatch(/"lost"/);
  });

  it('lets an acknowledged write go once every node that held it has crashed', () => {
    const h = new History();
    h.record({ kind: 'text', token: 't', writer: 'dead', writerName: 'DEAD' });
    h.observe([state('alsoDead', { text: 't' })]);
    expect(h.required(new Set(['a']))).toEqual([]);
    expect(h.required(new Set(['a', 'alsoDead']))).toHaveLength(1);
  });

  it('counts a KV value as held when a later put replaced it, directly or through a chain', () => {
    const h = new History();
    h.record({ kind: 'kv', key: 'k', value: 'v1', replaced: [], writer: 'a', writerName: 'A' });
    h.record({ kind: 'kv', key: 'k', value: 'v2', replaced: ['v1'], writer: 'b', writerName: 'B' });
    h.record({ kind: 'kv', key: 'k', value: 'v3', replaced: ['v2'], writer: 'a', writerName: 'A' });
    const s = { kv: { k: ['v3'] } };
    expect(divergence([state('a', s), state('b', s)], h)).toEqual([]);
    // Concurrent puts are siblings: a node showing only one of them lacks the other.
    h.record({ kind: 'kv', key: 'k', value: 'w', replaced: ['v2'], writer: 'b', writerName: 'B' });
    expect(divergence([state('a', { kv: { k: ['v3', 'w'] } }), state('b', { kv: { k: ['v3'] } })], h)).toEqual([
      'B (b) lacks 1: put k="w" by B (b)',
      'key "k" differs: A (a) has ["v3","w"]; B (b) has ["v3"]',
    ]);
  });

  it('checks only agreement after a delete', () => {
    const h = new History();
    h.record({ kind: 'text', token: 'gone', writer: 'a', writerName: 'A' });
    h.noteTextDelete();
    expect(divergence([state('a'), state('b')], h)).toEqual([]);
    expect(divergence([state('a', { text: 'x' }), state('b')], h)).toHaveLength(1);
  });
});

describe('violations', () => {
  const h = new History();
  h.record({ kind: 'chat', id: 'm1', text: 'm1', writer: 'a', writerName: 'A' });
  h.record({ kind: 'text', token: 'T\n', writer: 'a', writerName: 'A' });
  h.record({ kind: 'kv', key: 'k', value: 'v', replaced: [], writer: 'a', writerName: 'A' });

  it('finds duplicates, causal disorder and, for a complete history, phantoms', () => {
    const dup = state('a', { chat: [msg('m1', 'a', { a: 1 }), msg('m1', 'a', { a: 1 })] });
    expect(violations([dup], h, { causal: true, complete: false })).toEqual(['A (a) delivered m1 more than once']);
    const phantom = state('b', { text: 'T\nX', chat: [msg('zz', 'q', { q: 1 })], kv: { k: ['v', 'boo'] } });
    expect(violations([phantom], h, { causal: true, complete: false })).toEqual([]);
    expect(violations([phantom], h, { causal: true, complete: true })).toEqual([
      'B (b) holds what nobody wrote: chat "zz" (zz); k="boo"; text "X" that no insert wrote',
    ]);
    const disorder = state('c', { chat: [msg('m2', 'a', { a: 2 }), msg('m1', 'a', { a: 1 })] });
    expect(violations([disorder], h, { causal: true, complete: false })).toHaveLength(1);
    expect(violations([disorder], h, { causal: false, complete: false })).toEqual([]);
  });
});
