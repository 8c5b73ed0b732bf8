import { describe, expect, it } from 'vitest';
import { createJournal, type JournalEntry } from '../../../core/journal.ts';
import { createKv } from '../../../core/kv.ts';
import { TabmeshNode } from '../../../core/node.ts';
import { createRng } from '../../../core/rng.ts';
import { createVirtualScheduler } from '../../../core/sim/virtual-scheduler.ts';
import { createFakeNetwork } from '../../../core/testing/fake-dissemination.ts';
import { checkShiViz, parseJsonExport } from '../../../core/trace-export.ts';
import { createTraceShare } from '../../../core/trace-share.ts';
import type { TabmeshApi } from '../api-types.ts';
import type { BrowserNode } from './browser-node.ts';
import { createViewSource } from './view-source.ts';

const detector = { suspectAfterMs: 1000, deadAfterMs: 2000, forgetAfterMs: 3000 };

/**
 * A real node, store, trace share and clock under the view source. onChange relays link
 * changes, as startBrowserNode wires it. The store and the trace share talk over a fake network
 * to a second member, 'other', so a test decides when anything arrives; the parts of a
 * BrowserNode these readings never touch are left out.
 */
function setup() {
  const scheduler = createVirtualScheduler();
  const node = new TabmeshNode({ id: 'self', name: 'Self', scheduler, rng: createRng(5), config: { heartbeatMs: 100, membership: detector } });
  const net = createFakeNetwork();
  const [here, there] = [net.join('self'), net.join('other')];
  const kv = createKv({ self: 'self', dissemination: here, onError: node.errors.sink });
  const otherKv = createKv({ self: 'other', dissemination: there, onError: node.errors.sink });
  const traceShare = createTraceShare({ self: 'self', journal: node.journal ?? createJournal(), dissemination: here, scheduler, onError: node.errors.sink });
  const otherJournal = createJournal();
  const otherShare = createTraceShare({ self: 'other', journal: otherJournal, dissemination: there, scheduler, onError: node.errors.sink });
  const bn = { id: 'self', room: 'lab', node, kv, traceShare, scheduler, onChange: (listener: () => void) => node.onLinksChange(listener) } as unknown as BrowserNode;
  const source = createViewSource(bn, {} as TabmeshApi);
  let notified = 0;
  source.subscribe(() => notified++);
  // Notifications are coalesced into a microtask; this lets it run.
  const settled = async (): Promise<number> => {
    await Promise.resolve();
    return notified;
  };
  return { scheduler, node, net, kv, otherKv, otherJournal, otherShare, source, settled };
}

/** A journal record of a send from `node` to `peer` carrying `node`'s clock tick `tick`. */
const sendEntry = (node: string, peer: string, tick: number, t: number): JournalEntry => ({
  t, type: 'send', node, peer, dir: 'out', msgId: `${node}/${tick}`, kind: 'chat', bytes: 10, lamport: tick, vc: { [node]: tick },
});

