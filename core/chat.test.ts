import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import {
  createChat,
  decodeChatPayload,
  encodeChatPayload,
  MAX_CHAT_TEXT_CHARS,
  type Chat,
  type ChatMessage,
  type DeliveryMode,
} from './chat.ts';
import { createRng, type Rng } from './rng.ts';
import type { Broadcast } from './transport.ts';
import { createFakeNetwork, type Delivery, type FakeNetwork } from './testing/fake-dissemination.ts';
import { compare, isVectorClock, type VectorClock } from './vector-clock.ts';

const SEEDS = [1, 2, 3, 7, 42, 1337, 0xc0ffee, 0xdecafbad];
/** Fewer seeds for the decoder fuzz, which does thousands of decodes per seed. */
const FUZZ_SEEDS = SEEDS.slice(0, 4);

/** Runs a random test body and names the seed (and how to rerun it) if it fails. */
function withSeed(seed: number, body: (rng: Rng) => void): void {
  try {
    body(createRng(seed));
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`failed with seed ${seed} (rerun: make SEEDS [${seed}] in core/chat.test.ts)\n${detail}`);
  }
}

interface Mesh {
  net: FakeNetwork;
  chat: Record<string, Chat>;
  errors: string[];
}

function mesh(ids: readonly string[], mode: DeliveryMode = 'causal'): Mesh {
  const net = createFakeNetwork();
  const errors: string[] = [];
  const chat: Record<string, Chat> = {};
  for (const self of ids) {
    const dissemination = net.join(self);
    const onError = (source: string, code: string, detail: string) => errors.push(`${self} ${source}/${code}: ${detail}`);
    chat[self] = createChat({ self, dissemination, mode, onError });
  }
  return { net, chat, errors };
}

const node = (m: Mesh, id: string): Chat => {
  const c = m.chat[id];
  if (!c) throw new Error(`no node ${id}`);
  return c;
};
const to = (id: string) => (d: Delivery) => d.to === id;
const toAndFrom = (id: string, from: string) => (d: Delivery) =>
  d.to === id && d.type === 'broadcast' && d.message.origin === from;
const texts = (c: Chat): string[] => c.messages().map((m) => m.text);

/** Every pair delivered in an order that contradicts happened-before, as readable lines. */
function causalViolations(log: readonly ChatMessage[]): string[] {
  const out: string[] = [];
  log.forEach((earlier, i) => {
    for (const later of log.slice(i + 1)) {
      if (compare(later.vc, earlier.vc) === 'before') out.push(`${earlier.id} delivered before ${later.id}, which it depends on`);
    }
  });
  return out;
}

function fifoViolations(log: readonly ChatMessage[]): string[] {
  const next = new Map<string, number>();
  const out: string[] = [];
  for (const m of log) {
    const expected = next.get(m.from) ?? 1;
    if (m.vc[m.from] !== expected) out.push(`${m.id} is ${m.from}#${m.vc[m.from]}, expected #${expected}`);
    next.set(m.from, (m.vc[m.from] ?? 0) + 1);
  }
  return out;
}

/**
 * Random sends interleaved with random partial delivery (with duplicates), then delivery of
 * everything left. With a drop chance, some deliveries are lost for good.
 */
function randomRun(rng: Rng, mode: DeliveryMode, dropChance = 0): { m: Mesh; sent: string[] } {
  const ids = ['n0', 'n1', 'n2', 'n3', 'n4'];
  const m = mesh(ids, mode);
  const sent: string[] = [];
  for (let i = 0; i < 40; i++) {
    sent.push(node(m, rng.pick(ids)).send(`msg ${i}`).id);
    m.net.run({ rng, duplicateChance: 0.2, dropChance, maxSteps: rng.int(12) });
  }
  m.net.run({ rng, duplicateChance: 0.2, dropChance });
  return { m, sent };
}

function expectEachDeliveredOnce(m: Mesh, sent: readonly string[]): void {
  for (const [id, c] of Object.entries(m.chat)) {
    const ids = c.messages().map((x) => x.id);
    expect(new Set(ids).size, `${id} delivered a message twice`).toBe(ids.length);
    expect([...ids].sort(), `${id} delivered a different set`).toEqual([...sent].sort());
    expect(c.held(), `${id} still holds messages`).toEqual([]);
  }
}

