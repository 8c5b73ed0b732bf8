import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createAwarenessSync, decodeAwarenessUpdate, type AwarenessSync } from './awareness-sync.ts';
import { createRng } from './rng.ts';
import { createVirtualScheduler } from './sim/virtual-scheduler.ts';
import { FakeNetwork } from './testing/fake-transport.ts';
import { createYjsSync, type YjsSync } from './yjs-sync.ts';

interface Member {
  readonly id: string;
  readonly doc: Y.Doc;
  readonly sync: YjsSync;
  readonly presence: AwarenessSync;
  readonly errors: string[];
  broadcasts: number;
}

const COLOURS: Record<string, string> = { a: '#aa0000', b: '#00bb00', c: '#0000cc' };

function room(ids = ['a', 'b', 'c']) {
  const scheduler = createVirtualScheduler();
  const net = new FakeNetwork(createRng(5), { acrossCut: 'drop' });
  const members: Member[] = [];
  /** A new member, linked to everyone present. */
  const join = (id: string): Member => {
    const node = net.addNode(id);
    for (const other of members) net.link(other.id, id);
    const doc = new Y.Doc();
    doc.clientID = 0x7e000000 + members.length * 0x1357;
    const errors: string[] = [];
    const onError = (_source: string, code: string): void => void errors.push(code);
    const member = { id: node.id, doc, errors, broadcasts: 0 } as Omit<Member, 'sync' | 'presence'> as Member;
    const dissemination = {
      ...node.dissemination,
      broadcast: (...args: Parameters<typeof node.dissemination.broadcast>) => {
        if (args[0] === 'awareness') member.broadcasts += 1;
        return node.dissemination.broadcast(...args);
      },
    };
    const sync = createYjsSync({ self: node.id, doc, dissemination, neighbours: node.neighbours, onError });
    const presence = createAwarenessSync({ self: node.id, doc, dissemination, neighbours: node.neighbours, scheduler, onError, presence: { name: `name-${node.id}`, colour: COLOURS[node.id] ?? '#123456' } });
    members.push(Object.assign(member, { sync, presence }));
    return member;
  };
  /** Virtual time passes in half-second steps, delivering everything sent meanwhile. */
  const advance = (ms: number): void => {
    for (let t = 0; t < ms; t += 500) {
      scheduler.runFor(500);
      net.deliverAll();
    }
  };
  /** Delivers, and lets the answers to newcomers go out (a answers b, then b answers a...). */
  const settle = (): void => {
    for (let round = 0; round < 3; round++) {
      net.deliverAll();
      scheduler.runFor(0);
    }
    net.deliverAll();
  };
  ids.forEach(join);
  settle();
  return { net, scheduler, members, advance, join, settle };
}

const seen = (m: Member): string[] => m.presence.peers().map((p) => `${p.peer}:${p.name}:${p.colour}${p.local ? ':local' : ''}`);

afterEach(() => {
  vi.useRealTimers();
});

