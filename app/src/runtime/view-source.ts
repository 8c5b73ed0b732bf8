import { Listeners } from '../../../core/link.ts';
import { every } from '../../../core/scheduler.ts';
import { toJsonExport, toShiViz } from '../../../core/trace-export.ts';
import type { TabmeshApi } from '../api-types.ts';
import type { NodeViewSource, TraceView } from '../view-source.ts';
import type { BrowserNode } from './browser-node.ts';
import { siblingSearch } from './params.ts';

/**
 * Message counters and clocks change with every heartbeat; views hear about them at this pace,
 * not per message. In an idle tab this refresh is the only repaint, and each costs the renderer
 * about 18 ms of CPU over its threads (bench:idle's trace): every 2 s rather than every second
 * halves what an idle tab spends on it. Anything else (chat, links, liveness) repaints at once.
 */
const COUNTER_REFRESH_MS = 2000;

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
  const trace = (): TraceView => ({ local: bn.node.journal?.events() ?? [], remote: bn.traceShare.remoteEvents() });
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
    crashedByInstructor: () => bn.control.crashed(),
    openAnotherNode() {
      const url = `${location.origin}${location.pathname}${siblingSearch(location.search)}`;
      // noopener: the new tab is a separate node and must not share this page's globals.
      window.open(url, '_blank', 'noopener');
    },
    members() {
      const open = bn.node
        .allLinks()
        .filter(({ link }) => link.state === 'open')
        .map(({ peer }) => peer)
        .sort();
      return bn.node.membership.members().map((m) => ({
        id: m.id,
        name: m.name,
        liveness: m.status,
        // Our own row's links are as of the last heartbeat; the links themselves are fresher.
        links: m.id === bn.id ? open : [...m.links],
        self: m.id === bn.id,
      }));
    },
    now: () => bn.scheduler.now(),
    trace,
    subscribeTrace(listener) {
      // The journal records every message: coalesce a burst into one call, as notify does.
      let queued = false;
      let active = true;
      const fire = (): void => {
        if (queued) return;
        queued = true;
        queueMicrotask(() => {
          queued = false;
          if (active) listener();
        });
      };
      const offJournal = bn.node.journal?.subscribe(fire);
      const offShared = bn.traceShare.onChange(fire);
      return () => {
        active = false;
        offJournal?.();
        offShared();
      };
    },
    sharing: () => bn.traceShare.sharing(),
    setSharing(on) {
      if (typeof on !== 'boolean') throw new TypeError('sharing is on (true) or off (false)');
      bn.traceShare.setSharing(on);
    },
    syncedWith: () => bn.yjs.syncedWith(),
    presence: () =>
      bn.awareness.peers().map((p) => ({ peer: p.peer, name: p.name, colour: p.colour, cursor: p.cursor && { ...p.cursor }, local: p.local })),
    setCursor: (cursor) => bn.awareness.setCursor(cursor),
    kvVersions: (key) => bn.kv.versions(key).map((v) => ({ value: v.value, vc: { ...v.vc }, writer: v.writer })),
    kvResolve(key, value) {
      // A click on a sibling another node has already replaced must not bring it back.
      if (!bn.kv.get(key).includes(value)) throw new RangeError(`${JSON.stringify(value)} is no longer a value of ${JSON.stringify(key)}`);
      bn.kv.put(key, value);
    },
    exportJson() {
      const { local, remote } = trace();
      return toJsonExport([...local, ...remote], { node: bn.id, room: bn.room, exportedAt: new Date().toISOString() });
    },
    exportShiViz() {
      const { local, remote } = trace();
      return toShiViz([...local, ...remote]);
    },
  };
}
