import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import {
  createKv,
  decodeKvPayload,
  encodeKvPayload,
  MAX_KEY_CHARS,
  MAX_VALUE_BYTES,
  meetClocks,
  mergeVersion,
  type Kv,
  type KvVersion,
  type KvWrite,
} from './kv.ts';
import { createRng, type Rng } from './rng.ts';
import { createFakeNetwork, type FakeNetwork } from './testing/fake-dissemination.ts';
import type { Broadcast } from './transport.ts';
import { compare, normalise } from './vector-clock.ts';

const SEEDS = [1, 2, 3, 7, 42, 1337, 0xc0ffee, 0xdecafbad];
/** Fewer seeds for the decoder fuzz, which does thousands of decodes per seed. */
const FUZZ_SEEDS = SEEDS.slice(0, 4);
/** fast-check's own seed, fixed so runs repeat; it prints seed and path on failure. */
const FC_SEED = 0x6b76;

function withSeed(seed: number, body: (rng: Rng) => void): void {
  try {
    body(createRng(seed));
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`failed with seed ${seed} (rerun: make SEEDS [${seed}] in core/kv.test.ts)\n${detail}`);
  }
}

interface Cluster {
  net: FakeNetwork;
  kv: Record<string, Kv>;
  errors: string[];
}

function cluster(ids: readonly string[]): Cluster {
  const net = createFakeNetwork();
  const errors: string[] = [];
  const kv: Record<string, Kv> = {};
  for (const self of ids) {
    const onError = (source: string, code: string, detail: string) => errors.push(`${self} ${source}/${code}: ${detail}`);
    kv[self] = createKv({ self, dissemination: net.join(self), onError });
  }
  return { net, kv, errors };
}

const at = (c: Cluster, id: string): Kv => {
  const kv = c.kv[id];
  if (!kv) throw new Error(`no node ${id}`);
  return kv;
};
const all = (c: Cluster): Kv[] => Object.values(c.kv);

function expectConverged(c: Cluster): void {
  const [first, ...rest] = all(c);
  for (const kv of rest) expect(kv.snapshot()).toEqual(first?.snapshot());
}

const stableOf = (c: Cluster) => meetClocks(all(c).map((kv) => kv.delivered()));

describe('kv payload codec', () => {
  it('round-trips values and tombstones', () => {
    const writes: KvWrite[] = [
      { key: 'k', value: 'v 🔑', vc: { a: 2, b: 1 } },
      { key: 'x'.repeat(MAX_KEY_CHARS), value: null, vc: { a: 1 } },
    ];
    for (const write of writes) {
      expect(decodeKvPayload(encodeKvPayload(write))).toEqual({ ok: true, value: write });
    }
  });

  const manual = (key: string, tag: number, value: string | undefined): Uint8Array => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, key);
    encoding.writeVarUint(e, tag);
    if (value !== undefined) encoding.writeVarString(e, value);
    encoding.writeVarUint(e, 0);
    return encoding.toUint8Array(e);
  };

  it.each([
    ['an empty key', manual('', 1, 'v'), /key must be/],
    ['a key over the limit', manual('k'.repeat(MAX_KEY_CHARS + 1), 1, 'v'), /key must be/],
    ['an unknown value tag', manual('k', 2, 'v'), /value tag 2/],
    ['a value over the limit', manual('k', 1, 'v'.repeat(MAX_VALUE_BYTES + 1)), /exceeds/],
    ['trailing bytes', Uint8Array.from([...manual('k', 0, undefined), 0]), /trailing/],
    ['another version', Uint8Array.from([7, 1, 107, 0, 0]), /version 7/],
  ])('rejects %s', (_, bytes, message) => {
    const result = decodeKvPayload(bytes);
    expect(result.ok ? 'ok' : result.error.message).toMatch(message);
  });

  it.each(FUZZ_SEEDS)('never throws on random bytes and rejects every truncation (seed %i)', (seed) =>
    withSeed(seed, (rng) => {
      for (let i = 0; i < 1500; i++) {
        const bytes = Uint8Array.from({ length: rng.int(40) }, () => (rng.chance(0.4) ? rng.int(3) : rng.int(256)));
        const result = decodeKvPayload(bytes);
        if (result.ok) expect(result.value.key.length).toBeGreaterThan(0);
      }
      for (let i = 0; i < 60; i++) {
        const value = rng.chance(0.3) ? null : 'ü'.repeat(rng.int(20));
        const valid = encodeKvPayload({ key: `k${i}`, value, vc: { [`w${rng.int(5)}`]: 1 + rng.int(500) } });
        const accepted = [...valid.keys()].filter((cut) => decodeKvPayload(valid.subarray(0, cut)).ok);
        expect(accepted, 'truncations accepted').toEqual([]);
      }
    }),
  );
});

