import { describe, expect, it } from 'vitest';
import { createJournal, type JournalEvent } from './journal.ts';
import { createRng } from './rng.ts';
import { SimNetwork } from './sim/sim-network.ts';
import { createVirtualScheduler } from './sim/virtual-scheduler.ts';
import { FakeNetwork } from './testing/fake-transport.ts';
import { createTraceShare, type TraceShare, type TraceShareOptions } from './trace-share.ts';
import { decodeSummary, encodeSummary, MAX_SUMMARY_BYTES } from './trace-share-codec.ts';

type Limits = Pick<TraceShareOptions, 'maxEventsPerSummary' | 'maxEventsPerNode' | 'maxNodes'>;

/** Four simulated nodes, each with trace sharing; summaries sent are decoded and kept per origin. */
function mesh(seed: number, limits: Limits = {}) {
  const shares = new Map<string, TraceShare>();
  const sent = new Map<string, JournalEvent[][]>();
  const net = new SimNetwork({
    seed,
    nodes: 4,
    config: { heartbeatMs: 200 },
    setup: (node, _rng, scheduler) => {
      const dissemination = {
        onBroadcast: node.gossip.onBroadcast.bind(node.gossip),
        broadcast: (...args: Parameters<typeof node.gossip.broadcast>) => {
          const decoded = decodeSummary(args[1], node.id);
          if (!decoded.ok) throw new Error(decoded.error.message);
          sent.set(node.id, [...(sent.get(node.id) ?? []), decoded.value]);
          return node.gossip.broadcast(...args);
        },
      };
      const journal = node.journal ?? createJournal();
      shares.set(node.id, createTraceShare({ self: node.id, journal, dissemination, scheduler, onError: node.errors.sink, intervalMs: 500, ...limits }));
    },
  });
  const share = (id: string): TraceShare => shares.get(id) as TraceShare;
  return { net, share, sent, journal: () => net.journal?.events() ?? [] };
}

describe('trace sharing over a simulated mesh', () => {
  it('is off by default: nothing is sent and nothing arrives', () => {
    const { net, share, journal } = mesh(21);
    net.run(3000);
    expect(journal().filter((e) => e.kind === 'trace')).toEqual([]);
    for (const id of net.ids()) {
      expect(share(id).sharing()).toBe(false);
      expect(share(id).remoteEvents()).toEqual([]);
    }
  });

  it('when on, the other nodes receive exactly the events that node recorded, and it stops when off', () => {
    const { net, share, sent, journal } = mesh(22);
    net.run(1000);
    let changes = 0;
    share('n02').onChange(() => (changes += 1));
    share('n01').setSharing(true);
    expect(share('n01').sharing()).toBe(true);
    net.run(2600);
    const own = new Map(journal().filter((e) => e.node === 'n01').map((e) => [e.n, e]));
    for (const id of ['n00', 'n02', 'n03']) {
      const got = share(id).remoteEvents();
      expect(got.length, id).toBeGreaterThan(50);
      expect(got.every((e) => e.node === 'n01' && own.get(e.n) !== undefined)).toBe(true);
      expect(got).toEqual(got.map((e) => own.get(e.n)));
      expect(got.map((e) => e.n)).toEqual([...got.map((e) => e.n)].sort((a, b) => a - b));
    }
    expect(share('n01').remoteEvents()).toEqual([]);
    expect(changes).toBeGreaterThan(1);
    // No event is sent twice: each summary starts after the last one.
    const summaries = sent.get('n01') ?? [];
    const ns = summaries.flat().map((e) => e.n);
    expect(new Set(ns).size).toBe(ns.length);
    share('n01').setSharing(false);
    const count = summaries.length;
    net.run(2000);
    expect(sent.get('n01')?.length).toBe(count);
    expect(net.node('n00').errors.total).toBe(0);
  });

  it("shares every kind of event but the summaries' own sends and deliveries", () => {
    const { net, share, sent, journal } = mesh(24);
    for (const id of net.ids()) share(id).setSharing(true);
    net.run(3000);
    for (const id of net.ids()) share(id).setSharing(false);
    const shared = (sent.get('n01') ?? []).flat();
    const traced = journal().filter((e) => e.node === 'n01' && e.kind === 'trace');
    // The room did carry summaries, and n01 recorded them: they are what is left out.
    expect(traced.length).toBeGreaterThan(0);
    expect(shared.filter((e) => e.kind === 'trace')).toEqual([]);
    const kinds = new Set(shared.map((e) => e.kind));
    expect(kinds.has('heartbeat')).toBe(true);
    const sharedNs = new Set(shared.map((e) => e.n));
    const lastShared = Math.max(...sharedNs);
    const expected = journal().filter((e) => e.node === 'n01' && e.kind !== 'trace' && e.n <= lastShared && e.n > Math.min(...sharedNs));
    expect(expected.filter((e) => !sharedNs.has(e.n))).toEqual([]);
  });

  it('keeps every bound: events per summary and events per node', () => {
    const { net, share, sent } = mesh(23, { maxEventsPerSummary: 5, maxEventsPerNode: 12 });
    for (const id of net.ids()) share(id).setSharing(true);
    net.run(4000);
    for (const id of net.ids()) {
      expect(Math.max(...(sent.get(id) ?? []).map((s) => s.length))).toBe(5);
      const perNode = new Map<string, number>();
      for (const e of share(id).remoteEvents()) perNode.set(e.node, (perNode.get(e.node) ?? 0) + 1);
      expect([...perNode.keys()].sort()).toEqual(net.ids().filter((other) => other !== id));
      expect([...perNode.values()], id).toEqual([12, 12, 12]);
    }
  });

  it('keeps at most maxNodes nodes, forgetting the one heard from least recently', () => {
    const { net, share } = mesh(26, { maxNodes: 2 });
    for (const id of ['n01', 'n02', 'n03']) share(id).setSharing(true);
    net.run(1200);
    expect([...new Set(share('n00').remoteEvents().map((e) => e.node))]).toHaveLength(2);
    share('n02').setSharing(false);
    net.run(2000);
    expect([...new Set(share('n00').remoteEvents().map((e) => e.node))]).toEqual(['n01', 'n03']);
  });

  it('rejects bad options loudly', () => {
    const { net } = mesh(24);
    const node = net.node('n00');
    const base = { self: 'n00', journal: createJournal(), dissemination: node.gossip, scheduler: net.scheduler, onError: node.errors.sink };
    expect(() => createTraceShare({ ...base, intervalMs: 0 })).toThrow(/intervalMs must be an integer from 50/);
    expect(() => createTraceShare({ ...base, maxEventsPerSummary: 5000 })).toThrow(/maxEventsPerSummary/);
  });
});