describe('chat payload codec', () => {
  it('round-trips text and clock', () => {
    const payload = { text: 'hello, wörld 👋', vc: { a: 3, b: 1 } };
    expect(decodeChatPayload(encodeChatPayload(payload))).toEqual({ ok: true, value: payload });
  });

  it.each([
    ['a wrong version', [2, 0, 0], 'bad-version'],
    ['trailing bytes', [1, 0, 0, 9], 'malformed'],
    ['a zero clock entry', [1, 0, 1, 1, 97, 0], 'malformed'],
    ['a repeated clock member', [1, 0, 2, 1, 97, 1, 1, 97, 2], 'malformed'],
    ['an empty member id', [1, 0, 1, 0, 1], 'malformed'],
    ['invalid UTF-8 text', [1, 2, 0xc3, 0x28, 0], 'malformed'],
  ])('rejects %s', (_, bytes, code) => {
    const result = decodeChatPayload(Uint8Array.from(bytes));
    expect(result.ok ? 'ok' : result.error.code).toBe(code);
  });

  it('rejects text over the limit', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, 'x'.repeat(MAX_CHAT_TEXT_CHARS + 1));
    encoding.writeVarUint(e, 0);
    const result = decodeChatPayload(encoding.toUint8Array(e));
    expect(result.ok ? 'ok' : result.error.message).toMatch(/text must be/);
  });

  it.each(FUZZ_SEEDS)('never throws on random bytes and rejects every truncation (seed %i)', (seed) =>
    withSeed(seed, (rng) => {
      for (let i = 0; i < 1500; i++) {
        const bytes = Uint8Array.from({ length: rng.int(48) }, () => (rng.chance(0.3) ? rng.int(4) : rng.int(256)));
        const result = decodeChatPayload(bytes);
        if (result.ok) {
          expect(result.value.text.length).toBeLessThanOrEqual(MAX_CHAT_TEXT_CHARS);
          expect(isVectorClock(result.value.vc) && Object.values(result.value.vc).every((n) => n > 0)).toBe(true);
        }
      }
      for (let i = 0; i < 60; i++) {
        const vc: Record<string, number> = {};
        for (let k = rng.int(4); k > 0; k--) vc[`m${rng.int(9)}`] = 1 + rng.int(1000);
        const valid = encodeChatPayload({ text: 'é'.repeat(rng.int(30)), vc });
        const accepted = [...valid.keys()].filter((cut) => decodeChatPayload(valid.subarray(0, cut)).ok);
        expect(accepted, 'truncations accepted').toEqual([]);
      }
    }),
  );
});

describe('chat sending', () => {
  it('stamps the sender count and what it had delivered from others', () => {
    const m = mesh(['a', 'b']);
    node(m, 'a').send('one');
    node(m, 'a').send('two');
    m.net.deliver();
    expect(node(m, 'b').send('three').vc).toEqual({ a: 2, b: 1 });
    expect(texts(node(m, 'b'))).toEqual(['one', 'two', 'three']);
  });

  it('works for members named like Object.prototype properties', () => {
    const m = mesh(['__proto__', 'constructor']);
    node(m, '__proto__').send('q');
    m.net.deliver();
    expect(node(m, 'constructor').send('r').vc).toEqual(Object.fromEntries([['__proto__', 1], ['constructor', 1]]));
    m.net.deliver();
    expect(texts(node(m, '__proto__'))).toEqual(['q', 'r']);
    expect(m.errors).toEqual([]);
  });

  it('accepts text up to the cap and refuses longer with RangeError', () => {
    const m = mesh(['a']);
    expect(node(m, 'a').send('x'.repeat(MAX_CHAT_TEXT_CHARS)).text).toHaveLength(MAX_CHAT_TEXT_CHARS);
    expect(() => node(m, 'a').send('x'.repeat(MAX_CHAT_TEXT_CHARS + 1))).toThrow(RangeError);
    expect(node(m, 'a').messages()).toHaveLength(1);
  });

  it('notifies listeners on delivery and on mode changes', () => {
    const m = mesh(['a', 'b']);
    let calls = 0;
    node(m, 'b').onChange(() => (calls += 1));
    node(m, 'a').send('hi');
    m.net.deliver();
    node(m, 'b').setMode('fifo');
    expect(calls).toBe(2);
  });
});

