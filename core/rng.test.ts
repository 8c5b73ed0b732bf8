import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from './rng.ts';

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe('createRng', () => {
  it('repeats the same stream for the same seed, across every method', () => {
    const run = (seed: number): unknown[] => {
      const rng = createRng(seed);
      return [draw(rng, 50), rng.int(1000), rng.chance(0.5), rng.pick(['x', 'y', 'z']), rng.shuffle([1, 2, 3, 4, 5]), draw(rng.fork(), 5)];
    };
    for (const seed of [0, 1, 42, 0xffffffff, -7]) expect(run(seed), `seed ${seed}`).toEqual(run(seed));
  });

  it('gives different seeds different streams', () => {
    const streams = new Set([0, 1, 2, 3, 1000, 0xffffffff].map((seed) => draw(createRng(seed), 4).join(',')));
    expect(streams.size).toBe(6);
  });

  it('stays in [0, 1) with a roughly uniform mean', () => {
    const seed = 7;
    const values = draw(createRng(seed), 20_000);
    expect(values.every((v) => v >= 0 && v < 1), `seed ${seed}`).toBe(true);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.5), `seed ${seed}, mean ${mean}`).toBeLessThan(0.01);
  });

  it('int(n) returns integers in [0, n) and reaches every value', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 40 }), (seed, n) => {
        const rng = createRng(seed);
        const seen = new Set<number>();
        for (let i = 0; i < 60 * n; i++) {
          const v = rng.int(n);
          if (!Number.isInteger(v) || v < 0 || v >= n) throw new Error(`seed ${seed}: int(${n}) gave ${v}`);
          seen.add(v);
        }
        expect(seen.size, `seed ${seed}, n ${n}`).toBe(n);
      }),
      { seed: 1101, numRuns: 100 },
    );
  });

  it('int handles a range as wide as 2^32', () => {
    const seed = 3;
    const rng = createRng(seed);
    for (let i = 0; i < 1000; i++) {
      const v = rng.int(2 ** 32);
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32, `seed ${seed}: ${v}`).toBe(true);
    }
  });

  it('chance(0) is never true, chance(1) always, chance(p) about p of the time', () => {
    const seed = 99;
    const rng = createRng(seed);
    let zeroHits = 0;
    let oneMisses = 0;
    for (let i = 0; i < 10_000; i++) {
      if (rng.chance(0)) zeroHits += 1;
      if (!rng.chance(1)) oneMisses += 1;
    }
    expect({ zeroHits, oneMisses }, `seed ${seed}`).toEqual({ zeroHits: 0, oneMisses: 0 });
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (rng.chance(0.25)) hits += 1;
    expect(Math.abs(hits / 10_000 - 0.25), `seed ${seed}, ${hits} hits`).toBeLessThan(0.02);
  });

  it('chance(0) consumes nothing, so a fault-free setting leaves the stream untouched', () => {
    const a = createRng(5);
    const b = createRng(5);
    for (let i = 0; i < 10; i++) a.chance(0);
    expect(draw(a, 5)).toEqual(draw(b, 5));
  });

  it('shuffle returns a permutation and leaves its input alone', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 30 }), (seed, items) => {
        const before = items.slice();
        const out = createRng(seed).shuffle(items);
        expect(items, `seed ${seed}`).toEqual(before);
        expect(out, `seed ${seed}`).not.toBe(items);
        expect(out.slice().sort((x, y) => x - y), `seed ${seed}`).toEqual(before.sort((x, y) => x - y));
      }),
      { seed: 1102, numRuns: 200 },
    );
  });

  it('shuffle reaches every order of three items', () => {
    const seed = 11;
    const rng = createRng(seed);
    const orders = new Set<string>();
    for (let i = 0; i < 600; i++) orders.add(rng.shuffle(['a', 'b', 'c']).join(''));
    expect(orders.size, `seed ${seed}`).toBe(6);
  });

  it('pick returns a member and refuses an empty array', () => {
    const seed = 12;
    const rng = createRng(seed);
    const items = ['p', 'q', 'r'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(rng.pick(items));
    expect([...seen].sort(), `seed ${seed}`).toEqual(['p', 'q', 'r']);
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});

describe('fork', () => {
  it('is deterministic: the same parent state forks the same child', () => {
    const a = createRng(21);
    const b = createRng(21);
    expect(draw(a.fork(), 20)).toEqual(draw(b.fork(), 20));
    expect(draw(a.fork(), 20)).toEqual(draw(b.fork(), 20));
  });

  it("gives a child a stream unlike its parent's and its siblings'", () => {
    const seed = 22;
    const parent = createRng(seed);
    const first = draw(parent.fork(), 20);
    const second = draw(parent.fork(), 20);
    const rest = draw(parent, 20);
    expect(first, `seed ${seed}`).not.toEqual(second);
    expect(first, `seed ${seed}`).not.toEqual(rest);
    expect(second, `seed ${seed}`).not.toEqual(rest);
  });

  it("does not disturb the parent: drawing from a child leaves the parent's stream unchanged", () => {
    const seed = 23;
    const busy = createRng(seed);
    const idle = createRng(seed);
    draw(busy.fork(), 1000);
    idle.fork();
    expect(draw(busy, 20), `seed ${seed}`).toEqual(draw(idle, 20));
  });

  it('keeps siblings independent: one child drawing does not change another', () => {
    const seed = 24;
    const p1 = createRng(seed);
    const p2 = createRng(seed);
    const [x1, y1] = [p1.fork(), p1.fork()];
    p2.fork();
    const y2 = p2.fork();
    draw(x1, 500);
    expect(draw(y1, 20), `seed ${seed}`).toEqual(draw(y2, 20));
  });
});