describe('awareness-sync', () => {
  it('shows every presence on every node', () => {
    const { net, members } = room();
    const [a, b] = members as [Member, Member];
    expect(seen(a)).toEqual(['a:name-a:#aa0000:local', 'b:name-b:#00bb00', 'c:name-c:#0000cc']);
    expect(seen(b)).toEqual(['a:name-a:#aa0000', 'b:name-b:#00bb00:local', 'c:name-c:#0000cc']);
    a.presence.setPresence({ name: 'Ada', colour: '#abcdef' });
    net.deliverAll();
    expect(seen(b)[0]).toBe('a:Ada:#abcdef');
    expect(members.flatMap((m) => m.errors)).toEqual([]);
  });

  it('shares cursors as relative positions, so they follow concurrent edits', () => {
    const { net, members } = room();
    const [a, b] = members as [Member, Member];
    a.sync.text().insert(0, 'hello world');
    net.deliverAll();
    a.presence.setCursor({ anchor: 6, head: 11 });
    net.deliverAll();
    expect(b.presence.peers()[0]?.cursor).toEqual({ anchor: 6, head: 11 });
    b.sync.text().insert(0, '>> ');
    net.deliverAll();
    expect(b.presence.peers()[0]?.cursor).toEqual({ anchor: 9, head: 14 });
    expect(a.presence.peers()[0]?.cursor).toEqual({ anchor: 9, head: 14 });
    a.presence.setCursor(null);
    net.deliverAll();
    expect(b.presence.peers()[0]?.cursor).toBeNull();
  });

  it('broadcasts only local changes and renewals, never remote updates', () => {
    const { net, members, advance } = room();
    const before = members.map((m) => m.broadcasts);
    advance(60_000);
    expect(members.map((m, i) => m.broadcasts - (before[i] ?? 0))).toEqual([4, 4, 4]);
    members[1]?.presence.setPresence({ name: 'Bo' });
    net.deliverAll();
    expect(members.map((m, i) => m.broadcasts - (before[i] ?? 0))).toEqual([4, 5, 4]);
    expect(seen(members[0] as Member)).toHaveLength(3);
  });

  it('removes a silent peer after the timeout, and shows it again once heard', () => {
    const { net, members, advance } = room();
    const [a, b, c] = members as [Member, Member, Member];
    advance(7_000);
    net.cut('a', 'c');
    net.cut('b', 'c');
    advance(10_000);
    expect(seen(a)).toHaveLength(3);
    advance(25_000);
    expect(a.presence.peers().map((p) => p.peer)).toEqual(['a', 'b']);
    expect(b.presence.peers().map((p) => p.peer)).toEqual(['a', 'b']);
    expect(c.presence.peers().map((p) => p.peer)).toEqual(['c']);
    net.heal('a', 'c');
    advance(16_000);
    expect(a.presence.peers().map((p) => p.peer)).toEqual(['a', 'b', 'c']);
    expect(c.presence.peers().map((p) => p.peer)).toEqual(['a', 'b', 'c']);
  });

  it('answers a newcomer at once instead of at the next renewal', () => {
    const { scheduler, advance, join, settle } = room(['a', 'b']);
    advance(5_000);
    const c = join('c');
    settle();
    expect(scheduler.now()).toBe(5_000);
    expect(seen(c)).toEqual(['a:name-a:#aa0000', 'b:name-b:#00bb00', 'c:name-c:#0000cc:local']);
  });

  it('sends its presence over each link that opens, so members that started before their links see each other at once', () => {
    const scheduler = createVirtualScheduler();
    // Ephemeral, as gossip sends presence: a broadcast with no link to carry it is gone.
    const net = new FakeNetwork(createRng(9), { acrossCut: 'drop' });
    const made = ['a', 'b', 'c'].map((id) => {
      const node = net.addNode(id);
      const presence = createAwarenessSync({ self: id, doc: new Y.Doc(), dissemination: node.dissemination, neighbours: node.neighbours, scheduler, onError: () => {}, presence: { name: `name-${id}`, colour: COLOURS[id] ?? '#123456' } });
      return { presence };
    });
    // Each announced itself with no link to carry it, as a tab does before its first link opens.
    net.deliverAll();
    for (const { presence } of made) expect(presence.peers()).toHaveLength(1);
    net.link('a', 'b');
    net.link('b', 'c');
    net.link('a', 'c');
    net.deliverAll();
    scheduler.runFor(0);
    net.deliverAll();
    expect(scheduler.now()).toBe(0);
    for (const { presence } of made) expect(presence.peers().map((p) => p.peer)).toEqual(['a', 'b', 'c']);
  });

  it('announces a departure on destroy', () => {
    const { net, members } = room();
    const [a, , c] = members as [Member, Member, Member];
    c.presence.destroy();
    net.deliverAll();
    expect(a.presence.peers().map((p) => p.peer)).toEqual(['a', 'b']);
  });

  it('leaves no real timer behind (y-protocols Awareness starts one)', () => {
    vi.useFakeTimers();
    const plain = new Awareness(new Y.Doc());
    expect(vi.getTimerCount()).toBe(1);
    plain.destroy();
    const net = new FakeNetwork(createRng(1));
    const node = net.addNode('a');
    const presence = createAwarenessSync({ self: 'a', doc: new Y.Doc(), dissemination: node.dissemination, neighbours: node.neighbours, scheduler: createVirtualScheduler(), onError: () => {}, presence: { name: 'a', colour: '#000000' } });
    expect(vi.getTimerCount()).toBe(0);
    presence.destroy();
  });

  it('rejects bad local presence', () => {
    const { members } = room(['a']);
    const a = members[0] as Member;
    expect(() => a.presence.setPresence({ colour: 'red' })).toThrow(TypeError);
    expect(() => a.presence.setPresence({ name: '' })).toThrow(TypeError);
    expect(() => a.presence.setCursor({ anchor: 0, head: 1 })).toThrow(RangeError);
    expect(seen(a)).toEqual(['a:name-a:#aa0000:local']);
  });
});

