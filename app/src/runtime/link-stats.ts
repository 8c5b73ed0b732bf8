import type { FaultyLink } from '../../../core/faulty-link.ts';
import type { LinkStats } from '../api-types.ts';

/**
 * Per-peer message counts that survive link replacement: a WebRTC link that fails and comes
 * back is a new FaultyLink with fresh counters, but a student's counts should not reset. Outgoing
 * counts come from the link's 'out' lane; `received` is what the 'in' lane handed to the node.
 */
export interface LinkStatsBook {
  /** Starts counting a newly attached link. */
  track(link: FaultyLink): void;
  /** Totals per peer, over every link it has had. */
  totals(): Record<string, LinkStats>;
}

const zero = (): LinkStats => ({ sent: 0, received: 0, dropped: 0, duplicated: 0, delayed: 0 });

function read(link: FaultyLink): LinkStats {
  const { out, in: inbound } = link.counters();
  return { sent: out.sent, received: inbound.delivered, dropped: out.dropped, duplicated: out.duplicated, delayed: out.delayed };
}

function add(a: LinkStats, b: LinkStats): LinkStats {
  return {
    sent: a.sent + b.sent,
    received: a.received + b.received,
    dropped: a.dropped + b.dropped,
    duplicated: a.duplicated + b.duplicated,
    delayed: a.delayed + b.delayed,
  };
}

export function createLinkStatsBook(): LinkStatsBook {
  const retired = new Map<string, LinkStats>();
  const live = new Map<string, FaultyLink>();
  return {
    track(link) {
      const peer = link.remote;
      const previous = live.get(peer);
      if (previous) retired.set(peer, add(retired.get(peer) ?? zero(), read(previous)));
      live.set(peer, link);
      link.onClose(() => {
        if (live.get(peer) !== link) return;
        live.delete(peer);
        retired.set(peer, add(retired.get(peer) ?? zero(), read(link)));
      });
    },
    totals() {
      const out: Record<string, LinkStats> = {};
      for (const peer of [...new Set([...retired.keys(), ...live.keys()])].sort()) {
        const link = live.get(peer);
        out[peer] = add(retired.get(peer) ?? zero(), link ? read(link) : zero());
      }
      return out;
    },
  };
}
