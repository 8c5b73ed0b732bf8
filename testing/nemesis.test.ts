import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, planNemesis } from './nemesis.ts';

describe('planNemesis', () => {
  it('is a function of the seed', () => {
    const shape = { nodes: 6, durationMs: 45_000 };
    expect(planNemesis(7, shape)).toEqual(planNemesis(7, shape));
    expect(planNemesis(7, shape)).not.toEqual(planNemesis(8, shape));
  });

  it('tries every kind of fault within 45 s, one at a time, inside the run', () => {
    for (let seed = 0; seed < 200; seed++) {
      const plan = planNemesis(seed, { nodes: 6, durationMs: 45_000 });
      expect(new Set(plan.map((s) => s.fault.kind)), `seed ${seed}`).toEqual(new Set(FAULT_KINDS));
      expect(plan.slice(0, 3).some((s) => s.fault.kind === 'crash'), `seed ${seed} crashes early`).toBe(true);
      for (const [i, s] of plan.entries()) {
        expect(s.at + s.holdMs).toBeLessThanOrEqual(45_000);
        const next = plan[i + 1];
        if (next) expect(next.at).toBeGreaterThan(s.at + s.holdMs);
      }
    }
  });

  it('draws well-formed faults over the given slots', () => {
    for (let seed = 0; seed < 200; seed++) {
      for (const { fault: f } of planNemesis(seed, { nodes: 6, durationMs: 45_000 })) {
        if (f.kind === 'halves') expect([...f.left, ...f.right].sort()).toEqual([0, 1, 2, 3, 4, 5]);
        if (f.kind === 'bridge') {
          expect([...f.left, f.bridge, ...f.right].sort()).toEqual([0, 1, 2, 3, 4, 5]);
          expect(f.left.length).toBeGreaterThan(0);
        }
        if (f.kind === 'drop') expect(f.drop).toBeGreaterThanOrEqual(0.3);
        if (f.kind === 'drop' || f.kind === 'delay') for (const [a, b] of f.links) expect(a).toBeLessThan(b);
        if (f.kind === 'crash' || f.kind === 'isolate') expect(f.node).toBeLessThan(6);
        if (f.kind === 'crash') expect(f.isolateFirstMs === 0 || (f.isolateFirstMs >= 1000 && f.isolateFirstMs <= 2000)).toBe(true);
      }
    }
  });

  it('crashes some tabs while they are connected and some after cutting them off', () => {
    const crashes = Array.from({ length: 50 }, (_, seed) => planNemesis(seed, { nodes: 6, durationMs: 45_000 }))
      .flat()
      .flatMap((s) => (s.fault.kind === 'crash' ? [s.fault.isolateFirstMs > 0] : []));
    expect(new Set(crashes)).toEqual(new Set([true, false]));
  });

  it('refuses a mesh too small to partition', () => {
    expect(() => planNemesis(1, { nodes: 2, durationMs: 10_000 })).toThrow(/at least 3 nodes/);
  });
});
