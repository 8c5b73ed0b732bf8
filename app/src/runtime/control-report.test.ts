import { describe, expect, it } from 'vitest';
import { MAX_REPORT_BYTES } from '../../../signaling/control-frames.ts';
import { buildReport, parseNodeReport, type ReportInputs } from './control-report.ts';

const stats = (n: number) => ({ sent: n, received: n + 1, dropped: 1, duplicated: 0, delayed: 2 });

const inputs: ReportInputs = {
  self: 'a',
  name: 'Ada',
  crashed: false,
  partitioned: true,
  mode: 'causal',
  clock: { lamport: 12, vector: { a: 4, b: 3, c: 1 } },
  members: [
    { id: 'a', status: 'alive' },
    { id: 'b', status: 'alive' },
    { id: 'c', status: 'suspected' },
  ],
  openLinks: ['b'],
  cut: ['c'],
  stats: { b: stats(10), c: stats(5) },
  commands: { applied: 2, refused: 1, lastSeq: 3 },
};

describe('node reports', () => {
  it('summarise the node, and parse back to the same thing', () => {
    const report = buildReport(inputs);
    expect(report).toMatchObject({
      degree: 1,
      clock: { lamport: 12, own: 4, sum: 8, entries: 3 },
      members: { b: 'alive', c: 'suspected' },
      counters: { b: [10, 11, 1, 0, 2], c: [5, 6, 1, 0, 2] },
      totals: [15, 17, 2, 0, 4],
    });
    expect(parseNodeReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('fit the server limit for a full room of 64 members, dropping per-link counters first', () => {
    const ids = Array.from({ length: 64 }, (_, i) => `node${String(i).padStart(8, '0')}`);
    const big: ReportInputs = {
      ...inputs,
      members: ids.map((id) => ({ id, status: 'alive' })),
      openLinks: ids,
      cut: ids,
      clock: { lamport: 1e9, vector: Object.fromEntries(ids.map((id) => [id, 1e9])) },
      stats: Object.fromEntries(ids.map((id) => [id, stats(1e9)])),
    };
    const size = (v: unknown): number => new TextEncoder().encode(JSON.stringify(v)).length;
    expect(size(buildReport(big))).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    const tight = buildReport(big, 6000);
    expect(tight.counters).toEqual({});
    expect(tight.totals[0]).toBe(64e9);
    expect(size(tight)).toBeLessThanOrEqual(6000);
  });

  it.each([
    ['not an object', 'report'],
    ['a bad liveness', { members: { b: 'zombie' } }],
    ['a member id with spaces', { members: { 'b c': 'alive' } }],
    ['negative counters', { totals: [-1, 0, 0, 0, 0] }],
    ['a link that is not an id', { links: ['<script>'] }],
    ['an unknown mode', { mode: 'total' }],
    ['a name past 64 characters', { name: 'x'.repeat(65) }],
  ])('are refused by the instructor when they hold %s', (_, change) => {
    const forged = typeof change === 'string' ? change : { ...buildReport(inputs), ...change };
    expect(parseNodeReport(forged)).toBeNull();
  });
});
