import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from './codec.ts';
import { receiveLamport, tickLamport, type Lamport } from './lamport.ts';
import { createRng } from './rng.ts';
import { createSimWire } from './sim/sim-link.ts';
import { createVirtualScheduler } from './sim/virtual-scheduler.ts';
import { compare, dominates, emptyClock, isVectorClock, merge, normalise, tick, type VectorClock } from './vector-clock.ts';

/** Few node ids, so clocks overlap; two of them are Object.prototype names, which peers may well pick. */
const NODES = ['a', 'b', 'c', 'd', 'constructor', '__proto__'];
const clockArb: fc.Arbitrary<VectorClock> = fc.dictionary(fc.constantFrom(...NODES), fc.nat({ max: 6 }), { maxKeys: NODES.length });
const nodeArb = fc.constantFrom(...NODES);
const same = (a: VectorClock, b: VectorClock): boolean => compare(a, b) === 'equal';
const opts = (seed: number) => ({ seed, numRuns: 300 });

const own = (c: VectorClock, id: string): number => (Object.hasOwn(c, id) ? (c[id] ?? 0) : 0);

/** The textbook definition, over the union of ids. */
function referenceCompare(a: VectorClock, b: VectorClock): string {
  const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
  const le = [...ids].every((id) => own(a, id) <= own(b, id));
  const ge = [...ids].every((id) => own(a, id) >= own(b, id));
  return le && ge ? 'equal' : le ? 'before' : ge ? 'after' : 'concurrent';
}

describe('vector clock algebra', () => {
  it('merge is commutative', () => {
    fc.assert(fc.property(clockArb, clockArb, (a, b) => same(merge(a, b), merge(b, a))), opts(301));
  });

  it('merge is associative', () => {
    fc.assert(fc.property(clockArb, clockArb, clockArb, (a, b, c) => same(merge(merge(a, b), c), merge(a, merge(b, c)))), opts(302));
  });

  it('merge is idempotent', () => {
    fc.assert(fc.property(clockArb, (a) => same(merge(a, a), a) && same(merge(merge(a, a), a), a)), opts(303));
  });

  it('merge dominates both inputs and is the least clock that does', () => {
    fc.assert(
      fc.property(clockArb, clockArb, clockArb, (a, b, c) => {
        const m = merge(a, b);
        expect(dominates(m, a) && dominates(m, b), JSON.stringify({ a, b, m })).toBe(true);
        // Any clock above both is above the merge.
        if (dominates(c, a) && dominates(c, b)) expect(dominates(c, m)).toBe(true);
      }),
      opts(304),
    );
  });

  it('merge keeps Object.prototype-named entries', () => {
    const b = JSON.parse('{"__proto__": 3, "constructor": 2}') as VectorClock;
    expect(normalise(merge({}, b))).toEqual(normalise(b));
    expect(Object.keys(merge({}, b)).sort()).toEqual(['__proto__', 'constructor']);
  });

  it('compare matches the pointwise definition', () => {
    fc.assert(fc.property(clockArb, clockArb, (a, b) => compare(a, b) === referenceCompare(a, b)), opts(305));
  });

  it('compare is antisymmetric: before one way iff after the other; equal and concurrent are symmetric', () => {
    const flip = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' } as const;
    fc.assert(fc.property(clockArb, clockArb, (a, b) => compare(b, a) === flip[compare(a, b)]), opts(306));
  });

  it('compare is reflexive and transitive on before', () => {
    fc.assert(
      fc.property(clockArb, clockArb, clockArb, (a, b, c) => {
        expect(compare(a, a)).toBe('equal');
        if (compare(a, b) === 'before' && compare(b, c) === 'before') expect(compare(a, c)).toBe('before');
      }),
      opts(307),
    );
  });

  it('tick makes a clock strictly after the original and touches one entry', () => {
    fc.assert(
      fc.property(clockArb, nodeArb, (a, node) => {
        const t = tick(a, node);
        expect(compare(t, a), JSON.stringify({ a, node })).toBe('after');
        expect(compare(a, t)).toBe('before');
        expect(own(t, node)).toBe(own(a, node) + 1);
        for (const other of NODES) if (other !== node) expect(own(t, other), other).toBe(own(a, other));
      }),
      opts(308),
    );
  });

  it('tick of a node named after an Object.prototype member counts from 0', () => {
    expect(tick(emptyClock, 'constructor')).toEqual({ constructor: 1 });
    expect(compare({ constructor: 1 }, emptyClock)).toBe('after');
    expect(compare(emptyClock, { toString: 2 })).toBe('before');
  });

  it('normalise keeps compare equal, drops zeros, sorts keys, and is idempotent', () => {
    fc.assert(
      fc.property(clockArb, clockArb, (a, b) => {
        const n = normalise(a);
        expect(compare(n, a)).toBe('equal');
        expect(compare(n, b)).toBe(compare(a, b));
        expect(Object.values(n).every((v) => v > 0)).toBe(true);
        expect(Object.keys(n)).toEqual(Object.keys(n).slice().sort());
        expect(normalise(n)).toEqual(n);
        // Equal clocks serialise identically once normalised.
        if (compare(a, b) === 'equal') expect(JSON.stringify(normalise(b))).toBe(JSON.stringify(n));
      }),
      opts(309),
    );
  });

  it('isVectorClock accepts clocks and rejects everything else', () => {
    fc.assert(fc.property(clockArb, (a) => isVectorClock(a)), opts(310));
    for (const bad of [null, undefined, 3, 'a', [], [1], { a: -1 }, { a: 1.5 }, { a: '1' }, { a: Number.NaN }, { a: 2 ** 53 }]) {
      expect(isVectorClock(bad), JSON.stringify(bad) ?? String(bad)).toBe(false);
    }
  });
});

