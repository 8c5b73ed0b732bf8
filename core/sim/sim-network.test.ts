import { describe, expect, it } from 'vitest';
import { SimNetwork } from './sim-network.ts';

const FAST = {
  heartbeatMs: 200,
  membership: { suspectAfterMs: 800, deadAfterMs: 2000, forgetAfterMs: 60_000, maxEntries: 256 },
};

function scripted(seed: number) {
  const net = new SimNetwork({ seed, nodes: 12, topology: { kind: 'regular', k: 4 }, config: FAST });
  net.run(500);
  net.setAllFaults({ drop: 0.2, jitterMs: 50, duplicate: 0.1, reorder: 0.1 });
  const ids = net.ids();
  for (let i = 0; i < 20; i++) {
    net.node(ids[i % ids.length] as string).gossip.broadcast('chat', new Uint8Array([i]));
    net.run(100);
    if (i === 5) net.partition([ids.slice(0, 6), ids.slice(6)]);
    if (i === 10) net.crash(ids[3] as string);
    if (i === 15) {
      net.heal();
      net.restart(ids[3] as string);
    }
  }
  net.run(3000);
  return net;
}

describe('simulated network', () => {
  it('the same seed gives an identical journal, byte for byte', () => {
    for (const seed of [1, 2, 3]) {
      const a = JSON.stringify(scripted(seed).journal?.events());
      const b = JSON.stringify(scripted(seed).journal?.events());
      expect(a.length, `seed ${seed}`).toBeGreaterThan(10_000);
      expect(a === b, `seed ${seed}: journals differ`).toBe(true);
    }
  });

  it('different seeds give different runs', () => {
    expect(JSON.stringify(scripted(1).journal?.events())).not.toBe(JSON.stringify(scripted(2).journal?.events()));
  });

  it('builds the requested topologies', () => {
    const ring = new SimNetwork({ seed: 1, nodes: 6, topology: { kind: 'ring' } });
    expect(ring.edges).toHaveLength(6);
    for (const id of ring.ids()) expect(ring.neighboursOf(id)).toHaveLength(2);
    const full = new SimNetwork({ seed: 1, nodes: 5 });
    expect(full.edges).toHaveLength(10);
    const regular = new SimNetwork({ seed: 7, nodes: 20, topology: { kind: 'regular', k: 8 } });
    for (const id of regular.ids()) expect(regular.neighboursOf(id), `seed 7 node ${id}`).toHaveLength(8);
    const custom = new SimNetwork({ seed: 1, nodes: ['a', 'b', 'c'], topology: { kind: 'custom', edges: [['a', 'b']] } });
    expect(custom.neighboursOf('c')).toEqual([]);
    expect(() => new SimNetwork({ seed: 1, nodes: 5, topology: { kind: 'regular', k: 3 } })).toThrow(RangeError);
    expect(() => new SimNetwork({ seed: 1, nodes: ['a', 'b'], topology: { kind: 'custom', edges: [['a', 'x']] } })).toThrow(RangeError);
  });

  it('a partition stops traffic across it and heal restores it', () => {
    const net = new SimNetwork({ seed: 4, nodes: 6, config: FAST });
    net.run(300);
    net.partition([['n00', 'n01', 'n02'], ['n03', 'n04', 'n05']]);
    const got = new Set<string>();
    net.node('n04').gossip.onBroadcast('chat', (m) => got.add(m.id));
    const m = net.node('n00').gossip.broadcast('chat', new Uint8Array([1]));
    net.run(3000);
    expect(got.has(m.id)).toBe(false);
    expect(net.node('n00').link('n04')?.counters().out.dropped).toBeGreaterThan(0);
    net.heal();
    net.run(3000);
    expect(got.has(m.id)).toBe(true);
  });

  it('isolate cuts one node off from every other', () => {
    const net = new SimNetwork({ seed: 5, nodes: 5, config: FAST });
    net.run(300);
    net.isolate('n02');
    net.run(3000);
    expect(net.node('n02').membership.alive()).toEqual(['n02']);
    expect(net.node('n00').membership.alive()).toEqual(['n00', 'n01', 'n03', 'n04']);
  });
});
