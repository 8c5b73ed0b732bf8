import { describe, expect, it, onTestFailed, vi } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from './codec.ts';
import { FaultyLink, type FaultyLinkOptions, type MessageMeta } from './faulty-link.ts';
import { createJournal, type Journal, type JournalEvent } from './journal.ts';
import { createRng } from './rng.ts';
import { createSimWire } from './sim/sim-link.ts';
import { createVirtualScheduler, type VirtualScheduler } from './sim/virtual-scheduler.ts';

/** Reads an envelope's metadata, as a node's inspect hook does; null for anything else. */
const inspect = (bytes: Uint8Array): MessageMeta | null => {
  const d = decodeEnvelope(bytes);
  return d.ok ? { msgId: d.value.id, kind: d.value.kind, lamport: d.value.lamport, vc: d.value.vc } : null;
};

/** Message i from `from`: an envelope whose id carries i, so arrivals can be checked by index. */
const msg = (i: number, from = 'a'): Uint8Array =>
  encodeEnvelope({ id: `${from}/${i}`, origin: from, sender: from, kind: 'chat', seq: 0, hops: 0, lamport: i, vc: { [from]: i }, payload: Uint8Array.of(i & 255) });
/** A cheap untyped message for the high-volume tests: a zero byte (no wire version) and i. */
const tag = (i: number): Uint8Array => Uint8Array.of(0, i & 255, i >> 8);
const indexOf = (bytes: Uint8Array): number => {
  if (bytes[0] === 0) return (bytes[1] as number) | ((bytes[2] as number) << 8);
  const d = decodeEnvelope(bytes);
  if (!d.ok) throw new Error(`not a test message: ${d.error.message}`);
  return Number(d.value.id.split('/')[1]);
};

interface Arrival {
  readonly t: number;
  readonly bytes: Uint8Array;
}

interface Rig {
  readonly s: VirtualScheduler;
  readonly a: FaultyLink;
  readonly b: FaultyLink;
  readonly atA: Arrival[];
  readonly atB: Arrival[];
  readonly journal: Journal;
}

/** Two FaultyLinks over one sim wire, already open, sharing a journal; time starts at `latencyMs`. */
function rig(seed: number, latencyMs = 1, extra: Partial<FaultyLinkOptions> = {}): Rig {
  onTestFailed(() => console.error(`FaultyLink rig seed ${seed} (latency ${latencyMs} ms)`));
  const s = createVirtualScheduler();
  const [wa, wb] = createSimWire(s, 'a', 'b', latencyMs);
  const journal = createJournal();
  const rng = createRng(seed);
  const a = new FaultyLink(wa, { scheduler: s, rng: rng.fork(), journal, inspect, ...extra });
  const b = new FaultyLink(wb, { scheduler: s, rng: rng.fork(), journal, inspect, ...extra });
  const atA: Arrival[] = [];
  const atB: Arrival[] = [];
  a.onMessage((bytes) => atA.push({ t: s.now(), bytes }));
  b.onMessage((bytes) => atB.push({ t: s.now(), bytes }));
  s.runFor(latencyMs);
  if (a.state !== 'open' || b.state !== 'open') throw new Error('the sim wire did not open');
  return { s, a, b, atA, atB, journal };
}

const indices = (arrivals: readonly Arrival[]): number[] => arrivals.map((x) => indexOf(x.bytes));
const inversions = (xs: readonly number[]): number => xs.reduce((n, x, i) => n + (i > 0 && x < (xs[i - 1] as number) ? 1 : 0), 0);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const ofType = (events: readonly JournalEvent[], type: JournalEvent['type']): JournalEvent[] => events.filter((e) => e.type === type);

describe('FaultyLink without faults', () => {
  it('hands each message to the inner link synchronously, adding no timers or delay', () => {
    const { s, a, b, atB } = rig(1, 3);
    const spy = vi.spyOn(a.inner, 'send');
    const t0 = s.now();
    expect(a.send(msg(0))).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(s.pending()).toBe(1); // only the wire's own latency timer
    s.runUntil(t0 + 3);
    expect(atB.map((x) => x.t)).toEqual([t0 + 3]);
    expect(indices(atB)).toEqual([0]);
    expect(a.faulty || b.faulty).toBe(false);
    expect(a.counters().out).toEqual({ sent: 1, delivered: 1, dropped: 0, duplicated: 0, delayed: 0, bytes: msg(0).length });
    expect(b.counters().in).toEqual({ sent: 1, delivered: 1, dropped: 0, duplicated: 0, delayed: 0, bytes: msg(0).length });
  });
});