describe('Lamport clock', () => {
  it('ticks by one and receives past both clocks', () => {
    expect(tickLamport(0)).toBe(1);
    expect(receiveLamport(3, 9)).toBe(10);
    expect(receiveLamport(9, 3)).toBe(10);
    expect(receiveLamport(4, 4)).toBe(5);
  });
});

interface HistoryEvent {
  readonly node: number;
  readonly vc: VectorClock;
  readonly lamport: Lamport;
  /** Index of the previous event on the same node, or -1. */
  readonly prev: number;
  /** Index of the matching send for a receive, or -1. */
  readonly from: number;
}

/**
 * A random message-passing run over simulated wires: each step one node performs a local event,
 * sends to a random peer, or takes the oldest message from its inbox. Messages travel as real
 * envelopes through the codec, carrying the sender's clocks.
 */
function simulate(seed: number, steps: number): HistoryEvent[] {
  const rng = createRng(seed);
  const scheduler = createVirtualScheduler();
  const n = 4 + rng.int(3);
  const ids = Array.from({ length: n }, (_, i) => `n${i}`);
  const events: HistoryEvent[] = [];
  const nodes = ids.map(() => ({ vc: emptyClock, lamport: 0, last: -1, inbox: [] as Uint8Array[] }));
  const links = ids.map(() => new Map<number, { send(bytes: Uint8Array): boolean }>());
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const [a, b] = createSimWire(scheduler, ids[i] as string, ids[j] as string, 1 + rng.int(8));
      links[i]?.set(j, a);
      links[j]?.set(i, b);
      a.onMessage((bytes) => nodes[i]?.inbox.push(bytes));
      b.onMessage((bytes) => nodes[j]?.inbox.push(bytes));
    }
  }
  scheduler.runFor(10);
  const record = (i: number, vc: VectorClock, lamport: Lamport, from: number): number => {
    const node = nodes[i] as (typeof nodes)[number];
    events.push({ node: i, vc, lamport, prev: node.last, from });
    node.vc = vc;
    node.lamport = lamport;
    node.last = events.length - 1;
    return node.last;
  };
  for (let step = 0; step < steps; step++) {
    scheduler.runFor(rng.int(4));
    const i = rng.int(n);
    const node = nodes[i] as (typeof nodes)[number];
    const roll = rng.next();
    if (roll < 0.4 && node.inbox.length > 0) {
      const decoded = decodeEnvelope(node.inbox.shift() as Uint8Array);
      if (!decoded.ok) throw new Error(`seed ${seed}: undecodable message: ${decoded.error.message}`);
      const env = decoded.value;
      record(i, tick(merge(node.vc, env.vc), ids[i] as string), receiveLamport(node.lamport, env.lamport), Number(env.id));
    } else if (roll < 0.75) {
      const to = (i + 1 + rng.int(n - 1)) % n;
      const e = record(i, tick(node.vc, ids[i] as string), tickLamport(node.lamport), -1);
      const ev = events[e] as HistoryEvent;
      const env = { id: String(e), origin: ids[i] as string, sender: ids[i] as string, kind: 'trace' as const, seq: 0, hops: 0, lamport: ev.lamport, vc: ev.vc, payload: new Uint8Array() };
      if (!links[i]?.get(to)?.send(encodeEnvelope(env))) throw new Error(`seed ${seed}: link n${i}->n${to} refused a send`);
    } else {
      record(i, tick(node.vc, ids[i] as string), tickLamport(node.lamport), -1);
    }
  }
  return events;
}

