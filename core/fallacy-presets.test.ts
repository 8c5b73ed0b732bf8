import { describe, expect, it } from 'vitest';
import { FALLACY_PRESETS, type FallacyPreset } from './fallacy-presets.ts';
import { applyPatch, isFaultFree, NO_FAULTS, validatePatch, type FaultSettings } from './fault-settings.ts';
import type { JournalEvent } from './journal.ts';
import { SimNetwork } from './sim/sim-network.ts';

const preset = (id: string): FallacyPreset => {
  const p = FALLACY_PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`no preset ${id}`);
  return p;
};

const settle = (base: FaultSettings, p: FallacyPreset, dir: 'out' | 'in'): FaultSettings => (p.faults ? applyPatch(base, p.faults[dir]) : base);

describe('fallacy presets', () => {
  it('cover the eight fallacies in their usual wording, once each', () => {
    expect(FALLACY_PRESETS.map((p) => p.fallacy)).toEqual([
      'The network is reliable.',
      'Latency is zero.',
      'Bandwidth is infinite.',
      'The network is secure.',
      "Topology doesn't change.",
      'There is one administrator.',
      'Transport cost is zero.',
      'The network is homogeneous.',
    ]);
    expect(new Set(FALLACY_PRESETS.map((p) => p.id)).size).toBe(8);
    expect(new Set(FALLACY_PRESETS.map((p) => p.name)).size).toBe(8);
  });

  it('have valid fault settings exactly when applicable, and change something when applied', () => {
    for (const p of FALLACY_PRESETS) {
      expect(p.applicable, p.id).toBe(p.faults !== null);
      if (!p.faults) continue;
      expect(validatePatch(p.faults.out), p.id).toEqual(p.faults.out);
      expect(validatePatch(p.faults.in), p.id).toEqual(p.faults.in);
      expect(isFaultFree(settle(NO_FAULTS, p, 'out')) && isFaultFree(settle(NO_FAULTS, p, 'in')), p.id).toBe(false);
    }
    expect(FALLACY_PRESETS.filter((p) => !p.applicable).map((p) => p.id)).toEqual(['secure', 'one-administrator']);
  });

  it('explain themselves in one or two sentences', () => {
    for (const p of FALLACY_PRESETS) {
      const sentences = p.explanation.split(/[.!?](?:\s|$)/).filter((s) => s.trim() !== '');
      expect(sentences.length, p.id).toBeGreaterThanOrEqual(1);
      expect(sentences.length, p.id).toBeLessThanOrEqual(2);
    }
  });

  it('replace one another completely, and only the topology preset touches cut', () => {
    const applicable = FALLACY_PRESETS.filter((p) => p.faults && p.id !== 'changing-topology');
    for (const first of applicable) {
      for (const second of applicable) {
        for (const dir of ['out', 'in'] as const) {
          expect(settle(settle(NO_FAULTS, first, dir), second, dir), `${first.id} then ${second.id}`).toEqual(settle(NO_FAULTS, second, dir));
        }
      }
      const partitioned = { ...NO_FAULTS, cut: true };
      expect(settle(partitioned, first, 'out').cut, first.id).toBe(true);
    }
  });
});

describe('fallacy presets on a simulated tab', () => {
  /** n00 gets the preset on all its links; the others stay clean. Returns the fault records of n00's lanes and every send. */
  function run(id: string): JournalEvent[] {
    const p = preset(id);
    const net = new SimNetwork({ seed: 41, nodes: 3, config: { heartbeatMs: 50 } });
    for (const peer of ['n01', 'n02']) {
      net.setFaults('n00', peer, p.faults?.out ?? {}, 'out');
      net.setFaults('n00', peer, p.faults?.in ?? {}, 'in');
    }
    net.run(3000);
    return (net.journal?.events() ?? []).filter((e) => e.type === 'send' || (e.node === 'n00' && e.type !== 'deliver'));
  }
  const count = (events: JournalEvent[], f: (e: JournalEvent) => boolean): number => events.filter(f).length;

  it('lossy network drops about one message in five, and duplicates some, in both directions', () => {
    const events = run('lossy');
    const entered = { out: count(events, (e) => e.type === 'send' && e.node === 'n00'), in: count(events, (e) => e.type === 'send' && e.peer === 'n00') };
    for (const dir of ['out', 'in'] as const) {
      const lost = count(events, (e) => e.type === 'drop' && e.detail === 'drop' && e.dir === dir && e.node === 'n00');
      expect(entered[dir], dir).toBeGreaterThan(100);
      expect(lost / entered[dir], dir).toBeGreaterThan(0.1);
      expect(lost / entered[dir], dir).toBeLessThan(0.3);
    }
    expect(count(events, (e) => e.type === 'duplicate')).toBeGreaterThan(0);
  });

  it('high latency delays by 200..400 ms', () => {
    const delays = run('high-latency').filter((e) => e.type === 'delay').map((e) => Number(e.detail));
    expect(delays.length).toBeGreaterThan(20);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...delays)).toBeLessThanOrEqual(400);
  });

  it('low bandwidth queues messages behind each other', () => {
    const delays = run('low-bandwidth').filter((e) => e.type === 'delay').map((e) => Number(e.detail));
    expect(delays.length).toBeGreaterThan(20);
    expect(Math.max(...delays)).toBeGreaterThan(Math.min(...delays));
  });

  it('changing topology cuts every message of the tab', () => {
    const events = run('changing-topology');
    const sentByN00 = count(events, (e) => e.type === 'send' && e.node === 'n00');
    expect(sentByN00).toBeGreaterThan(10);
    expect(count(events, (e) => e.type === 'drop' && e.detail === 'cut' && e.dir === 'out')).toBe(sentByN00);
    expect(events.filter((e) => e.type !== 'send').every((e) => e.type === 'drop' && e.detail === 'cut')).toBe(true);
  });

  it('costly transport duplicates and queues', () => {
    const faults = run('costly-transport');
    expect(count(faults, (e) => e.type === 'duplicate')).toBeGreaterThan(10);
    expect(count(faults, (e) => e.type === 'delay')).toBeGreaterThan(10);
  });

  it('asymmetric link delays only what the tab sends', () => {
    const events = run('asymmetric');
    expect(count(events, (e) => e.type === 'delay' && e.dir === 'out' && e.detail === '200')).toBe(count(events, (e) => e.type === 'send' && e.node === 'n00'));
    expect(count(events, (e) => e.type !== 'send' && e.dir === 'in')).toBe(0);
  });
});