describe('createViewSource', () => {
  it('tells suspected from dead, and a forgotten member from both', () => {
    const { scheduler, node, source } = setup();
    node.start();
    node.membership.merge([{ id: 'peer', name: 'Peer', heartbeat: 1, links: [] }]);
    expect(source.liveness('peer')).toBe('alive');
    scheduler.runFor(detector.suspectAfterMs + 100);
    expect(source.liveness('peer')).toBe('suspected');
    node.membership.merge([{ id: 'peer', name: 'Peer', heartbeat: 2, links: [] }]);
    expect(source.liveness('peer')).toBe('alive');
    scheduler.runFor(detector.deadAfterMs + 100);
    expect(source.liveness('peer')).toBe('dead');
    scheduler.runFor(detector.forgetAfterMs);
    expect(source.liveness('peer')).toBe('unknown');
    expect(source.liveness('never-seen')).toBe('unknown');
  });

  it('lists every key holding a live value, not deleted ones', () => {
    const { kv, source } = setup();
    kv.put('b', '2');
    kv.put('a', '1');
    kv.put('gone', 'x');
    kv.delete('gone');
    expect(source.kvKeys()).toEqual(['a', 'b']);
  });

  it('notifies subscribers as soon as faults change, once per burst', async () => {
    const { node, settled } = setup();
    node.setFaults('peer', { drop: 0.5 }, 'out');
    expect(await settled()).toBe(1);
    node.partition(['peer', 'other']);
    expect(await settled()).toBe(2);
    node.heal();
    expect(await settled()).toBe(3);
  });

  it('lists every member membership knows, with the links each announced and this node’s own', () => {
    const { node, source } = setup();
    node.start();
    node.membership.merge([
      { id: 'peer', name: 'Peer', heartbeat: 1, links: ['self', 'far'] },
      { id: 'far', name: 'Far', heartbeat: 1, links: ['peer'] },
    ]);
    expect(source.members()).toEqual([
      { id: 'far', name: 'Far', liveness: 'alive', links: ['peer'], self: false },
      { id: 'peer', name: 'Peer', liveness: 'alive', links: ['self', 'far'], self: false },
      // No link is open here yet, whatever the others announce.
      { id: 'self', name: 'Self', liveness: 'alive', links: [], self: true },
    ]);
  });

  it('shows concurrent writes as siblings with their version vectors, and resolves them with one put', () => {
    const { net, kv, otherKv, source } = setup();
    kv.put('leader', 'alice');
    otherKv.put('leader', 'bob');
    net.deliver();
    expect(source.kvVersions('leader')).toEqual([
      { value: 'bob', vc: { other: 1 }, writer: 'other' },
      { value: 'alice', vc: { self: 1 }, writer: 'self' },
    ]);
    expect(() => source.kvResolve('leader', 'carol')).toThrow(/"carol" is no longer a value of "leader"/);
    source.kvResolve('leader', 'alice');
    expect(source.kvVersions('leader')).toEqual([{ value: 'alice', vc: { other: 1, self: 2 }, writer: 'self' }]);
    net.deliver();
    expect(otherKv.get('leader')).toEqual(['alice']);
  });

  it('merges its journal with shared traces, once sharing is on, and exports both', () => {
    const { node, net, otherJournal, otherShare, source } = setup();
    node.journal?.record(sendEntry('self', 'other', 1, 10));
    otherJournal.record({ ...sendEntry('self', 'other', 1, 10), type: 'deliver', node: 'other', peer: 'self', dir: 'in', vc: { self: 1, other: 1 }, lamport: 2 });
    expect(source.trace().remote).toEqual([]);
    expect(source.sharing()).toBe(false);
    otherShare.setSharing(true);
    net.deliver();
    const { local, remote } = source.trace();
    expect(local.map((e) => `${e.type}@${e.node}`)).toEqual(['send@self']);
    expect(remote.map((e) => `${e.type}@${e.node}`)).toEqual(['deliver@other']);

    const parsed = parseJsonExport(source.exportJson());
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.meta).toMatchObject({ node: 'self', room: 'lab' });
    expect(parsed.value.events).toEqual([...local, ...remote]);
    const shiviz = source.exportShiViz();
    expect(shiviz.events).toBe(2);
    expect(checkShiViz(shiviz.text)).toEqual([]);
  });

  it('switches sharing on and off, and refuses anything but a boolean', () => {
    const { source } = setup();
    source.setSharing(true);
    expect(source.sharing()).toBe(true);
    source.setSharing(false);
    expect(source.sharing()).toBe(false);
    expect(() => source.setSharing('yes' as unknown as boolean)).toThrow(TypeError);
  });

  it('signals trace growth once per burst, and not after unsubscribing', async () => {
    const { node, source } = setup();
    let calls = 0;
    const off = source.subscribeTrace(() => calls++);
    for (let i = 1; i <= 5; i++) node.journal?.record(sendEntry('self', 'other', i, i));
    await Promise.resolve();
    expect(calls).toBe(1);
    node.journal?.record(sendEntry('self', 'other', 6, 6));
    off();
    await Promise.resolve();
    expect(calls).toBe(1);
  });
});
