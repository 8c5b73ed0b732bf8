import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../core/journal.ts';
import type { VectorClock } from '../../../core/vector-clock.ts';
import { buildSpaceTime, causalCone, eventKey, type Arrow } from './space-time-model.ts';

/** Hand-made journals: one shared numbering, as the simulator's journal has. */
function journal() {
  const events: JournalEvent[] = [];
  const add = (t: number, type: JournalEvent['type'], node: string, peer: string, msgId: string, vc: VectorClock, extra: Partial<JournalEvent> = {}): JournalEvent => {
    const e: JournalEvent = { n: events.length + 1, t, type, node, peer, dir: type === 'deliver' ? 'in' : 'out', msgId, kind: 'chat', bytes: 10, lamport: vc[node] ?? 0, vc, ...extra };
    events.push(e);
    return e;
  };
  return { events, add };
}

/** a and b are traced; c only receives (its trace not shared); d only sends (likewise). */
function scenario() {
  const { events, add } = journal();
  const m1 = add(0, 'send', 'a', 'b', 'm1', { a: 1 });
  const m1delay = add(1, 'delay', 'b', 'a', 'm1', { a: 1 }, { dir: 'in', lamport: 1, detail: '4' });
  const m1in = add(5, 'deliver', 'b', 'a', 'm1', { a: 1, b: 1 });
  const m2 = add(10, 'send', 'a', 'b', 'm2', { a: 2 });
  add(10, 'duplicate', 'a', 'b', 'm2', { a: 2 });
  const m2in = [add(15, 'deliver', 'b', 'a', 'm2', { a: 2, b: 2 }), add(16, 'deliver', 'b', 'a', 'm2', { a: 2, b: 3 })];
  const m3 = add(20, 'send', 'a', 'b', 'm3', { a: 3 });
  const m3drop = add(20, 'drop', 'a', 'b', 'm3', { a: 3 }, { detail: 'drop' });
  const m4 = add(30, 'send', 'a', 'c', 'm4', { a: 4 });
  const m5in = add(40, 'deliver', 'b', 'd', 'm5', { b: 4, d: 7 });
  const m6 = [add(50, 'send', 'a', 'b', 'm6', { a: 5 }), add(60, 'send', 'a', 'b', 'm6', { a: 6 })];
  const m6in = [add(55, 'deliver', 'b', 'a', 'm6', { a: 5, b: 5, d: 7 }), add(65, 'deliver', 'b', 'a', 'm6', { a: 6, b: 6, d: 7 })];
  const hb = add(70, 'send', 'b', 'a', 'b/1', { a: 5, b: 7, d: 7 }, { kind: 'heartbeat' });
  // Both deliveries of m7 know both sends (as if a third node had relayed a:8 first): only arrival order pairs them.
  const m7 = [add(80, 'send', 'a', 'b', 'm7', { a: 7 }), add(82, 'send', 'a', 'b', 'm7', { a: 8 })];
  const m7in = [add(90, 'deliver', 'b', 'a', 'm7', { a: 8, b: 8, d: 7 }), add(91, 'deliver', 'b', 'a', 'm7', { a: 8, b: 9, d: 7 })];
  return { events, m1, m1delay, m1in, m2, m2in, m3, m3drop, m4, m5in, m6, m6in, hb, m7, m7in };
}

const k = eventKey;
const summary = (a: Arrow): string =>
  `${a.msgId} ${a.start.type === 'sent' ? a.start.event : '?'} -> ${a.end.type === 'unknown' ? '?' : `${a.end.type} ${a.end.event}`}${a.duplicated ? ' dup' : ''}${a.delayed ? ' delayed' : ''}`;

