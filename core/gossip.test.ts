import { describe, expect, it } from 'vitest';
import { encodeDigest, fingerprint } from './digest.ts';
import { SimNetwork } from './sim/sim-network.ts';

const CONFIG = { heartbeatMs: 200, gossip: { fanout: 2, maxHops: 32, antiEntropyMs: 300, maxBatch: 256, ephemeralMemory: 64 } };

function collect(net: SimNetwork) {
  const got = new Map<string, string[]>(net.ids().map((id) => [id, []]));
  for (const id of net.ids()) net.node(id).gossip.onBroadcast('chat', (m) => got.get(id)?.push(m.id));
  return got;
}

describe('gossip', () => {
  it('delivers each broadcast exactly once per node despite duplication', () => {
    const net = new SimNetwork({ seed: 3, nodes: 20, topology: { kind: 'regular', k: 4 }, config: CONFIG });
    const got = collect(net);
    net.run(300);
    net.setAllFaults({ duplicate: 0.5, jitterMs: 30 });
    for (let i = 0; i < 10; i++) net.node(`n0${i}`).gossip.broadcast('chat', new Uint8Array([i]));
    net.run(3000);
    for (const [id, list] of got) {
      expect(list.length, id).toBe(10);
      expect(new Set(list).size, id).toBe(10);
    }
    const duplicates = net.ids().reduce((n, id) => n + net.node(id).gossip.stats.duplicates, 0);
    expect(duplicates).toBeGreaterThan(0);
  });

  it('relays leave out the neighbours the origin pushed to: a full mesh costs one message per node', () => {
    const net = new SimNetwork({ seed: 5, nodes: 8, config: CONFIG });
    const got = collect(net);
    // Heartbeats first, so every node knows every other node's links.
    net.run(1000);
    const sent = (): number => (net.journal?.events() ?? []).filter((e) => e.type === 'send' && e.kind === 'chat').length;
    net.node('n03').gossip.broadcast('chat', new Uint8Array([1]));
    net.run(200);
    for (const [id, list] of got) expect(list, id).toEqual(['n03:1']);
    expect(sent()).toBe(7);
    const pruned = net.ids().reduce((n, id) => n + net.node(id).gossip.stats.pruned, 0);
    expect(pruned).toBe(7 * 6);
  });

  it('in a partial mesh no relay sends a broadcast to a neighbour of its origin, and all still arrives', () => {
    const net = new SimNetwork({ seed: 13, nodes: 24, topology: { kind: 'regular', k: 6 }, config: CONFIG });
    const got = collect(net);
    net.run(1500);
    const since = net.scheduler.now();
    for (const id of net.ids()) net.node(id).gossip.broadcast('chat', new Uint8Array([1]));
    net.run(3000);
    for (const [id, list] of got) expect(list.length, id).toBe(24);
    const sends = (net.journal?.events() ?? []).filter((e) => e.t >= since && e.type === 'send' && e.kind === 'chat');
    const originOf = (msgId: string): string => msgId.slice(0, msgId.indexOf(':'));
    const redundant = sends.filter((e) => e.node !== originOf(e.msgId) && net.neighboursOf(originOf(e.msgId)).includes(e.peer));
    expect(redundant).toEqual([]);
    // Relays still carry the broadcast to the nodes two hops out.
    expect(sends.some((e) => e.node !== originOf(e.msgId))).toBe(true);
  });

  it('push alone (no anti-entropy) stops at the hop limit', () => {
    const net = new SimNetwork({
      seed: 1,
      nodes: 10,
      topology: { kind: 'ring' },
      config: { heartbeatMs: 1e9, gossip: { fanout: 2, maxHops: 3, antiEntropyMs: 1e9, maxBatch: 256, ephemeralMemory: 64 } },
    });
    const got = collect(net);
    net.run(10);
    net.node('n00').gossip.broadcast('chat', new Uint8Array([1]));
    net.run(1000);
    // Hops 0, 1, 2 are sent: three nodes each way around the ring, plus the origin.
    expect([...got.values()].filter((l) => l.length === 1).length).toBe(7);
  });

  it('anti-entropy repairs what a partition kept from one side, after heal', () => {
    const net = new SimNetwork({ seed: 8, nodes: 8, config: CONFIG });
    const got = collect(net);
    net.run(300);
    net.partition([['n00', 'n01', 'n02', 'n03'], ['n04', 'n05', 'n06', 'n07']]);
    for (let i = 0; i < 30; i++) net.node(`n0${i % 8}`).gossip.broadcast('chat', new Uint8Array([i]));
    net.run(2000);
    expect(got.get('n00')?.length).toBeLessThan(30);
    net.heal();
    net.run(2000);
    for (const [id, list] of got) expect(list.length, id).toBe(30);
    const repaired = net.ids().reduce((n, id) => n + net.node(id).gossip.stats.repaired, 0);
    expect(repaired).toBeGreaterThan(0);
  });

  it('does not repair ephemeral messages lost to a cut', () => {
    const net = new SimNetwork({ seed: 2, nodes: 4, config: CONFIG });
    const seen = new Map<string, number>(net.ids().map((id) => [id, 0]));
    for (const id of net.ids()) net.node(id).gossip.onBroadcast('awareness', () => seen.set(id, (seen.get(id) ?? 0) + 1));
    net.run(300);
    net.isolate('n03');
    net.node('n00').gossip.broadcast('awareness', new Uint8Array([1]), { ephemeral: true });
    net.run(500);
    net.heal();
    net.run(2000);
    expect(seen.get('n01')).toBe(1);
    expect(seen.get('n03')).toBe(0);
  });

  it('digests are version vectors with gaps', () => {
    const net = new SimNetwork({ seed: 1, nodes: 2, config: CONFIG });
    const g = net.node('n00').gossip;
    for (let i = 0; i < 3; i++) g.broadcast('chat', new Uint8Array([i]));
    expect(g.digest().high.get('n00')).toBe(3);
    expect(g.has('n00', 3)).toBe(true);
    expect(g.has('n00', 4)).toBe(false);
  });

  it('counts malformed digests and forged ids instead of throwing', () => {
    const net = new SimNetwork({ seed: 1, nodes: 2, config: CONFIG });
    const node = net.node('n00');
    node.gossip.receiveControl('n01', new Uint8Array([9, 9, 9]));
    node.gossip.receiveControl('n01', encodeDigest('request', { high: new Map([['n01', 1]]), extra: new Map() }).slice(0, 3));
    node.gossip.receive('n01', { id: 'n01:7', origin: 'n01', kind: 'chat', seq: 8, hops: 0, payload: new Uint8Array() });
    expect(node.errors.totals()).toEqual({ 'gossip:malformed': 2, 'gossip:bad-id': 1 });
  });

  it('batching sends fewer, larger messages and still delivers everything', () => {
    const counts = (batchMs: number) => {
      const net = new SimNetwork({ seed: 6, nodes: 10, topology: { kind: 'regular', k: 4 }, journal: false, config: { heartbeatMs: 1e9, gossip: { batchMs, antiEntropyMs: 1e9, fanout: 4 } } });
      const got = collect(net);
      net.run(10);
      for (let i = 0; i < 50; i++) {
        net.node(`n0${i % 10}`).gossip.broadcast('chat', new Uint8Array([i]));
        net.run(5);
      }
      net.run(1000);
      let messages = 0;
      for (const id of net.ids()) for (const { link } of net.node(id).allLinks()) messages += link.counters().out.sent;
      return { messages, delivered: [...got.values()].map((l) => l.length) };
    };
    const plain = counts(0);
    const batched = counts(50);
    expect(plain.delivered.every((n) => n === 50)).toBe(true);
    expect(batched.delivered.every((n) => n === 50)).toBe(true);
    expect(batched.messages).toBeLessThan(plain.messages / 3);
  });

  it('fingerprints the set of broadcasts held, not how it was reached', () => {
    const of = (high: [string, number][], extra: [string, number[]][] = []): number => fingerprint({ high: new Map(high), extra: new Map(extra) });
    expect(of([['a', 3], ['b', 1]])).toBe(of([['b', 1], ['a', 3]]));
    expect(of([['a', 3]], [['a', [7, 5]]])).toBe(of([['a', 3]], [['a', [5, 7]]]));
    // One broadcast more or less, a gap filled, an origin renamed: each a different fingerprint.
    const base = of([['a', 3], ['b', 1]]);
    for (const other of [of([['a', 4], ['b', 1]]), of([['a', 3], ['b', 1]], [['a', [5]]]), of([['a', 3], ['c', 1]]), of([['a', 3]])]) expect(other).not.toBe(base);
    expect(of([])).toBe(of([['a', 0]], [['b', []]]));
  });

  it('anti-entropy sends no digest while every neighbour has announced our fingerprint, and still repairs a loss', () => {
    const net = new SimNetwork({ seed: 4, nodes: 5, config: CONFIG });
    const got = collect(net);
    net.run(1000);
    net.node('n00').gossip.broadcast('chat', new Uint8Array([1]));
    net.run(1000);
    const digests = (): number => net.ids().reduce((n, id) => n + net.node(id).gossip.stats.digests, 0);
    const before = digests();
    net.run(5000);
    // In step: 5 nodes x 16 rounds, not one digest.
    expect(digests()).toBe(before);
    expect(net.ids().every((id) => net.node(id).gossip.stats.inStep > 0)).toBe(true);

    // n04 misses a broadcast (its only copy dropped); nothing else happens in the room.
    net.setFaults('n01', 'n04', { drop: 1 }, 'out');
    net.node('n01').gossip.broadcast('chat', new Uint8Array([2]));
    net.run(50);
    net.setFaults('n01', 'n04', { drop: 0 }, 'out');
    expect(got.get('n04')).toEqual(['n00:1']);
    net.run(3000);
    for (const [id, list] of got) expect(list, id).toEqual(['n00:1', 'n01:1']);
    expect(digests()).toBeGreaterThan(before);
  });

  it('rejects a malformed batch and counts it', () => {
    const net = new SimNetwork({ seed: 1, nodes: 2, config: CONFIG });
    net.node('n00').gossip.receiveControl('n01', new Uint8Array([3, 5, 1]));
    expect(net.node('n00').errors.totals()).toEqual({ 'gossip:malformed': 1 });
  });
});