describe('drop', () => {
  const run = (seed: number): { got: number[]; dropped: number } => {
    const { s, a, atB } = rig(seed);
    a.setFaults({ drop: 0.3 }, 'out');
    for (let i = 0; i < 2000; i++) a.send(tag(i));
    s.runFor(10);
    return { got: indices(atB), dropped: a.counters().out.dropped };
  };

  it('loses about the set fraction, nothing else, and no message twice', () => {
    for (const seed of [1, 2, 3]) {
      const { got, dropped } = run(seed);
      expect(Math.abs(dropped / 2000 - 0.3), `seed ${seed}: ${dropped} of 2000 dropped`).toBeLessThan(0.04);
      expect(got.length + dropped, `seed ${seed}`).toBe(2000);
      expect(inversions(got), `seed ${seed}: drop alone must not reorder`).toBe(0);
      expect(new Set(got).size, `seed ${seed}`).toBe(got.length);
    }
  });

  it('loses the same messages for the same seed, different ones for another seed', () => {
    expect(run(7).got).toEqual(run(7).got);
    expect(run(7).got).not.toEqual(run(8).got);
  });
});

describe('cut', () => {
  it('blocks both directions, and heal lets traffic through again', () => {
    const seed = 11;
    const { s, a, b, atA, atB, journal } = rig(seed);
    a.setFaults({ cut: true });
    expect(a.faulty).toBe(true);
    for (let i = 0; i < 5; i++) {
      expect(a.send(msg(i)), 'a partition loses silently; send still reports the link open').toBe(true);
      b.send(msg(i, 'b'));
    }
    s.runFor(20);
    expect(atA.length + atB.length, `seed ${seed}`).toBe(0);
    expect(a.counters().out.dropped).toBe(5);
    expect(a.counters().in.dropped).toBe(5);
    const drops = ofType(journal.events(), 'drop').map((e) => `${e.node} ${e.dir} ${e.detail}`);
    expect(drops.sort()).toEqual([...Array(5).fill('a in cut'), ...Array(5).fill('a out cut')]);
    a.setFaults({ cut: false });
    a.send(msg(5));
    b.send(msg(6, 'b'));
    s.runFor(20);
    expect(indices(atB)).toEqual([5]);
    expect(indices(atA)).toEqual([6]);
  });

  it('also loses delayed messages that were still in flight', () => {
    const seed = 12;
    const { s, a, atB, journal } = rig(seed);
    a.setFaults({ delayMs: 50 }, 'out');
    for (let i = 0; i < 5; i++) a.send(msg(i));
    s.runFor(10);
    a.setFaults({ cut: true });
    s.runFor(100);
    expect(atB, `seed ${seed}`).toEqual([]);
    expect(a.counters().out).toMatchObject({ sent: 5, delayed: 5, dropped: 5, delivered: 0 });
    expect(ofType(journal.events(), 'drop').map((e) => [e.msgId, e.detail])).toEqual(range(5).map((i) => [`a/${i}`, 'cut']));
  });
});

describe('duplicate', () => {
  it('delivers every message twice, as separate arrays, and counts it', () => {
    const seed = 13;
    const { s, a, b, atB, journal } = rig(seed);
    a.setFaults({ duplicate: 1 }, 'out');
    for (let i = 0; i < 10; i++) a.send(msg(i));
    s.runFor(10);
    expect(indices(atB), `seed ${seed}`).toEqual(range(10).flatMap((i) => [i, i]));
    expect(atB[0]?.bytes).not.toBe(atB[1]?.bytes);
    expect(a.counters().out).toMatchObject({ sent: 10, delivered: 20, duplicated: 10 });
    expect(b.counters().in).toMatchObject({ sent: 20, delivered: 20 });
    expect(ofType(journal.events(), 'duplicate').map((e) => e.msgId)).toEqual(range(10).map((i) => `a/${i}`));
  });

  it('duplicates about the set fraction', () => {
    const seed = 14;
    const { s, a, atB } = rig(seed);
    a.setFaults({ duplicate: 0.2 }, 'out');
    for (let i = 0; i < 2000; i++) a.send(tag(i));
    s.runFor(10);
    const extra = atB.length - 2000;
    expect(Math.abs(extra / 2000 - 0.2), `seed ${seed}: ${extra} duplicates`).toBeLessThan(0.03);
    expect(a.counters().out.duplicated).toBe(extra);
  });
});

