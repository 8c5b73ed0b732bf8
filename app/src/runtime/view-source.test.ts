import { describe, expect, it } from 'vitest';
import { createKv } from '../../../core/kv.ts';
import { TabmeshNode } from '../../../core/node.ts';
import { createRng } from '../../../core/rng.ts';
import { createVirtualScheduler } from '../../../core/sim/virtual-scheduler.ts';
import type { TabmeshApi } from '../api-types.ts';
import type { BrowserNode } from './browser-node.ts';
import { createViewSource } from './view-source.ts';

const detector = { suspectAfterMs: 1000, deadAfterMs: 2000, forgetAfterMs: 3000 };

/**
 * A real node, store and clock under the view source. onChange relays link changes, as
 * startBrowserNode wires it; the parts of a BrowserNode these readings never touch are left out.
 */
function setup() {
  const scheduler = createVirtualScheduler();
  const node = new TabmeshNode({ id: 'self', name: 'Self', scheduler, rng: createRng(5), config: { heartbeatMs: 100, membership: detector } });
  const kv = createKv({ self: 'self', dissemination: node.gossip, onError: node.errors.sink });
  const bn = { node, kv, scheduler, onChange: (listener: () => void) => node.onLinksChange(listener) } as unknown as BrowserNode;
  const source = createViewSource(bn, {} as TabmeshApi);
  let notified = 0;
  source.subscribe(() => notified++);
  // Notifications are coalesced into a microtask; this lets it run.
  const settled = async (): Promise<number> => {
    await Promise.resolve();
    return notified;
  };
  return { scheduler, node, kv, source, settled };
}

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
});