describe('awareness-sync rejects bad peer input', () => {
  const update = (entries: { client: number; clock: number; json: string }[], trailing: number[] = []): Uint8Array => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, entries.length);
    for (const { client, clock, json } of entries) {
      encoding.writeVarUint(e, client);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, json);
    }
    return Uint8Array.from([...encoding.toUint8Array(e), ...trailing]);
  };
  const good = JSON.stringify({ name: 'm', colour: '#101010', cursor: null });

  it('counts malformed, forged and oversized updates and changes nothing', () => {
    const { net, members } = room(['a', 'b']);
    const [a, b] = members as [Member, Member];
    const mallory = net.addNode('mallory');
    net.link('a', 'mallory');
    const bad = [
      update([{ client: 77, clock: 1, json: '{' }]),
      update([{ client: 77, clock: 1, json: JSON.stringify({ name: 'm', colour: 'red', cursor: null }) }]),
      update([{ client: 77, clock: 1, json: JSON.stringify({ name: 'm', colour: '#101010', cursor: { anchor: [1, 3, 102, 111, 111, 0], head: [] } }) }]),
      update([{ client: 77, clock: 1, json: good }], [0]),
      update([{ client: 77, clock: 1, json: JSON.stringify({ name: 'x'.repeat(5000), colour: '#101010', cursor: null }) }]),
      update([{ client: b.doc.clientID, clock: 99, json: good }]),
      update([{ client: a.doc.clientID, clock: 99, json: 'null' }]),
    ];
    for (const bytes of bad) mallory.dissemination.broadcast('awareness', bytes);
    net.deliverAll();
    // The same checks hold for an update sent point to point over a link.
    mallory.neighbours.send('a', 'awareness', update([{ client: b.doc.clientID, clock: 100, json: good }]));
    mallory.neighbours.send('a', 'awareness', update([{ client: 77, clock: 1, json: '{' }]));
    net.deliverAll();
    expect(a.errors.splice(-2).sort()).toEqual(['foreign-client', 'malformed']);
    expect([...a.errors].sort()).toEqual(['foreign-client', 'foreign-client', 'malformed', 'malformed', 'malformed', 'malformed', 'oversized']);
    expect(seen(a)).toEqual(['a:name-a:#aa0000:local', 'b:name-b:#00bb00']);

    const rng = createRng(41);
    const valid = encodeAwarenessUpdate(b.presence.awareness, [b.doc.clientID]);
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = i < valid.length ? valid.slice(0, i) : Uint8Array.from({ length: rng.int(40) }, () => rng.int(256));
      if (!decodeAwarenessUpdate(bytes).ok) rejected += 1;
      mallory.dissemination.broadcast('awareness', bytes);
      net.deliverAll();
    }
    expect(rejected, 'seed 41').toBeGreaterThan(1900);
    expect(a.errors.length - bad.length, 'seed 41').toBe(rejected);
    expect(a.errors, 'seed 41').not.toContain('handler-failed');
    expect(seen(a), 'seed 41').toEqual(['a:name-a:#aa0000:local', 'b:name-b:#00bb00']);
  });
});
