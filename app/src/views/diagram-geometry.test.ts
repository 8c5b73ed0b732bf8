import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../core/journal.ts';
import { buildSpaceTime, eventKey, type Arrow } from '../trace/space-time-model.ts';
import { arrowShape, describeEvent, stepEvent, type DiagramScale } from './diagram-geometry.ts';

const scale: DiagramScale = { laneX: (lane) => 100 * lane, y: (t) => t };
const arrow = (start: Arrow['start'], end: Arrow['end']): Arrow => ({ key: 'k', msgId: 'm', kind: 'chat', from: 0, to: 2, start, end, duplicated: false, delayed: false, faults: [] });

describe('arrowShape', () => {
  it('runs from send to delivery with a head', () => {
    expect(arrowShape(arrow({ type: 'sent', event: 's', y: 10 }, { type: 'delivered', event: 'd', y: 30 }), scale)).toEqual({ x1: 0, y1: 10, x2: 200, y2: 30, ending: 'head' });
  });

  it('ends in a cross part way for a drop on the way out, at the receiver for one on the way in', () => {
    const out = arrowShape(arrow({ type: 'sent', event: 's', y: 10 }, { type: 'dropped', event: 'x', y: 10, where: 'out', reason: 'cut' }), scale);
    expect(out).toMatchObject({ x1: 0, y1: 10, x2: 80, ending: 'cross' });
    expect(out.y2).toBeGreaterThan(10);
    const inbound = arrowShape(arrow({ type: 'sent', event: 's', y: 10 }, { type: 'dropped', event: 'x', y: 40, where: 'in', reason: 'drop' }), scale);
    expect(inbound).toEqual({ x1: 0, y1: 10, x2: 200, y2: 40, ending: 'cross' });
  });

  it('draws a stub for an unknown end, and starts an unknown send just above its delivery', () => {
    expect(arrowShape(arrow({ type: 'sent', event: 's', y: 10 }, { type: 'unknown' }), scale)).toMatchObject({ x1: 0, y1: 10, x2: 170, ending: 'open' });
    expect(arrowShape(arrow({ type: 'unknown' }, { type: 'delivered', event: 'd', y: 50 }), scale)).toMatchObject({ x1: 0, y1: 36, x2: 200, y2: 50 });
  });
});

const e = (n: number, t: number, node: string, type: JournalEvent['type'], peer: string, vc: Record<string, number>, detail?: string): JournalEvent => ({
  n, t, type, node, peer, dir: type === 'deliver' ? 'in' : 'out', msgId: `m${n}`, kind: 'kv', bytes: 1, lamport: 1, vc, ...(detail ? { detail } : {}),
});

describe('events for people and keyboards', () => {
  const events = [e(1, 0, 'a', 'send', 'b', { a: 1 }), e(2, 5, 'b', 'deliver', 'a', { a: 1, b: 1 }), e(3, 9, 'a', 'send', 'c', { a: 2 }), e(4, 9, 'a', 'delay', 'c', { a: 2 }, '300'), e(5, 20, 'c', 'send', 'a', { c: 1 })];
  const model = buildSpaceTime(events, { lanes: ['a', 'b', 'c'] });
  const key = (i: number): string => eventKey(events[i] as JournalEvent);

  it('describes each event with names', () => {
    const names = (id: string): string => id.toUpperCase();
    expect(model.events.map((p) => describeEvent(p, names))).toEqual(['send kv to B', 'deliver kv from A', 'send kv to C', 'delay kv to C by 300 ms', 'send kv to A']);
  });

  it('moves along a lane in time, and across lanes to the nearest event in time', () => {
    expect(stepEvent(model, null, 'down')).toBe(key(4));
    expect(stepEvent(model, key(0), 'down')).toBe(key(2));
    expect(stepEvent(model, key(2), 'up')).toBe(key(0));
    expect(stepEvent(model, key(0), 'up')).toBe(key(0));
    expect(stepEvent(model, key(2), 'right')).toBe(key(1));
    expect(stepEvent(model, key(1), 'right')).toBe(key(4));
    expect(stepEvent(model, key(4), 'right')).toBe(key(4));
    expect(stepEvent(model, key(4), 'first')).toBe(key(0));
    expect(stepEvent(buildSpaceTime([]), null, 'last')).toBeNull();
  });
});