describe('space-time model', () => {
  it('gives one lane per node, in first-seen, sorted or given order, and knows which are traced', () => {
    const { events } = scenario();
    const lanes = (order?: 'sorted' | readonly string[]) => buildSpaceTime(events, order ? { lanes: order } : {}).lanes;
    expect(lanes().map((l) => `${l.index}:${l.node}:${l.traced}`)).toEqual(['0:a:true', '1:b:true', '2:c:false', '3:d:false']);
    expect(lanes('sorted').map((l) => l.node)).toEqual(['a', 'b', 'c', 'd']);
    expect(lanes(['d', 'b']).map((l) => l.node)).toEqual(['d', 'b', 'a', 'c']);
    expect(buildSpaceTime(events.slice().reverse()).lanes.map((l) => l.node)).toEqual(['b', 'a', 'd', 'c']);
  });

  it('places each event on its lane at its time', () => {
    const s = scenario();
    const model = buildSpaceTime(s.events);
    expect(model.events).toHaveLength(s.events.length);
    expect(model.byKey.get(k(s.m5in))).toMatchObject({ lane: 1, y: 40, event: s.m5in });
    expect(model.events.map((p) => p.y)).toEqual([...model.events.map((p) => p.y)].sort((x, y) => x - y));
    expect(model.span).toEqual({ from: 0, to: 91 });
  });

  it('matches sends to deliveries, drops, duplicates, delays and missing ends', () => {
    const s = scenario();
    const arrows = buildSpaceTime(s.events).arrows.map(summary).sort();
    expect(arrows).toEqual(
      [
        `m1 ${k(s.m1)} -> delivered ${k(s.m1in)} delayed`,
        `m2 ${k(s.m2)} -> delivered ${k(s.m2in[0] as JournalEvent)} dup`,
        `m2 ${k(s.m2)} -> delivered ${k(s.m2in[1] as JournalEvent)} dup`,
        `m3 ${k(s.m3)} -> dropped ${k(s.m3drop)}`,
        `m4 ${k(s.m4)} -> ?`,
        `m5 ? -> delivered ${k(s.m5in)}`,
        `m6 ${k(s.m6[0] as JournalEvent)} -> delivered ${k(s.m6in[0] as JournalEvent)}`,
        `m6 ${k(s.m6[1] as JournalEvent)} -> delivered ${k(s.m6in[1] as JournalEvent)}`,
        `b/1 ${k(s.hb)} -> ?`,
        `m7 ${k(s.m7[0] as JournalEvent)} -> delivered ${k(s.m7in[0] as JournalEvent)}`,
        `m7 ${k(s.m7[1] as JournalEvent)} -> delivered ${k(s.m7in[1] as JournalEvent)}`,
      ].sort(),
    );
    const model = buildSpaceTime(s.events);
    const drop = model.arrows.find((a) => a.msgId === 'm3');
    expect(drop?.end).toEqual({ type: 'dropped', event: k(s.m3drop), y: 20, where: 'out', reason: 'drop' });
    expect(model.arrows.find((a) => a.msgId === 'm4')).toMatchObject({ from: 0, to: 2 });
    expect(model.arrows.find((a) => a.msgId === 'm1')?.faults).toEqual([k(s.m1delay)]);
  });

  it('filters by kind and by time window, keeping arrows that cross the window', () => {
    const s = scenario();
    const chatOnly = buildSpaceTime(s.events, { kinds: new Set(['chat']) });
    expect(chatOnly.events.some((p) => p.event.kind === 'heartbeat')).toBe(false);
    expect(chatOnly.arrows.some((a) => a.kind === 'heartbeat')).toBe(false);
    expect(chatOnly.lanes).toHaveLength(4);
    const heartbeats = buildSpaceTime(s.events, { kinds: new Set(['heartbeat']) });
    expect(heartbeats.events.map((p) => p.key)).toEqual([k(s.hb)]);

    const window = buildSpaceTime(s.events, { window: { from: 52, to: 58 } });
    expect(window.events.map((p) => p.key)).toEqual([k(s.m6in[0] as JournalEvent)]);
    // m6's first copy starts before the window and ends inside it; nothing else crosses 52..58.
    expect(window.arrows.map(summary)).toEqual([`m6 ${k(s.m6[0] as JournalEvent)} -> delivered ${k(s.m6in[0] as JournalEvent)}`]);
    expect(buildSpaceTime(s.events, { window: { from: 56, to: 59 } }).arrows.map((a) => a.msgId)).toEqual([]);
    expect(buildSpaceTime(s.events, { window: { from: 100, to: 200 } }).span).toBeNull();
  });

  it('shows each event once when it arrives both in the journal and in a shared trace', () => {
    const s = scenario();
    const model = buildSpaceTime([...s.events, ...s.events.filter((e) => e.node === 'b')]);
    expect(model.events).toHaveLength(s.events.length);
    expect(model.arrows).toHaveLength(buildSpaceTime(s.events).arrows.length);
  });
});