describe('hold-back queue', () => {
  it('holds a reply while its question is delayed, and releases it when the question arrives', () => {
    const m = mesh(['a', 'b', 'c']);
    const question = node(m, 'a').send('lunch?');
    m.net.deliver(to('b'));
    const reply = node(m, 'b').send('yes');
    m.net.deliver(toAndFrom('c', 'b'));
    expect(texts(node(m, 'c'))).toEqual([]);
    expect(node(m, 'c').held()).toEqual([{ ...reply, waitingFor: [{ sender: 'a', counter: 1 }] }]);
    m.net.deliver(toAndFrom('c', 'a'));
    expect(node(m, 'c').messages().map((x) => x.id)).toEqual([question.id, reply.id]);
    expect(node(m, 'c').held()).toEqual([]);
  });

  it('in fifo mode waits only for the sender’s earlier messages', () => {
    const m = mesh(['a', 'b', 'c'], 'fifo');
    node(m, 'a').send('q');
    m.net.deliver(to('b'));
    node(m, 'b').send('b1');
    node(m, 'b').send('b2');
    const [b1, b2] = m.net.pending().filter(toAndFrom('c', 'b'));
    m.net.deliver((d) => d === b2);
    expect(node(m, 'c').held().map((h) => h.waitingFor)).toEqual([[{ sender: 'b', counter: 1 }]]);
    m.net.deliver((d) => d === b1);
    expect(texts(node(m, 'c'))).toEqual(['b1', 'b2']);
  });

  it('releases what a laxer mode allows when the mode changes', () => {
    const m = mesh(['a', 'b', 'c']);
    node(m, 'a').send('a1');
    m.net.deliver(to('b'));
    node(m, 'b').send('b1');
    node(m, 'b').send('b2');
    m.net.deliver((d) => d.to === 'c' && d.type === 'broadcast' && d.message.seq === 2);
    m.net.deliver(toAndFrom('c', 'b'));
    expect(node(m, 'c').held().map((h) => [h.text, h.waitingFor])).toEqual([
      ['b2', [{ sender: 'b', counter: 1 }, { sender: 'a', counter: 1 }]],
      ['b1', [{ sender: 'a', counter: 1 }]],
    ]);
    node(m, 'c').setMode('fifo');
    expect(texts(node(m, 'c'))).toEqual(['b1', 'b2']);
    node(m, 'c').setMode('causal');
    node(m, 'c').setMode('none');
    expect(node(m, 'c').mode()).toBe('none');
    m.net.deliver();
    expect(texts(node(m, 'c'))).toEqual(['b1', 'b2', 'a1']);
  });

  it('keeps delivered counters exact through a lax period, so a stricter mode stays sound', () => {
    const m = mesh(['a', 'b', 'c'], 'none');
    node(m, 'a').send('a1');
    node(m, 'a').send('a2');
    const [a1, a2] = m.net.pending().filter(toAndFrom('c', 'a'));
    m.net.deliver((d) => d.to === 'b');
    m.net.deliver((d) => d === a2);
    node(m, 'c').setMode('causal');
    const b1 = node(m, 'b').send('b1');
    m.net.deliver(toAndFrom('c', 'b'));
    expect(node(m, 'c').held()).toEqual([{ ...b1, waitingFor: [{ sender: 'a', counter: 2 }] }]);
    m.net.deliver((d) => d === a1);
    expect(texts(node(m, 'c'))).toEqual(['a2', 'a1', 'b1']);
  });
});

describe('delivery order under random reordering and duplication', () => {
  it.each(SEEDS)('causal: never before a dependency, each message exactly once everywhere (seed %i)', (seed) =>
    withSeed(seed, (rng) => {
      const { m, sent } = randomRun(rng, 'causal');
      expectEachDeliveredOnce(m, sent);
      for (const c of Object.values(m.chat)) expect(causalViolations(c.messages()).join('\n')).toBe('');
      expect(m.errors).toEqual([]);
    }),
  );

  it.each(SEEDS)('causal under loss: still in order, and held messages name undelivered dependencies (seed %i)', (seed) =>
    withSeed(seed, (rng) => {
      const { m } = randomRun(rng, 'causal', 0.1);
      let held = 0;
      for (const c of Object.values(m.chat)) {
        const log = c.messages();
        expect(causalViolations(log).join('\n')).toBe('');
        expect(new Set(log.map((x) => x.id)).size).toBe(log.length);
        const got = (sender: string, counter: number) => log.some((x) => x.from === sender && x.vc[sender] === counter);
        for (const h of c.held()) {
          held += 1;
          expect(h.waitingFor.length).toBeGreaterThan(0);
          expect(h.waitingFor.every((w) => !got(w.sender, w.counter))).toBe(true);
        }
      }
      expect(held).toBeGreaterThan(0);
    }),
  );

  it.each(SEEDS)('fifo: each sender in order, each message exactly once (seed %i)', (seed) =>
    withSeed(seed, (rng) => {
      const { m, sent } = randomRun(rng, 'fifo');
      expectEachDeliveredOnce(m, sent);
      for (const c of Object.values(m.chat)) expect(fifoViolations(c.messages()).join('\n')).toBe('');
    }),
  );

  it('none: the causal checker catches a reply delivered before its question', () => {
    const m = mesh(['a', 'b', 'c'], 'none');
    const question = node(m, 'a').send('lunch?');
    m.net.deliver(to('b'));
    const reply = node(m, 'b').send('yes');
    m.net.deliver(toAndFrom('c', 'b'));
    m.net.deliver();
    expect(causalViolations(node(m, 'c').messages())).toEqual([
      `${reply.id} delivered before ${question.id}, which it depends on`,
    ]);
  });

  it('none: random reordering produces violations the checkers detect', () => {
    let causal = 0;
    let fifo = 0;
    for (const seed of SEEDS) {
      withSeed(seed, (rng) => {
        const { m, sent } = randomRun(rng, 'none');
        expectEachDeliveredOnce(m, sent);
        for (const c of Object.values(m.chat)) {
          causal += causalViolations(c.messages()).length;
          fifo += fifoViolations(c.messages()).length;
        }
      });
    }
    expect(causal).toBeGreaterThan(0);
    expect(fifo).toBeGreaterThan(0);
  });
});

