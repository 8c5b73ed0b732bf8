import { describe, expect, it } from 'vitest';
import type { DeliveryMode } from '../../../core/chat.ts';
import { applyPatch, NO_FAULTS, validatePatch, type Direction, type FaultPatch, type FaultSettings } from '../../../core/fault-settings.ts';
import { createVirtualScheduler } from '../../../core/sim/virtual-scheduler.ts';
import { createControlPlane, type ControlTarget } from './control-plane.ts';

/** A node as the control plane sees it: fault settings per peer, a crash flag and a chat mode. */
function fakeNode(self: string, peers: string[]) {
  const faults = new Map<string, { out: FaultSettings; in: FaultSettings }>();
  const errors: string[] = [];
  const reports: Record<string, unknown>[] = [];
  const state = { running: true, mode: 'causal' as DeliveryMode, joined: true };
  const get = (peer: string) => faults.get(peer) ?? { out: NO_FAULTS, in: NO_FAULTS };
  const target: ControlTarget = {
    self,
    peers: () => [...peers],
    setFaults(peer: string, patch: FaultPatch, direction: Direction) {
      const valid = validatePatch(patch);
      const now = get(peer);
      faults.set(peer, { out: direction === 'in' ? now.out : applyPatch(now.out, valid), in: direction === 'out' ? now.in : applyPatch(now.in, valid) });
    },
    healAll: () => faults.clear(),
    crash: () => void (state.running = false),
    revive: () => void (state.running = true),
    setChatMode: (mode) => void (state.mode = mode),
    report: () => ({ name: self, running: state.running }),
    sendReport: (data) => state.joined && reports.push(data) > 0,
  };
  const scheduler = createVirtualScheduler();
  const control = createControlPlane({ target, scheduler, onError: (source, code, message) => errors.push(`${source}/${code}: ${message}`) });
  const cut = (peer: string): boolean => get(peer).out.cut && get(peer).in.cut;
  return { control, peers, faults: get, cut, errors, reports, state, scheduler };
}

describe('control plane', () => {
  it('partitions by groups: cuts exactly the members this node shares no group with', () => {
    const n = fakeNode('a', ['b', 'c', 'd']);
    n.control.handle({ op: 'partition', groups: [['a', 'b'], ['c', 'd']] }, 1);
    expect(['b', 'c', 'd'].map(n.cut)).toEqual([false, true, true]);
    // Overlapping groups: a bridge keeps both sides.
    n.control.handle({ op: 'partition', groups: [['a', 'b', 'c'], ['c', 'd']] }, 2);
    expect(['b', 'c', 'd'].map(n.cut)).toEqual([false, false, true]);
    expect(n.control.partitioned()).toBe(true);
  });

  it('cuts a member that appears during a partition, and a node in no group is alone', () => {
    const n = fakeNode('a', ['b']);
    n.control.handle({ op: 'partition', groups: [['a', 'b']] }, 1);
    n.peers.push('late');
    n.control.notePeers();
    expect(n.cut('b')).toBe(false);
    expect(n.cut('late')).toBe(true);
    n.control.handle({ op: 'partition', groups: [['b', 'late']] }, 2);
    expect(['b', 'late'].map(n.cut)).toEqual([true, true]);
  });

  it('applies room faults to the links in scope, to latecomers too, and heal clears everything', () => {
    const n = fakeNode('a', ['b', 'c']);
    n.control.handle({ op: 'faults', faults: { delayMs: 300 }, scope: 'all' }, 1);
    expect(n.faults('b').out.delayMs).toBe(300);
    expect(n.faults('b').in.delayMs).toBe(0);
    n.control.handle({ op: 'faults', faults: { drop: 0.5 }, direction: 'both', scope: { group: ['c'] } }, 2);
    expect([n.faults('b').out.drop, n.faults('c').out.drop, n.faults('c').in.drop]).toEqual([0, 0.5, 0.5]);
    n.peers.push('d');
    n.control.notePeers();
    expect(n.faults('d').out).toMatchObject({ delayMs: 300, drop: 0 });
    n.control.handle({ op: 'heal' }, 3);
    expect(['b', 'c', 'd'].map((p) => n.faults(p).out)).toEqual([NO_FAULTS, NO_FAULTS, NO_FAULTS]);
    n.peers.push('e');
    n.control.notePeers();
    expect(n.faults('e').out).toEqual(NO_FAULTS);
  });

  it('a node in a faulty group gets the faults on all its links', () => {
    const n = fakeNode('a', ['b', 'c']);
    n.control.handle({ op: 'faults', faults: { jitterMs: 50 }, scope: { group: ['a'] } }, 1);
    expect(['b', 'c'].map((p) => n.faults(p).out.jitterMs)).toEqual([50, 50]);
  });

  it('crashes and revives once each, and sets the chat mode', () => {
    const n = fakeNode('a', ['b']);
    n.control.handle({ op: 'crash' }, 1);
    n.control.handle({ op: 'crash' }, 2);
    expect([n.state.running, n.control.crashed()]).toEqual([false, true]);
    n.control.handle({ op: 'heal' }, 3);
    expect(n.control.crashed()).toBe(true);
    n.control.handle({ op: 'revive' }, 4);
    expect([n.state.running, n.control.crashed()]).toEqual([true, false]);
    n.control.handle({ op: 'chat-mode', mode: 'none' }, 5);
    expect(n.state.mode).toBe('none');
    expect(n.control.stats()).toEqual({ applied: 5, refused: 0, lastSeq: 5 });
  });

  it('reports now and then every interval until told to stop', () => {
    const n = fakeNode('a', ['b']);
    n.control.handle({ op: 'report', on: true, intervalMs: 500 }, 1);
    expect(n.reports).toHaveLength(1);
    n.scheduler.runFor(2000);
    expect(n.reports).toHaveLength(5);
    n.control.handle({ op: 'report', on: true, intervalMs: 1000 }, 2);
    n.scheduler.runFor(2000);
    expect(n.reports).toHaveLength(8);
    n.control.handle({ op: 'report', on: false }, 3);
    n.scheduler.runFor(5000);
    expect(n.reports).toHaveLength(8);
    expect(n.scheduler.pending()).toBe(0);
  });

  it('ignores and counts a malformed command, changing nothing', () => {
    const n = fakeNode('a', ['b']);
    for (const bad of [null, 'heal', { op: 'partition', groups: [['a', 7]] }, { op: 'faults', faults: { drop: 3 }, scope: 'all' }, { op: 'crash', now: true }]) {
      expect(() => n.control.handle(bad, 9)).not.toThrow();
    }
    expect(n.faults('b')).toEqual({ out: NO_FAULTS, in: NO_FAULTS });
    expect(n.state.running).toBe(true);
    expect(n.control.stats()).toEqual({ applied: 0, refused: 5, lastSeq: 9 });
    expect(n.errors).toHaveLength(5);
    expect(n.errors[2]).toContain('control/bad-command: command 9 ignored: partition: "groups[0]" holds 7');
  });

  it('stops reporting and ignores commands once closed', () => {
    const n = fakeNode('a', ['b']);
    n.control.handle({ op: 'report', on: true }, 1);
    n.control.close();
    n.control.close();
    n.control.handle({ op: 'crash' }, 2);
    n.scheduler.runFor(5000);
    expect([n.reports.length, n.state.running]).toEqual([1, true]);
  });
});