describe('kv basics', () => {
  it('puts, overwrites, deletes and lists live keys', () => {
    const kv = at(cluster(['a']), 'a');
    kv.put('x', '1');
    kv.put('x', '2');
    kv.put('y', '3');
    expect(kv.get('x')).toEqual(['2']);
    expect(kv.versions('x')).toEqual([{ value: '2', vc: { a: 2 }, writer: 'a' }]);
    kv.delete('x');
    expect(kv.get('x')).toEqual([]);
    expect(kv.get('never')).toEqual([]);
    expect(kv.versions('x')).toEqual([{ value: null, vc: { a: 4 }, writer: 'a' }]);
    expect(kv.keys()).toEqual(['y']);
    expect(kv.delivered()).toEqual({ a: 4 });
  });

  it('refuses bad keys and values with RangeError and stores nothing', () => {
    const kv = at(cluster(['a']), 'a');
    expect(() => kv.put('', 'v')).toThrow(RangeError);
    expect(() => kv.put('k'.repeat(MAX_KEY_CHARS + 1), 'v')).toThrow(RangeError);
    expect(() => kv.put('k', 'v'.repeat(MAX_VALUE_BYTES + 1))).toThrow(RangeError);
    expect(() => kv.put('k', 'é'.repeat(MAX_VALUE_BYTES / 2 + 1))).toThrow(RangeError);
    expect(() => kv.get('')).toThrow(RangeError);
    expect(() => kv.put('\uD800', 'v')).toThrow(/unpaired surrogate/);
    expect(() => kv.put('k', 'x\uDE00')).toThrow(/unpaired surrogate/);
    expect(kv.snapshot()).toEqual([]);
    kv.put('k'.repeat(MAX_KEY_CHARS), 'v'.repeat(MAX_VALUE_BYTES));
    expect(kv.keys()).toHaveLength(1);
  });

  it('works for writers named like Object.prototype properties', () => {
    const c = cluster(['__proto__', 'constructor']);
    at(c, '__proto__').put('k', '1');
    c.net.deliver();
    at(c, 'constructor').put('k', '2');
    c.net.deliver();
    const both = Object.fromEntries([['__proto__', 1], ['constructor', 1]]);
    expect(at(c, '__proto__').versions('k')).toEqual([{ value: '2', vc: both, writer: 'constructor' }]);
    expect(stableOf(c)).toEqual(both);
    expect(c.errors).toEqual([]);
  });

  it('tells listeners which key changed', () => {
    const kv = at(cluster(['a']), 'a');
    const changed: string[] = [];
    kv.onChange((key) => changed.push(key));
    kv.put('x', '1');
    kv.delete('y');
    expect(changed).toEqual(['x', 'y']);
  });
});

describe('replication', () => {
  it('keeps both sides of a partition as siblings, and a later put replaces them everywhere', () =>
    withSeed(5, (rng) => {
      const c = cluster(['a', 'b', 'c', 'd']);
      c.net.partition([['a', 'b'], ['c', 'd']]);
      at(c, 'a').put('x', 'left');
      at(c, 'c').put('x', 'right');
      c.net.run({ rng, duplicateChance: 0.3 });
      expect(at(c, 'b').get('x')).toEqual(['left']);
      expect(at(c, 'd').get('x')).toEqual(['right']);
      c.net.heal();
      c.net.run({ rng, duplicateChance: 0.3 });
      for (const kv of all(c)) expect(kv.get('x')).toEqual(['left', 'right']);
      expectConverged(c);
      at(c, 'b').put('x', 'merged');
      c.net.run({ rng, duplicateChance: 0.3 });
      for (const kv of all(c)) expect(kv.versions('x')).toEqual([{ value: 'merged', vc: { a: 1, b: 1, c: 1 }, writer: 'b' }]);
      expect(c.errors).toEqual([]);
    }));

  it('keeps a delete concurrent with a put as a tombstone sibling, and replicates deletes', () => {
    const c = cluster(['a', 'b']);
    at(c, 'a').put('x', 'v');
    c.net.deliver();
    at(c, 'a').delete('x');
    at(c, 'b').put('x', 'w');
    c.net.deliver();
    for (const kv of all(c)) expect(kv.versions('x').map((v) => v.value)).toEqual([null, 'w']);
    expect(at(c, 'a').get('x')).toEqual(['w']);
    at(c, 'a').delete('x');
    c.net.deliver();
    for (const kv of all(c)) expect([kv.get('x'), kv.versions('x').length]).toEqual([[], 1]);
  });

  it.each(SEEDS)('converges under random writes, partitions, reordering and duplicates (seed %i)', (seed) =>
    withSeed(seed, (rng) => {
      const ids = ['a', 'b', 'c', 'd'];
      const c = cluster(ids);
      for (let step = 0; step < 80; step++) {
        const r = rng.next();
        const kv = at(c, rng.pick(ids));
        const key = rng.pick(['x', 'y', 'z']);
        if (r < 0.45) kv.put(key, `${step}`);
        else if (r < 0.6) kv.delete(key);
        else if (r < 0.65) c.net.partition([rng.shuffle(ids).slice(0, 2)]);
        else if (r < 0.7) c.net.heal();
        else c.net.run({ rng, duplicateChance: 0.2, maxSteps: rng.int(15) });
      }
      c.net.heal();
      c.net.run({ rng, duplicateChance: 0.2 });
      expectConverged(c);
      for (const kv of all(c)) {
        expect(kv.delivered()).toEqual(at(c, 'a').delivered());
        for (const { versions } of kv.snapshot()) {
          versions.forEach((v, i) => versions.slice(i + 1).forEach((w) => expect(compare(v.vc, w.vc)).toBe('concurrent')));
        }
      }
      const stable = stableOf(c);
      for (const kv of all(c)) kv.gcTombstones(stable);
      expectConverged(c);
      expect(at(c, 'a').snapshot().flatMap((e) => e.versions).filter((v) => v.value === null)).toEqual([]);
      expect(c.errors).toEqual([]);
    }),
  );
});