describe('trace summaries from peers', () => {
  const sample = (origin: string, ns: number[]): JournalEvent[] =>
    ns.map((n) => ({ n, t: n * 10, type: n % 2 === 0 ? 'send' : 'drop', node: origin, peer: 'b', dir: 'out', msgId: `${origin}/${n}`, kind: 'chat', bytes: 40, lamport: n, vc: { [origin]: n, b: 2 }, ...(n % 2 === 0 ? {} : { detail: 'cut' }) }));

  function pair() {
    const net = new FakeNetwork(createRng(31), { order: 'fifo' });
    const a = net.addNode('a');
    const b = net.addNode('b');
    net.link('a', 'b');
    const errors: string[] = [];
    const share = createTraceShare({ self: 'b', journal: createJournal(), dissemination: b.dissemination, scheduler: createVirtualScheduler(), onError: (source, code, detail) => void errors.push(`${source}:${code}: ${detail}`) });
    const send = (payload: Uint8Array): void => {
      a.dissemination.broadcast('trace', payload, { ephemeral: true });
      net.deliverAll();
    };
    return { share, errors, send };
  }

  it('are counted as errors when malformed, never thrown, and lose nothing already kept', () => {
    const { share, errors, send } = pair();
    send(encodeSummary(sample('a', [2, 3])));
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    const bad = [
      new Uint8Array([0xff, 0xfe, 0x7b]),
      text('{"v":1,'),
      text('{"v":2,"ids":[],"e":[]}'),
      text('{"v":1,"ids":["b"],"e":[[1,0,9,0,0,"m","chat",1,1,[]]]}'),
      text('{"v":1,"ids":["b"],"e":[[1,0,0,0,0,"m","mail",1,1,[]]]}'),
      text('{"v":1,"ids":["b"],"e":[[1,0,0,0,0,"m","chat",1,1,[0,-2]]]}'),
      text('{"v":1,"ids":["b"],"e":[[2,0,0,0,0,"m","chat",1,1,[]],[1,0,0,0,0,"m","chat",1,1,[]]]}'),
      new Uint8Array(MAX_SUMMARY_BYTES + 1),
    ];
    for (const payload of bad) send(payload);
    expect(errors.map((e) => e.split(': ')[0])).toEqual(['trace:malformed', 'trace:malformed', 'trace:bad-version', 'trace:malformed', 'trace:unknown-kind', 'trace:malformed', 'trace:malformed', 'trace:oversized']);
    expect(errors[3]).toMatch(/from a: summary event 0: type 9 is not an event type number/);
    expect(errors[6]).toMatch(/summary event 1: n 1 does not follow 2/);
    expect(share.remoteEvents()).toEqual(sample('a', [2, 3]));
  });

  it('merge out-of-order and repeated summaries by event number', () => {
    const { share, send } = pair();
    send(encodeSummary(sample('a', [5, 6])));
    send(encodeSummary(sample('a', [1, 2])));
    send(encodeSummary(sample('a', [5, 6, 7])));
    expect(share.remoteEvents().map((e) => e.n)).toEqual([1, 2, 5, 6, 7]);
  });

  it('round-trip through the compact encoding, clocks rebuilt from their changes', () => {
    const net = new SimNetwork({ seed: 25, nodes: 5, config: { heartbeatMs: 200 } });
    net.setAllFaults({ drop: 0.2, delayMs: 10 });
    net.run(4000);
    const events = (net.journal?.events() ?? []).filter((e) => e.node === 'n02').slice(-200);
    expect(events.length).toBe(200);
    const bytes = encodeSummary(events);
    expect(bytes.length).toBeLessThan(30_000);
    expect(decodeSummary(bytes, 'n02')).toEqual({ ok: true, value: events });
  });

  it('never throw on 5 000 seeded mutations of a valid summary', () => {
    const seed = 7201;
    const rng = createRng(seed);
    const valid = encodeSummary(sample('a', [1, 2, 3, 4]));
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const bytes = valid.slice();
      for (let k = 0, edits = 1 + rng.int(3); k < edits; k++) bytes[rng.int(bytes.length)] = rng.int(256);
      const decoded = (() => {
        try {
          return decodeSummary(bytes, 'a');
        } catch (err) {
          throw new Error(`seed ${seed}, case ${i}: threw ${String(err)}`);
        }
      })();
      if (decoded.ok) accepted += 1;
    }
    expect(accepted, `seed ${seed}`).toBeGreaterThan(0);
  });
});
