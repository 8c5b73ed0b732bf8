import { describe, expect, it } from 'vitest';
import type { NodeReport } from '../runtime/control-report.ts';
import { circleLayout, topologyEdges } from './topology.ts';

const report = (links: string[], cut: string[] = []): NodeReport => ({
  name: 'x',
  crashed: false,
  partitioned: false,
  mode: 'causal',
  degree: links.length,
  clock: { lamport: 0, own: 0, sum: 0, entries: 0 },
  members: {},
  links,
  cut,
  counters: {},
  totals: [0, 0, 0, 0, 0],
  commands: { applied: 0, refused: 0, lastSeq: 0 },
});

describe('topology', () => {
  it('is the union of reported links among present members, cut when either end cuts', () => {
    const reports = new Map([
      ['a', report(['b', 'c', 'gone'])],
      ['c', report(['a', 'd'], ['d'])],
    ]);
    expect(topologyEdges(['a', 'b', 'c', 'd'], reports)).toEqual([
      { a: 'a', b: 'b', cut: false },
      { a: 'a', b: 'c', cut: false },
      { a: 'c', b: 'd', cut: true },
    ]);
  });

  it('lays members on a circle, the first at the top', () => {
    const at = circleLayout(['a', 'b', 'c', 'd'], 200, 20);
    expect([at.get('a'), at.get('b'), at.get('c'), at.get('d')]).toEqual([
      { x: 100, y: 20 },
      { x: 180, y: 100 },
      { x: 100, y: 180 },
      { x: 20, y: 100 },
    ]);
  });
});