describe('delay and jitter', () => {
  it('delivers within [delay, delay + jitter + latency] and reorders', () => {
    const seed = 15;
    const latency = 1;
    const { s, a, atB, journal } = rig(seed, latency);
    a.setFaults({ delayMs: 20, jitterMs: 30 }, 'out');
    const sentAt = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      sentAt.set(i, s.now());
      a.send(msg(i));
      s.runFor(1);
    }
    s.runFor(100);
    const got = indices(atB);
    expect(got.slice().sort((x, y) => x - y), `seed ${seed}: every message exactly once`).toEqual(range(300));
    const lags = atB.map((x, k) => x.t - (sentAt.get(got[k] as number) as number));
    expect(Math.min(...lags), `seed ${seed}`).toBeGreaterThanOrEqual(20);
    expect(Math.max(...lags), `seed ${seed}`).toBeLessThanOrEqual(20 + 30 + latency);
    expect(Math.max(...lags) - Math.min(...lags), `seed ${seed}: jitter must spread the lags`).toBeGreaterThan(20);
    expect(inversions(got), `seed ${seed}`).toBeGreaterThan(10);
    expect(a.counters().out.delayed).toBe(300);
    const details = ofType(journal.events(), 'delay').map((e) => Number(e.detail));
    expect(details.length).toBe(300);
    expect(details.every((d) => d >= 20 && d <= 50)).toBe(true);
  });

  it('keeps order under a fixed delay', () => {
    const { s, a, atB } = rig(16);
    a.setFaults({ delayMs: 25 }, 'out');
    for (let i = 0; i < 50; i++) a.send(msg(i));
    s.runFor(24);
    expect(atB).toEqual([]);
    s.runFor(2);
    expect(indices(atB)).toEqual(range(50));
  });
});

describe('reorder', () => {
  it('delivers out of order and never loses a held message', () => {
    for (const seed of [17, 18, 19]) {
      const { s, a, atB } = rig(seed);
      a.setFaults({ reorder: 0.3 }, 'out');
      for (let i = 0; i < 300; i++) {
        a.send(tag(i));
        s.runFor(1);
      }
      s.runFor(200); // past the hold timeout for the last held message
      const got = indices(atB);
      expect(inversions(got), `seed ${seed}`).toBeGreaterThan(30);
      expect(got.slice().sort((x, y) => x - y), `seed ${seed}`).toEqual(range(300));
    }
  });

  it('releases a held message after the hold time when no successor comes', () => {
    const { s, a, atB } = rig(20, 1, { reorderHoldMs: 40 });
    a.setFaults({ reorder: 1 }, 'out');
    const t0 = s.now();
    a.send(msg(0));
    s.runUntil(t0 + 40);
    expect(atB).toEqual([]);
    s.runUntil(t0 + 41);
    expect(atB.map((x) => [indexOf(x.bytes), x.t])).toEqual([[0, t0 + 41]]);
  });

  it('releases a held message at once when reordering is switched off', () => {
    const { s, a, atB } = rig(21);
    a.setFaults({ reorder: 1 }, 'out');
    a.send(msg(0));
    s.runFor(5);
    expect(atB).toEqual([]);
    a.setFaults({ reorder: 0 }, 'out');
    s.runFor(1);
    expect(indices(atB)).toEqual([0]);
  });
});

describe('bandwidth', () => {
  it('queues messages so N messages of B bytes at K kbps take N*B*8/K ms, dropping none', () => {
    const { s, a, atB } = rig(22);
    const [n, size, kbps] = [20, 1000, 80];
    a.setFaults({ bandwidthKbps: kbps }, 'out');
    const t0 = s.now();
    for (let i = 0; i < n; i++) a.send(new Uint8Array(size).fill(i));
    s.runFor(5000);
    expect(atB.map((x) => x.bytes[0])).toEqual(range(n));
    const perMessage = (size * 8) / kbps;
    atB.forEach((x, i) => expect(x.t - t0, `message ${i}`).toBeCloseTo((i + 1) * perMessage + 1, 6));
    expect((atB.at(-1)?.t ?? 0) - t0 - 1).toBeCloseTo((n * size * 8) / kbps, 6);
    expect(a.counters().out).toMatchObject({ sent: n, delivered: n, dropped: 0 });
    // After the queue drains, the next message waits only for itself.
    const t1 = s.now();
    a.send(new Uint8Array(size));
    s.runFor(200);
    expect((atB.at(-1)?.t ?? 0) - t1).toBeCloseTo(perMessage + 1, 6);
  });
});

