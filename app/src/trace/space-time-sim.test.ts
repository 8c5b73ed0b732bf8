import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../core/journal.ts';
import { SimNetwork } from '../../../core/sim/sim-network.ts';
import { compare } from '../../../core/vector-clock.ts';
import { buildSpaceTime, causalCone, type PlacedEvent } from './space-time-model.ts';

const RUN_MS = 2400;

/** Loss, duplicates and delay on every out lane, a faulty in lane, a partition healed. */
function faultyRun(seed: number): JournalEvent[] {
  const net = new SimNetwork({ seed, nodes: 4, config: { heartbeatMs: 200 } });
  net.setAllFaults({ drop: 0.1, duplicate: 0.15, delayMs: 20, jitterMs: 20 });
  net.setFaults('n02', 'n01', { drop: 0.2, duplicate: 0.3, delayMs: 5 }, 'in');
  net.run(800);
  net.partition([['n00', 'n01'], ['n02', 'n03']]);
  net.run(800);
  net.heal();
  net.run(RUN_MS - 1600);
  return [...(net.journal?.events() ?? [])];
}

const isTick = (p: PlacedEvent): boolean => p.event.type === 'send' || p.event.type === 'deliver';

describe('space-time model of a simulated run', () => {
  const events = faultyRun(51);
  const model = buildSpaceTime(events);
  const byKey = model.byKey;
  const count = (type: JournalEvent['type']): number => events.filter((e) => e.type === type).length;

  it('accounts for every delivery and every drop with an arrow from the right send', () => {
    expect(model.lanes.map((l) => `${l.node}:${l.traced}`)).toEqual(['n00:true', 'n01:true', 'n02:true', 'n03:true']);
    const delivered = model.arrows.filter((a) => a.end.type === 'delivered');
    const dropped = model.arrows.filter((a) => a.end.type === 'dropped');
    expect(delivered).toHaveLength(count('deliver'));
    expect(dropped).toHaveLength(count('drop'));
    expect(count('drop')).toBeGreaterThan(20);
    expect(model.arrows.filter((a) => a.duplicated).length).toBeGreaterThan(10);
    expect(model.arrows.every((a) => a.start.type === 'sent')).toBe(true);
    for (const a of delivered) {
      const send = a.start.type === 'sent' ? byKey.get(a.start.event) : undefined;
      const deliver = a.end.type === 'delivered' ? byKey.get(a.end.event) : undefined;
      if (!send || !deliver) throw new Error(`arrow ${a.key} names events the model lacks`);
      expect(send.event).toMatchObject({ type: 'send', msgId: deliver.event.msgId, node: deliver.event.peer, peer: deliver.event.node });
      expect([a.from, a.to]).toEqual([send.lane, deliver.lane]);
      expect(send.y).toBeLessThanOrEqual(deliver.y);
      expect(compare(send.event.vc, deliver.event.vc)).toBe('before');
    }
  });

  it('leaves an arrow open only for a copy still on its way when the run ended', () => {
    const open = model.arrows.filter((a) => a.end.type === 'unknown');
    for (const a of open) expect(a.start.type === 'sent' && a.start.y, a.key).toBeGreaterThan(RUN_MS - 100);
    const started = new Set(model.arrows.map((a) => (a.start.type === 'sent' ? a.start.event : '')));
    expect(model.events.filter((p) => p.event.type === 'send').every((p) => started.has(p.key))).toBe(true);
  });

  it('filters by kind and window on a real trace', () => {
    const beats = buildSpaceTime(events, { kinds: new Set(['heartbeat']) });
    expect(beats.events.length).toBeGreaterThan(50);
    expect(beats.events.every((p) => p.event.kind === 'heartbeat') && beats.arrows.every((a) => a.kind === 'heartbeat')).toBe(true);
    const window = { from: 1000, to: 1300 };
    const slice = buildSpaceTime(events, { window });
    expect(slice.events.length).toBeGreaterThan(10);
    expect(slice.events.every((p) => p.y >= window.from && p.y <= window.to)).toBe(true);
    for (const a of slice.arrows) {
      const ys = [a.start.type === 'sent' ? a.start.y : Infinity, a.end.type === 'unknown' ? -Infinity : a.end.y];
      expect(Math.min(...ys) <= window.to && Math.max(...ys.filter(Number.isFinite)) >= window.from, a.key).toBe(true);
    }
    expect(slice.arrows.length).toBeLessThan(model.arrows.length / 3);
  });

  it('computes cones that agree with compare() on every pair of sends and deliveries', () => {
    const ticks = model.events.filter(isTick);
    expect(ticks.length).toBeGreaterThan(200);
    // Mismatches are collected, not asserted one by one: 100 000 expect calls take seconds.
    const wrong: string[] = [];
    for (const x of ticks) {
      const cone = causalCone(model, x.key);
      for (const e of ticks) {
        if (e === x) continue;
        const order = compare(e.event.vc, x.event.vc);
        if (cone.past.has(e.key) !== (order === 'before') || cone.future.has(e.key) !== (order === 'after')) wrong.push(`${e.key} is ${order} ${x.key}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('puts every fault after its send and before nothing, and keeps every past closed under the relation', () => {
    const faults = model.events.filter((p) => !isTick(p));
    expect(faults.length).toBeGreaterThan(50);
    const sendOf = (f: PlacedEvent): PlacedEvent | undefined => {
      const sender = f.event.dir === 'out' ? f.event.node : f.event.peer;
      return model.events.find((p) => p.event.type === 'send' && p.event.node === sender && p.event.lamport === f.event.lamport && p.event.msgId === f.event.msgId);
    };
    const wrong: string[] = [];
    for (const f of faults) {
      const cone = causalCone(model, f.key);
      if (cone.future.size > 0) wrong.push(`${f.key} has a future`);
      if (!cone.past.has(sendOf(f)?.key ?? 'missing')) wrong.push(`${f.key} is not after its send`);
    }
    // Transitivity on a sample: the past of anything in x's past lies in x's past.
    const pasts = new Map(model.events.map((p) => [p.key, causalCone(model, p.key).past]));
    for (const x of model.events.filter((_, i) => i % 10 === 0)) {
      const past = pasts.get(x.key) ?? new Set<string>();
      for (const key of past) for (const earlier of pasts.get(key) ?? []) if (!past.has(earlier)) wrong.push(`${earlier} < ${key} < ${x.key}`);
    }
    expect(wrong).toEqual([]);
  });
});