/** Strict happened-before as bitsets: ancestors[e] holds every event with a path to e. */
function happenedBefore(events: readonly HistoryEvent[]): (a: number, b: number) => boolean {
  const words = Math.ceil(events.length / 32);
  const ancestors = events.map(() => new Uint32Array(words));
  events.forEach((e, i) => {
    const own = ancestors[i] as Uint32Array;
    for (const p of [e.prev, e.from]) {
      if (p < 0) continue;
      const inherited = ancestors[p] as Uint32Array;
      for (let w = 0; w < words; w++) own[w] = (own[w] as number) | (inherited[w] as number);
      own[p >> 5] = (own[p >> 5] as number) | (1 << (p & 31));
    }
  });
  return (a, b) => (((ancestors[b] as Uint32Array)[a >> 5] as number) & (1 << (a & 31))) !== 0;
}

describe('vector clocks on simulated histories', () => {
  it('compare agrees with happened-before, and Lamport times respect it, over 50 seeded runs', () => {
    let receives = 0;
    let concurrentPairs = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const events = simulate(seed, 200);
      const hb = happenedBefore(events);
      receives += events.filter((e) => e.from >= 0).length;
      // Unordered pairs suffice: compare's antisymmetry is a property tested above.
      for (let a = 0; a < events.length; a++) {
        const ea = events[a] as HistoryEvent;
        for (let b = a + 1; b < events.length; b++) {
          const eb = events[b] as HistoryEvent;
          const truth = hb(a, b) ? 'before' : hb(b, a) ? 'after' : 'concurrent';
          const got = compare(ea.vc, eb.vc);
          if (got !== truth) throw new Error(`seed ${seed}: events ${a} (n${ea.node}) and ${b} (n${eb.node}): compare says ${got}, history says ${truth}`);
          if (truth === 'before' && !(ea.lamport < eb.lamport)) throw new Error(`seed ${seed}: ${a} happened before ${b} but Lamport ${ea.lamport} >= ${eb.lamport}`);
          if (truth === 'after' && !(eb.lamport < ea.lamport)) throw new Error(`seed ${seed}: ${b} happened before ${a} but Lamport ${eb.lamport} >= ${ea.lamport}`);
          if (truth === 'concurrent') concurrentPairs += 1;
        }
      }
    }
    // The runs must exercise both relations, or the agreement above says little.
    expect(receives, 'receive events over all runs').toBeGreaterThan(50 * 30);
    expect(concurrentPairs, 'concurrent pairs over all runs').toBeGreaterThan(50 * 1000);
  });
});