describe('directions', () => {
  it("keeps 'out' and 'in' settings independent", () => {
    const { s, a, b, atA, atB } = rig(23);
    a.setFaults({ drop: 1 }, 'out');
    expect(a.faults().out.drop).toBe(1);
    expect(a.faults().in.drop).toBe(0);
    a.send(msg(0));
    b.send(msg(1, 'b'));
    s.runFor(5);
    expect(indices(atB)).toEqual([]);
    expect(indices(atA)).toEqual([1]);
    a.setFaults({ drop: 0 }, 'out');
    a.setFaults({ drop: 1 }, 'in');
    a.send(msg(2));
    b.send(msg(3, 'b'));
    s.runFor(5);
    expect(indices(atB)).toEqual([2]);
    expect(indices(atA)).toEqual([1]);
    expect(b.counters().out.delivered, "a's incoming faults do not touch b's counters").toBe(2);
  });

  it('counts exactly, per direction', () => {
    const { s, a, b } = rig(24);
    const sizes = range(5).map((i) => msg(i).length);
    const total = sizes.reduce((x, y) => x + y, 0);
    a.setFaults({ duplicate: 1, delayMs: 10 }, 'out');
    for (let i = 0; i < 5; i++) a.send(msg(i));
    s.runFor(20);
    const zero = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, delayed: 0, bytes: 0 };
    expect(a.counters()).toEqual({ out: { sent: 5, delivered: 10, dropped: 0, duplicated: 5, delayed: 10, bytes: total }, in: zero });
    expect(b.counters()).toEqual({ out: zero, in: { sent: 10, delivered: 10, dropped: 0, duplicated: 0, delayed: 0, bytes: 2 * total } });
    b.setFaults({ drop: 1 }, 'in');
    for (let i = 0; i < 3; i++) a.send(msg(i));
    s.runFor(20);
    expect(b.counters().in).toEqual({ sent: 16, delivered: 10, dropped: 6, duplicated: 0, delayed: 0, bytes: 2 * total + 2 * (total - (sizes[3] ?? 0) - (sizes[4] ?? 0)) });
  });
});

describe('journal', () => {
  it('records send, drop, duplicate and delay with the metadata passed to send()', () => {
    const { s, a, journal } = rig(25);
    const meta: MessageMeta = { msgId: 'm-1', kind: 'kv', lamport: 42, vc: { a: 3, b: 1 } };
    const raw = Uint8Array.of(9, 9, 9); // not an envelope: only meta can describe it
    a.setFaults({ duplicate: 1, delayMs: 5 }, 'out');
    const t0 = s.now();
    a.send(raw, meta);
    a.setFaults({ drop: 1 }, 'out');
    a.send(raw, meta);
    s.runFor(10);
    const base = { t: t0, node: 'a', peer: 'b', dir: 'out', msgId: 'm-1', kind: 'kv', bytes: 3, lamport: 42, vc: { a: 3, b: 1 } };
    expect(journal.events()).toEqual([
      { n: 1, type: 'send', ...base },
      { n: 2, type: 'duplicate', ...base },
      { n: 3, type: 'delay', detail: '5', ...base },
      { n: 4, type: 'delay', detail: '5', ...base },
      { n: 5, type: 'send', ...base },
      { n: 6, type: 'drop', detail: 'drop', ...base },
    ]);
  });

  it('reads incoming messages through inspect, and the receiver records no send', () => {
    const { s, a, b, journal } = rig(26);
    b.setFaults({ delayMs: 3 }, 'in');
    a.send(msg(7));
    s.runFor(10);
    expect(journal.events().map((e) => [e.type, e.node, e.peer, e.dir, e.msgId, e.kind, e.lamport, e.vc])).toEqual([
      ['send', 'a', 'b', 'out', 'a/7', 'chat', 7, { a: 7 }],
      ['delay', 'b', 'a', 'in', 'a/7', 'chat', 7, { a: 7 }],
    ]);
  });

  it('skips messages it cannot describe', () => {
    const s = createVirtualScheduler();
    const [wa] = createSimWire(s, 'a', 'b');
    const journal = createJournal();
    const a = new FaultyLink(wa, { scheduler: s, rng: createRng(27), journal });
    s.runFor(1);
    a.setFaults({ drop: 1 });
    a.send(msg(0));
    expect(journal.total).toBe(0);
    expect(a.counters().out.dropped).toBe(1);
  });
});