describe('untrusted input', () => {
  const broadcast = (origin: string, seq: number, payload: Uint8Array): Broadcast => ({
    origin,
    seq,
    id: `${origin}:${seq}`,
    kind: 'chat',
    payload,
  });
  const payload = (vc: VectorClock, text = 't') => encodeChatPayload({ text, vc });

  it('delivers a duplicated broadcast once', () => {
    const m = mesh(['a', 'b']);
    node(m, 'a').send('once');
    m.net.duplicate(() => true);
    m.net.deliver();
    expect(texts(node(m, 'b'))).toEqual(['once']);
    expect(m.errors).toEqual([]);
  });

  it('rejects and counts a payload without its sender’s entry, or reusing a taken number', () => {
    const m = mesh(['a', 'b']);
    node(m, 'a').send('first');
    m.net.deliver();
    m.net.inject('b', broadcast('x', 1, payload({ a: 1 })));
    m.net.inject('b', broadcast('a', 99, payload({ a: 1 }, 'forged')));
    m.net.inject('b', broadcast('y', 5, payload({ y: 2 })));
    m.net.inject('b', broadcast('y', 6, payload({ y: 2 }, 'same slot')));
    expect(m.errors.map((e) => e.split(':')[0])).toEqual(['b chat/malformed', 'b chat/conflict', 'b chat/conflict']);
    expect(texts(node(m, 'b'))).toEqual(['first']);
    expect(node(m, 'b').held().map((h) => h.text)).toEqual(['t']);
  });

  it.each(FUZZ_SEEDS)('counts every random payload it refuses and never throws (seed %i)', (seed) =>
    withSeed(seed, (rng) => {
      const m = mesh(['a']);
      const count = 1000;
      for (let i = 1; i <= count; i++) {
        const bytes = Uint8Array.from({ length: rng.int(24) }, () => (rng.chance(0.4) ? rng.int(3) : rng.int(256)));
        m.net.inject('a', broadcast(rng.pick(['\u0001', 'p', 'q']), i, bytes));
      }
      const c = node(m, 'a');
      expect(m.errors.length + c.messages().length + c.held().length).toBe(count);
      expect(m.errors.length).toBeGreaterThan(count / 2);
    }),
  );
});

describe('fake dissemination', () => {
  it('holds deliveries across a partition, and reports repaired pairs on heal', () => {
    const net = createFakeNetwork();
    const a = net.join('a');
    const b = net.join('b');
    const reachable: string[] = [];
    a.onReachable((peer) => reachable.push(`a->${peer}`));
    b.onReachable((peer) => reachable.push(`b->${peer}`));
    const got: string[] = [];
    b.onBroadcast('chat', (msg) => got.push(msg.id));
    b.onMessage('kv', (peer, bytes) => got.push(`${peer}/${bytes.length}`));
    net.partition([['a'], ['b']]);
    a.broadcast('chat', new Uint8Array(1));
    expect(a.send('b', 'kv', new Uint8Array(2))).toBe(false);
    expect(a.list()).toEqual([]);
    expect(net.deliver()).toBe(0);
    net.heal();
    expect(reachable.sort()).toEqual(['a->b', 'b->a']);
    expect(a.send('b', 'kv', new Uint8Array(2))).toBe(true);
    expect(net.deliver()).toBe(2);
    expect(got).toEqual(['a:1', 'a/2']);
  });
});
