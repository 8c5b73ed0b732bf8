import { describe, expect, it } from 'vitest';
import type { NodeReport } from '../runtime/control-report.ts';
import { memberRows, SILENT_AFTER_MS } from './member-rows.ts';
import { emptyPlan, reconcile } from './room-plan.ts';

const report = (members: Record<string, 'alive' | 'suspected' | 'dead'>, crashed = false): NodeReport => ({
  name: 'x',
  crashed,
  partitioned: false,
  mode: 'fifo',
  degree: 2,
  clock: { lamport: 9, own: 3, sum: 7, entries: 3 },
  members,
  links: [],
  cut: [],
  counters: {},
  totals: [5, 4, 1, 0, 0],
  commands: { applied: 0, refused: 0, lastSeq: 0 },
});

describe('member rows', () => {
  it('combine join order, board, reports and how the others see each member', () => {
    const members = [
      { id: 'a', name: 'Ada' },
      { id: 'b', name: 'Bo' },
      { id: 'c', name: 'Cy' },
    ];
    const plan = { ...reconcile(emptyPlan(), ['a', 'b', 'c']), isolated: ['c'] };
    const reports = new Map([
      ['a', { report: report({ b: 'alive', c: 'dead' }), at: 1000 }],
      ['b', { report: report({ a: 'suspected', c: 'alive' }, true), at: 1000 }],
    ]);
    const rows = memberRows(members, reports, plan, 1000 + SILENT_AFTER_MS + 1);
    expect(rows.map((r) => [r.number, r.group, r.isolated, r.presence, r.aliveFor, r.reporters])).toEqual([
      [1, 0, false, 'silent', 0, 1],
      [2, 1, false, 'crashed', 1, 1],
      [3, 0, true, 'waiting', 1, 2],
    ]);
    expect(rows[0]).toMatchObject({ degree: 2, clock: { lamport: 9, own: 3, sum: 7 }, totals: [5, 4, 1, 0, 0], mode: 'fifo' });
    expect(rows[2]).toMatchObject({ degree: null, clock: null, totals: null });
  });
});