describe('setFaults', () => {
  it('rejects bad values with a RangeError naming the field, and applies nothing', () => {
    const { a } = rig(28);
    const before = a.faults();
    expect(() => a.setFaults({ drop: 1.5 })).toThrow(/drop/);
    expect(() => a.setFaults({ drop: 1.5 })).toThrow(RangeError);
    expect(() => a.setFaults({ delayMs: -1 })).toThrow(/delayMs/);
    expect(() => a.setFaults({ jitterMs: Number.NaN })).toThrow(/jitterMs/);
    expect(() => a.setFaults({ duplicate: -0.1 })).toThrow(/duplicate/);
    expect(() => a.setFaults({ bandwidthKbps: 0 })).toThrow(/bandwidthKbps/);
    expect(() => a.setFaults({ cut: 'yes' } as never)).toThrow(/cut/);
    expect(() => a.setFaults({ bogus: 1 } as never)).toThrow(/"bogus"/);
    expect(() => a.setFaults({ drop: 0.5, reorder: 2 }, 'out')).toThrow(/reorder/);
    expect(() => a.setFaults(null as never)).toThrow(TypeError);
    expect(a.faults()).toEqual(before);
  });

  it('merges patches and leaves unset fields alone', () => {
    const { a } = rig(29);
    a.setFaults({ drop: 0.1, delayMs: 5 });
    a.setFaults({ delayMs: 9, bandwidthKbps: null }, 'in');
    expect(a.faults().out).toMatchObject({ drop: 0.1, delayMs: 5 });
    expect(a.faults().in).toMatchObject({ drop: 0.1, delayMs: 9, bandwidthKbps: null });
  });
});

describe('close', () => {
  it('cancels delayed and held deliveries', () => {
    const { s, a, b, atB } = rig(30);
    a.setFaults({ delayMs: 50 }, 'out');
    for (let i = 0; i < 3; i++) a.send(msg(i));
    a.setFaults({ delayMs: 0, reorder: 1 }, 'out');
    a.send(msg(3));
    expect(s.pending()).toBe(4);
    s.runFor(10);
    a.close('test over');
    expect(s.pending(), 'only the close notice to b remains').toBe(1);
    s.runFor(200);
    expect(atB).toEqual([]);
    expect(a.counters().out.delivered).toBe(0);
    expect(b.state).toBe('closed');
  });

  it('drops what the incoming lane still holds when the far end closes', () => {
    const { s, a, b, atB } = rig(31);
    b.setFaults({ delayMs: 50 }, 'in');
    a.send(msg(0));
    s.runFor(5);
    expect(b.counters().in.sent).toBe(1);
    a.close();
    s.runFor(100);
    expect(b.state).toBe('closed');
    expect(atB).toEqual([]);
  });
});

describe('determinism', () => {
  const scenario = (seed: number): string => {
    const { s, a, b, journal } = rig(seed, 2);
    a.setFaults({ drop: 0.2, duplicate: 0.2, delayMs: 5, jitterMs: 20, reorder: 0.2 });
    b.setFaults({ drop: 0.1, jitterMs: 10, bandwidthKbps: 500 }, 'out');
    for (let i = 0; i < 200; i++) {
      a.send(msg(i));
      b.send(msg(i, 'b'));
      s.runFor(1);
    }
    s.runFor(500);
    return JSON.stringify({ events: journal.events(), a: a.counters(), b: b.counters() });
  };

  it('replays the same journal for the same seed, and a different one for another', () => {
    const first = scenario(32);
    expect(scenario(32)).toBe(first);
    expect(scenario(33)).not.toBe(first);
    expect(JSON.parse(first).events.length).toBeGreaterThan(800);
  });
});

describe('createJournal', () => {
  it('numbers events, keeps the newest `limit`, counts all, and notifies subscribers', () => {
    const journal = createJournal(10);
    const heard: number[] = [];
    const stop = journal.subscribe((e) => heard.push(e.n));
    const entry = { t: 0, type: 'send', node: 'a', peer: 'b', dir: 'out', msgId: 'x', kind: 'chat', bytes: 1, lamport: 0, vc: {} } as const;
    for (let i = 0; i < 200; i++) {
      journal.record({ ...entry, t: i });
      if (i === 99) stop();
    }
    expect(journal.total).toBe(200);
    expect(journal.events().map((e) => e.n)).toEqual(range(10).map((i) => 191 + i));
    expect(journal.events().map((e) => e.t)).toEqual(range(10).map((i) => 190 + i));
    expect(heard).toEqual(range(100).map((i) => i + 1));
  });
});
