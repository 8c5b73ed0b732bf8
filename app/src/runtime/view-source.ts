import { Listeners } from '../../../core/link.ts';
import { every } from '../../../core/scheduler.ts';
import type { TabmeshApi } from '../api-types.ts';
import type { NodeViewSource } from '../view-source.ts';
import type { BrowserNode } from './browser-node.ts';
import { siblingSearch } from './params.ts';

/** Message counters change with every heartbeat; views hear about them at this pace, not per message. */
const COUNTER_REFRESH_MS = 1000;

/**
 * What this page's views read. Change notifications are coalesced into one per task, so a burst
 * of gossip repaints once.
 */
export function createViewSource(bn: BrowserNode, api: TabmeshApi): NodeViewSource {
  const listeners = new Listeners<[]>();
  let queued = false;
  const notify = (): void => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      listeners.emit();
    });
  };
  bn.onChange(notify);
  every(bn.scheduler, COUNTER_REFRESH_MS, notify);

  return {
    api,
    subscribe: (listener) => listeners.add(listener),
    faults(peerId) {
      const { out, in: inbound } = bn.node.faultsFor(peerId);
      return { out: { ...out }, in: { ...inbound } };
    },
    liveness: (peerId) => bn.node.membership.status(peerId) ?? 'unknown',
    kvKeys: () => bn.kv.keys(),
    chatMode: () => bn.chat.mode(),
    errors: () => bn.node.errors.totals(),
    signaling: () => bn.signaling.status(),
    signalingError: () => bn.signaling.refusal(),
    openAnotherNode() {
      const url = `${location.origin}${location.pathname}${siblingSearch(location.search)}`;
      // noopener: the new tab is a separate node and must not share this page's globals.
      window.open(url, '_blank', 'noopener');
    },
  };
}