describe('causal cone', () => {
  /** a's message to b is dropped on b's in lane; b and c talk before and after; a talks to c later. */
  function dropAtReceiver() {
    const { events, add } = journal();
    const sendM = add(0, 'send', 'a', 'b', 'm', { a: 1 });
    const sendX = add(1, 'send', 'b', 'c', 'x', { b: 1 });
    const deliverX = add(2, 'deliver', 'c', 'b', 'x', { b: 1, c: 1 });
    const dropM = add(5, 'drop', 'b', 'a', 'm', { a: 1 }, { dir: 'in', lamport: 1, detail: 'drop' });
    const sendY = add(6, 'send', 'b', 'c', 'y', { b: 2 });
    const deliverY = add(7, 'deliver', 'c', 'b', 'y', { b: 2, c: 2 });
    const sendZ = add(8, 'send', 'a', 'c', 'z', { a: 2 });
    const deliverZ = add(9, 'deliver', 'c', 'a', 'z', { a: 2, b: 2, c: 3 });
    return { model: buildSpaceTime(events), sendM, sendX, deliverX, dropM, sendY, deliverY, sendZ, deliverZ };
  }
  const keys = (...events: JournalEvent[]): string[] => events.map(k).sort();
  const cone = (model: ReturnType<typeof buildSpaceTime>, e: JournalEvent) => {
    const c = causalCone(model, k(e));
    return { past: [...c.past].sort(), future: [...c.future].sort() };
  };

  it('places a drop on the receiving lane after its send and its lane\'s past, and before nothing', () => {
    const s = dropAtReceiver();
    expect(cone(s.model, s.dropM)).toEqual({ past: keys(s.sendM, s.sendX), future: [] });
    // The lost message reached no one: b's next send and c's deliveries do not know a's send.
    expect(cone(s.model, s.sendM)).toEqual({ past: [], future: keys(s.dropM, s.sendZ, s.deliverZ) });
    expect(cone(s.model, s.sendY)).toEqual({ past: keys(s.sendX), future: keys(s.deliverY, s.deliverZ) });
    expect(cone(s.model, s.deliverZ)).toEqual({ past: keys(s.sendM, s.sendX, s.deliverX, s.sendY, s.deliverY, s.sendZ), future: [] });
  });

  it('treats the sends of one multicast as one tick, and rejects keys it does not show', () => {
    const { events, add } = journal();
    const toB = add(0, 'send', 'a', 'b', 'g', { a: 1 });
    const toC = add(0, 'send', 'a', 'c', 'g', { a: 1 });
    const atB = add(3, 'deliver', 'b', 'a', 'g', { a: 1, b: 1 });
    const model = buildSpaceTime(events);
    expect(cone(model, toB)).toEqual({ past: [], future: keys(atB) });
    expect(cone(model, toC)).toEqual({ past: [], future: keys(atB) });
    expect(() => causalCone(model, 'a#99')).toThrow(/no event a#99 in this diagram/);
    expect(() => causalCone(buildSpaceTime(events, { window: { from: 2, to: 9 } }), k(toB))).toThrow(RangeError);
  });
});