describe('merge is order-independent', () => {
  const member = fc.constantFrom('a', 'b', 'c');
  const version: fc.Arbitrary<KvVersion> = fc
    .record({
      writer: member,
      value: fc.option(fc.constantFrom('x', 'y'), { nil: null }),
      vc: fc.dictionary(member, fc.integer({ min: 1, max: 3 })),
      own: fc.integer({ min: 1, max: 3 }),
    })
    .map(({ writer, value, vc, own }) => ({ writer, value, vc: normalise({ ...vc, [writer]: own }) }));

  /** A permutation of 0..n-1 with extra copies spliced in at arbitrary places. */
  const deliveries = (n: number) =>
    fc
      .tuple(
        fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        fc.array(fc.tuple(fc.nat(n - 1), fc.nat(3 * n)), { maxLength: 2 * n }),
      )
      .map(([order, extras]) => {
        const out = [...order];
        for (const [i, at] of extras) out.splice(at % (out.length + 1), 0, i);
        return out;
      });

  it('mergeVersion: any order and repetition of versions gives the same siblings', () => {
    const fold = (vs: readonly KvVersion[]) => vs.reduce<readonly KvVersion[]>((s, v) => mergeVersion(s, v).siblings, []);
    fc.assert(
      fc.property(
        fc.array(version, { minLength: 1, maxLength: 10 }).chain((vs) => fc.tuple(fc.constant(vs), deliveries(vs.length))),
        ([vs, order]) => {
          const expected = fold(vs);
          expect(fold(order.map((i) => vs[i] as KvVersion))).toEqual(expected);
          for (const v of vs) expect(expected.some((s) => compare(s.vc, v.vc) !== 'before')).toBe(true);
        },
      ),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  it('a store fed real writes in any order, with duplicates, ends in the same state', () => {
    const rng = createRng(11);
    const c = cluster(['a', 'b', 'c']);
    const writes: Broadcast[] = [];
    c.net.join('observer').onBroadcast('kv', (m) => writes.push(m));
    for (let step = 0; step < 30; step++) {
      const kv = at(c, rng.pick(['a', 'b', 'c']));
      if (rng.chance(0.25)) kv.delete(rng.pick(['x', 'y']));
      else kv.put(rng.pick(['x', 'y']), `${step}`);
      c.net.run({ rng, maxSteps: rng.int(6) });
    }
    c.net.run({ rng });
    expectConverged(c);
    const expected = at(c, 'a').snapshot();
    expect(expected.some((e) => e.versions.length > 1)).toBe(true);
    fc.assert(
      fc.property(deliveries(writes.length), (order) => {
        const fresh = cluster(['fresh']);
        for (const i of order) fresh.net.inject('fresh', writes[i] as Broadcast);
        expect(at(fresh, 'fresh').snapshot()).toEqual(expected);
        expect(fresh.errors).toEqual([]);
      }),
      { seed: FC_SEED, numRuns: 80 },
    );
  });
});

describe('untrusted kv input', () => {
  const broadcast = (origin: string, seq: number, payload: Uint8Array): Broadcast => ({
    origin,
    seq,
    id: `${origin}:${seq}`,
    kind: 'kv',
    payload,
  });

  it('rejects and counts malformed payloads and writes without their writer’s entry', () => {
    const c = cluster(['a']);
    c.net.inject('a', broadcast('p', 1, Uint8Array.from([1, 1])));
    c.net.inject('a', broadcast('p', 2, encodeKvPayload({ key: 'k', value: 'v', vc: { q: 1 } })));
    expect(c.errors.map((e) => e.split(':')[0])).toEqual(['a kv/malformed', 'a kv/malformed']);
    expect(at(c, 'a').snapshot()).toEqual([]);
  });

  it('settles a reused write number the same way whatever the arrival order, and reports it', () => {
    const first = broadcast('p', 1, encodeKvPayload({ key: 'k', value: 'one', vc: { p: 1 } }));
    const second = broadcast('p', 2, encodeKvPayload({ key: 'k', value: 'two', vc: { p: 1 } }));
    const c = cluster(['a', 'b']);
    for (const m of [first, second]) c.net.inject('a', m);
    for (const m of [second, first]) c.net.inject('b', m);
    expectConverged(c);
    expect(at(c, 'a').get('k')).toEqual(['one']);
    expect(c.errors.map((e) => e.split(':')[0])).toEqual(['a kv/conflict', 'b kv/conflict']);
  });

  it.each(FUZZ_SEEDS)('never throws on random payloads from peers (seed %i)', (seed) =>
    withSeed(seed, (rng) => {
      const c = cluster(['a']);
      for (let i = 1; i <= 500; i++) {
        const bytes = Uint8Array.from({ length: rng.int(24) }, () => (rng.chance(0.4) ? rng.int(3) : rng.int(256)));
        c.net.inject('a', broadcast(rng.pick(['\u0001', 'p']), i, bytes));
      }
      expect(c.errors.length).toBeGreaterThan(250);
    }),
  );
});

describe('tombstone collection', () => {
  it('meetClocks is the pointwise minimum', () => {
    expect(meetClocks([{ a: 2, b: 1 }, { a: 1, c: 3 }])).toEqual({ a: 1 });
    expect(meetClocks([{ a: 2 }])).toEqual({ a: 2 });
    expect(meetClocks([])).toEqual({});
  });

  it('keeps a tombstone until every member has delivered it, then drops it everywhere', () => {
    const c = cluster(['a', 'b', 'c']);
    at(c, 'a').put('x', 'v');
    c.net.deliver();
    at(c, 'a').delete('x');
    c.net.deliver((d) => d.to === 'b');
    const early = stableOf(c);
    expect(early).toEqual({ a: 1 });
    for (const kv of [at(c, 'a'), at(c, 'b')]) expect(kv.gcTombstones(early)).toBe(0);
    expect(at(c, 'a').versions('x').map((v) => v.value)).toEqual([null]);
    c.net.deliver();
    const stable = stableOf(c);
    for (const kv of all(c)) expect(kv.gcTombstones(stable)).toBe(1);
    for (const kv of all(c)) expect(kv.snapshot()).toEqual([]);
  });

  it('drops only tombstones the stable clock dominates, never live values', () => {
    const c = cluster(['a', 'b']);
    at(c, 'a').put('x', 'v');
    at(c, 'a').delete('y');
    at(c, 'b').delete('z');
    c.net.deliver((d) => d.type === 'broadcast' && d.message.origin === 'a');
    const kv = at(c, 'b');
    expect(kv.gcTombstones(stableOf(c))).toBe(1);
    expect(kv.snapshot().map((e) => e.key)).toEqual(['x', 'z']);
  });

  it('refuses a stable clock this node has not reached, or a malformed one', () => {
    const kv = at(cluster(['a']), 'a');
    expect(() => kv.gcTombstones({ b: 1 })).toThrow(RangeError);
    expect(() => kv.gcTombstones({ a: -1 })).toThrow(TypeError);
  });

  it('a write after collection supersedes the tombstone on members that have not collected yet', () => {
    const c = cluster(['a', 'b', 'c']);
    at(c, 'a').put('x', 'v');
    at(c, 'a').delete('x');
    c.net.deliver();
    expect(at(c, 'c').gcTombstones(stableOf(c))).toBe(1);
    at(c, 'c').put('x', 'again');
    c.net.deliver();
    for (const kv of all(c)) expect(kv.versions('x').map((v) => v.value)).toEqual(['again']);
    expectConverged(c);
  });
});
