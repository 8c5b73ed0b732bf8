import { describe, expect, it } from 'vitest';
import { SlotLayout, slotPoint, slotRing } from './slot-layout.ts';

const round = (p: { x: number; y: number }): string => `${(p.x + 0).toFixed(2).replace('-0.00', '0.00')},${(p.y + 0).toFixed(2).replace('-0.00', '0.00')}`;

describe('SlotLayout', () => {
  it('puts this node at the centre and spreads the first others around the first ring', () => {
    const layout = new SlotLayout();
    const at = layout.place('me', ['a', 'b']);
    expect(round(at.get('me') as { x: number; y: number })).toBe('0.00,0.00');
    // Bit-reversed filling: the second member sits opposite the first.
    expect(round(at.get('a') as { x: number; y: number })).toBe('0.00,-1.00');
    expect(round(at.get('b') as { x: number; y: number })).toBe('0.00,1.00');
    expect(layout.rings).toBe(1);
  });

  it('keeps everyone where they were when members join and leave', () => {
    const layout = new SlotLayout();
    const first = layout.place('me', ['m', 'c', 'x']);
    const second = layout.place('me', ['a', 'c', 'm', 'x', 'z']);
    for (const id of ['m', 'c', 'x']) expect(second.get(id)).toEqual(first.get(id));
    const third = layout.place('me', ['a', 'm', 'z']);
    for (const id of ['a', 'm', 'z']) expect(third.get(id)).toEqual(second.get(id));
    // c's slot was freed; a newcomer takes it rather than widening the graph.
    expect(layout.place('me', ['a', 'm', 'z', 'new']).get('new')).toEqual(first.get('c'));
  });

  it('never gives two members one slot, and opens a second ring after eight', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `n${i}`);
    const layout = new SlotLayout();
    const at = layout.place('me', ids);
    expect(new Set([...at.values()].map(round)).size).toBe(31);
    expect(layout.rings).toBe(3);
    expect(slotRing(7)).toBe(1);
    expect(slotRing(8)).toBe(2);
    expect(Math.hypot(slotPoint(8).x, slotPoint(8).y)).toBeCloseTo(2);
  });
});
