import { describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';
import { decodeHeartbeat, encodeHeartbeat, Membership } from './membership.ts';
import { SimNetwork } from './sim/sim-network.ts';

const CONFIG = {
  heartbeatMs: 200,
  membership: { suspectAfterMs: 800, deadAfterMs: 2000, forgetAfterMs: 5000, maxEntries: 256 },
};

/** The nodes reachable from `start` through edges that stay inside `group`. */
function component(net: SimNetwork, start: string, group: readonly string[]): string[] {
  const inside = new Set(group);
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const next of net.neighboursOf(stack.pop() as string)) {
      if (inside.has(next) && !seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return [...seen].sort();
}

describe('membership', () => {
  it('learns every member by gossip on a ring, where most members are not neighbours', () => {
    const net = new SimNetwork({ seed: 11, nodes: 10, topology: { kind: 'ring' }, config: CONFIG });
    net.run(3000);
    for (const id of net.ids()) expect(net.node(id).membership.alive(), `node ${id}`).toEqual(net.ids());
  });

  it('beats to the longest-waiting links, each every other beat at least, always to members not alive here, and greets a new link at once', () => {
    const net = new SimNetwork({ seed: 4, nodes: 9, config: { ...CONFIG, heartbeatFanout: 3 } });
    net.run(2000);
    const beatsFrom = (from: string, since: number) =>
      (net.journal?.events() ?? []).filter((e) => e.type === 'send' && e.kind === 'heartbeat' && e.node === from && e.t > since);
    const start = net.scheduler.now();
    net.run(CONFIG.heartbeatMs * 20);
    const sent = beatsFrom('n00', start);
    // A fanout of 3 is raised to 4 of the 8 links, so that each hears from n00 every other beat.
    expect(sent.length).toBe(80);
    const perPeer = new Map<string, number>();
    for (const e of sent) perPeer.set(e.peer, (perPeer.get(e.peer) ?? 0) + 1);
    expect([...perPeer.values()]).toEqual(Array(8).fill(10));
    for (const id of net.ids()) expect(net.node(id).membership.alive(), id).toEqual(net.ids());

    // A member that is suspected here hears every beat, so it can come back quickly.
    net.isolate('n05');
    net.run(CONFIG.membership.suspectAfterMs + CONFIG.heartbeatMs * 2);
    expect(net.node('n00').membership.status('n05')).not.toBe('alive');
    const cutAt = net.scheduler.now();
    net.run(CONFIG.heartbeatMs * 4);
    expect(beatsFrom('n00', cutAt).filter((e) => e.peer === 'n05').length).toBe(4);
    net.heal();
    net.run(CONFIG.heartbeatMs * 4);
    expect(net.node('n00').membership.status('n05')).toBe('alive');

    net.crash('n07');
    net.run(CONFIG.membership.deadAfterMs + CONFIG.heartbeatMs);
    const restartedAt = net.scheduler.now();
    net.restart('n07');
    net.run(CONFIG.heartbeatMs / 4);
    const greeted = (net.journal?.events() ?? []).filter((e) => e.t >= restartedAt && e.type === 'send' && e.kind === 'heartbeat' && e.peer === 'n07');
    expect(new Set(greeted.map((e) => e.node)).size).toBe(8);
  });

  it('keeps a star\'s leaves, whose only link is the hub, hearing from it: no false suspicion', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    const edges = ids.slice(1).map((leaf) => ['n00', leaf] as [string, string]);
    const net = new SimNetwork({ seed: 9, nodes: ids, topology: { kind: 'custom', edges }, config: { ...CONFIG, heartbeatFanout: 2 } });
    const suspicions: string[] = [];
    for (const id of ids) net.node(id).membership.onChange(() => {
      if (net.scheduler.now() > 2000 && net.node(id).membership.status('n00') !== 'alive' && id !== 'n00') suspicions.push(id);
    });
    net.run(20_000);
    expect(suspicions).toEqual([]);
    for (const id of ids) expect(net.node(id).membership.alive(), id).toEqual(ids);
  });

  it('converges to the same alive set on every node after a partition heals', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const net = new SimNetwork({ seed, nodes: 16, topology: { kind: 'regular', k: 4 }, config: CONFIG });
      net.run(2000);
      const ids = net.rng.shuffle(net.ids());
      const left = ids.slice(0, 7).sort();
      net.partition([left, ids.slice(7)]);
      net.run(4000);
      // On a sparse mesh a group can itself fall apart: each node sees its own component.
      for (const id of left) expect(net.node(id).membership.alive(), `seed ${seed}: ${id} during partition`).toEqual(component(net, id, left));
      net.heal();
      net.run(3000);
      for (const id of net.ids()) expect(net.node(id).membership.alive(), `seed ${seed}: ${id} after heal`).toEqual(net.ids());
    }
  });

  it('marks a crashed node suspected, then dead within the configured timeout, and alive again after restart', () => {
    for (const seed of [1, 2, 3]) {
      const net = new SimNetwork({ seed, nodes: 12, topology: { kind: 'regular', k: 4 }, config: CONFIG });
      net.run(2000);
      net.crash('n05');
      const crashedAt = net.scheduler.now();
      const others = net.ids().filter((id) => id !== 'n05');
      let deadEverywhereAt = Infinity;
      for (let t = 0; t < 10_000 && deadEverywhereAt === Infinity; t += 50) {
        net.run(50);
        if (others.every((id) => net.node(id).membership.status('n05') === 'dead')) deadEverywhereAt = net.scheduler.now();
      }
      // The last counter rise reached the far side of the mesh a few hops after the crash at most;
      // dead = deadAfterMs of silence, checked on each beat.
      // Each hop forwards the counter on its next beat, so the far side learned it up to
      // (hops + 1) beats late; this 12-node 4-regular mesh has a diameter of at most 4.
      const bound = CONFIG.membership.deadAfterMs + CONFIG.heartbeatMs * 5;
      expect(deadEverywhereAt - crashedAt, `seed ${seed}`).toBeLessThanOrEqual(bound);
      expect(deadEverywhereAt - crashedAt, `seed ${seed}`).toBeGreaterThan(CONFIG.membership.deadAfterMs - CONFIG.heartbeatMs * 4);
      net.restart('n05');
      net.run(2000);
      for (const id of others) expect(net.node(id).membership.status('n05'), `seed ${seed}: ${id}`).toBe('alive');
    }
  });

  it('forgets a dead member after forgetAfterMs, and does not resurrect it', () => {
    const net = new SimNetwork({ seed: 9, nodes: 6, config: CONFIG });
    net.run(1000);
    net.crash('n03');
    net.run(CONFIG.membership.deadAfterMs + CONFIG.membership.forgetAfterMs + 1000);
    for (const id of net.running()) expect(net.node(id).membership.get('n03'), id).toBeUndefined();
  });

  it('passes through the suspected state and notifies listeners', () => {
    let t = 0;
    const m = new Membership('a', 'A', { suspectAfterMs: 100, deadAfterMs: 300, forgetAfterMs: 1000, maxEntries: 10 }, () => t);
    let changes = 0;
    m.onChange(() => changes++);
    m.merge([{ id: 'b', name: 'B', heartbeat: 1, links: [] }]);
    expect(m.status('b')).toBe('alive');
    t = 150;
    m.sweep();
    expect(m.status('b')).toBe('suspected');
    m.merge([{ id: 'b', name: 'B', heartbeat: 1, links: [] }]);
    expect(m.status('b'), 'an old counter is no proof of life').toBe('suspected');
    t = 350;
    m.sweep();
    expect(m.status('b')).toBe('dead');
    m.merge([{ id: 'b', name: 'B', heartbeat: 2, links: [] }]);
    expect(m.status('b')).toBe('alive');
    expect(changes).toBe(4);
  });

  it('passes on only members it holds alive, so a newcomer never takes a suspected one for alive', () => {
    let t = 0;
    const config = { suspectAfterMs: 100, deadAfterMs: 300, forgetAfterMs: 1000, maxEntries: 10 };
    const a = new Membership('a', 'A', config, () => t);
    const all = (ids: string[]): string[] => ids;
    a.merge([
      { id: 'b', name: 'B', heartbeat: 1, links: [] },
      { id: 'c', name: 'C', heartbeat: 1, links: [] },
    ]);
    t = 150;
    a.merge([{ id: 'c', name: 'C', heartbeat: 2, links: [] }]);
    a.sweep();
    expect([a.status('b'), a.status('c')]).toEqual(['suspected', 'alive']);
    expect(a.entries(all).map((e) => e.id)).toEqual(['a', 'c']);
    const newcomer = new Membership('n', 'N', config, () => t);
    newcomer.merge(a.entries(all));
    expect(newcomer.status('b')).toBeUndefined();
    expect(newcomer.status('c')).toBe('alive');
  });

  it("does not count this node's own pause as the others' silence", () => {
    let t = 0;
    const m = new Membership('a', 'A', { suspectAfterMs: 100, deadAfterMs: 300, forgetAfterMs: 1000, maxEntries: 10 }, () => t);
    m.merge([{ id: 'b', name: 'B', heartbeat: 1, links: [] }]);
    for (t = 20; t <= 60; t += 20) m.sweep(20);
    // Nothing ran here from 80 to 560: b's heartbeats of that time may be waiting to be read.
    t = 560;
    m.sweep(20);
    expect(m.status('b'), '80 ms of silence outside the pause').toBe('alive');
    // After the pause, silence counts again: 120 ms, then 320 ms.
    t = 600;
    m.sweep(20);
    expect(m.status('b')).toBe('suspected');
    for (t = 620; t <= 800; t += 20) m.sweep(20);
    expect(m.status('b')).toBe('dead');
    // A member first heard after the pause gets no credit for it.
    m.merge([{ id: 'c', name: 'C', heartbeat: 1, links: [] }]);
    for (const end = t + 120; t < end; ) {
      t += 20;
      m.sweep(20);
    }
    expect(m.status('c')).toBe('suspected');
  });

  it('gossips a bounded random subset in large rooms', () => {
    const m = new Membership('a', 'A', { suspectAfterMs: 100, deadAfterMs: 300, forgetAfterMs: 1000, maxEntries: 5 }, () => 0);
    m.merge(Array.from({ length: 20 }, (_, i) => ({ id: `x${i}`, name: `X${i}`, heartbeat: 1, links: [] })));
    const rng = createRng(3);
    const sent = m.beat((ids, n) => rng.shuffle(ids).slice(0, n));
    expect(sent).toHaveLength(5);
    expect(sent[0]?.id).toBe('a');
  });

  it("shares every member's links, so each node can draw the whole mesh", () => {
    const net = new SimNetwork({ seed: 12, nodes: 8, topology: { kind: 'ring' }, config: CONFIG });
    net.run(3000);
    const seenFrom = net.node('n00').membership;
    for (const id of net.ids()) expect(seenFrom.get(id)?.links, `n00's view of ${id}`).toEqual(net.neighboursOf(id).sort());
  });

  it('writes links to members in the same table as positions, and reads them back as ids', () => {
    const entries = [
      { id: 'node-a', name: 'Ann', heartbeat: 3, links: ['node-b', 'elsewhere'] },
      { id: 'node-b', name: 'Bo', heartbeat: 7, links: ['node-a'] },
    ];
    expect(decodeHeartbeat(encodeHeartbeat({ fingerprint: 0xdeadbeef, entries }), 10)).toEqual({ ok: true, value: { fingerprint: 0xdeadbeef, entries } });
    // A room of nine, each member linked to the other eight (bench:idle's room): one data-channel packet (about 1.2 KB).
    const ids = Array.from({ length: 9 }, (_, i) => `u86q7kp7apa${i}`);
    const room = ids.map((id, i) => ({ id, name: `Amber Fox ${i}`, heartbeat: 12_345, links: ids.filter((x) => x !== id) }));
    const bytes = encodeHeartbeat({ fingerprint: 1, entries: room });
    expect(bytes.length).toBeLessThan(400);
    expect(decodeHeartbeat(bytes, 10)).toEqual({ ok: true, value: { fingerprint: 1, entries: room } });
  });

  it('refuses a link to a position past the table', () => {
    // Fingerprint 7 (four bytes, little-endian), one entry "a", named "A", counter 1, one link to position 2 (the table has one).
    const bytes = Uint8Array.of(7, 0, 0, 0, 1, 1, 97, 1, 65, 1, 1, 2);
    expect(decodeHeartbeat(bytes, 10)).toMatchObject({ ok: false, error: { code: 'malformed', message: 'heartbeat link to entry 2 of 1' } });
    expect(decodeHeartbeat(Uint8Array.of(7, 0, 0, 0, 1, 1, 97, 1, 65, 1, 1, 1), 10)).toEqual({
      ok: true,
      value: { fingerprint: 7, entries: [{ id: 'a', name: 'A', heartbeat: 1, links: ['a'] }] },
    });
  });

  it('rejects malformed heartbeats without throwing', () => {
    const rng = createRng(42);
    const entries = [{ id: 'a', name: 'Ann', heartbeat: 3, links: ['b', 'c'] }];
    const valid = encodeHeartbeat({ fingerprint: 2 ** 32 - 1, entries });
    expect(decodeHeartbeat(valid, 10)).toEqual({ ok: true, value: { fingerprint: 2 ** 32 - 1, entries } });
    for (let i = 0; i < valid.length; i++) expect(decodeHeartbeat(valid.slice(0, i), 10).ok, `truncated at ${i}`).toBe(false);
    for (let i = 0; i < 5000; i++) {
      const bytes = Uint8Array.from({ length: rng.int(40) }, () => rng.int(256));
      const d = decodeHeartbeat(bytes, 10);
      if (d.ok) for (const e of d.value.entries) expect(typeof e.id).toBe('string');
    }
  });
});
