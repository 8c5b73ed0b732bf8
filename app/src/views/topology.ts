import type { LinkStatus, PeerInfo } from '../api-types.ts';
import type { StatusLabel } from '../ui/status-labels.ts';
import type { FaultSettingsView, LivenessView, MemberView } from '../view-source.ts';

/**
 * The mesh as a graph: every member membership gossip knows and every link any of them
 * announced. This node knows its own links first hand (transport state and fault settings);
 * of a link between two others it knows only which ends announced it in their heartbeats.
 */
export type EdgeState = 'open' | 'faulty' | 'cut' | 'connecting' | 'closing';

export interface TopologyNode {
  readonly id: string;
  readonly name: string;
  readonly liveness: LivenessView;
  readonly self: boolean;
}

export interface TopologyEdge {
  /** The two ends in id order, joined by '|'. */
  readonly key: string;
  readonly a: string;
  readonly b: string;
  readonly state: EdgeState;
  /** The other end when the link is this node's own (its faults can be set here), else null. */
  readonly peer: string | null;
}

/** One of this node's links as the page knows it. */
export interface OwnLink {
  readonly peer: string;
  readonly link: LinkStatus;
  /** Either direction is cut (a partition). */
  readonly cut: boolean;
  /** Any other fault is set in either direction. */
  readonly faulty: boolean;
}

export interface Topology {
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
}

/** Any fault other than a cut, in one direction. */
const hasFaults = (s: FaultSettingsView): boolean =>
  s.drop > 0 || s.delayMs > 0 || s.jitterMs > 0 || s.duplicate > 0 || s.reorder > 0 || s.bandwidthKbps !== null;

export function ownLink(peer: PeerInfo, faults: { out: FaultSettingsView; in: FaultSettingsView }): OwnLink {
  return { peer: peer.id, link: peer.link, cut: faults.out.cut || faults.in.cut, faulty: hasFaults(faults.out) || hasFaults(faults.in) };
}

const pairKey = (x: string, y: string): [string, string, string] => {
  const [a, b] = x < y ? [x, y] : [y, x];
  return [`${a}|${b}`, a, b];
};

function ownState(l: OwnLink): EdgeState | null {
  // A cut is shown even before a link exists: a partition applies to links opened later too.
  if (l.cut) return 'cut';
  if (l.link === 'none') return null;
  if (l.link === 'connecting') return 'connecting';
  if (l.link === 'closed') return 'closing';
  return l.faulty ? 'faulty' : 'open';
}

export function buildTopology(self: string, members: readonly MemberView[], own: readonly OwnLink[]): Topology {
  const nodes = new Map<string, TopologyNode>();
  for (const m of members) nodes.set(m.id, { id: m.id, name: m.name, liveness: m.liveness, self: m.id === self });
  const edges = new Map<string, TopologyEdge>();
  for (const l of own) {
    const state = ownState(l);
    if (state === null || l.peer === self) continue;
    if (!nodes.has(l.peer)) nodes.set(l.peer, { id: l.peer, name: l.peer, liveness: 'unknown', self: false });
    const [key, a, b] = pairKey(self, l.peer);
    edges.set(key, { key, a, b, state, peer: l.peer });
  }
  // Links between two others: open when both ends announce it, 'closing' when only one does
  // (one end has it open, the other not yet or no longer).
  const announced = new Map<string, number>();
  for (const m of members) {
    if (m.id === self) continue;
    for (const other of new Set(m.links)) {
      if (other === self || other === m.id || !nodes.has(other)) continue;
      const [key] = pairKey(m.id, other);
      announced.set(key, (announced.get(key) ?? 0) + 1);
    }
  }
  for (const [key, count] of announced) {
    const [a, b] = key.split('|') as [string, string];
    edges.set(key, { key, a, b, state: count >= 2 ? 'open' : 'closing', peer: null });
  }
  const byId = (x: { id: string } | { key: string }, y: { id: string } | { key: string }): number => {
    const kx = 'id' in x ? x.id : x.key;
    const ky = 'id' in y ? y.id : y.key;
    return kx < ky ? -1 : kx > ky ? 1 : 0;
  };
  // Others' links first, then this node's: an SVG paints in document order, and this node's
  // links are the clickable ones. The first two members take opposite slots (slot-layout.ts), so
  // the link between them crosses the centre, over this node's links to both; painted above
  // them, it took the clicks meant for those (e2e/views.spec.ts, in a clean-clone run).
  const ownLast = (x: TopologyEdge, y: TopologyEdge): number => Number(x.peer !== null) - Number(y.peer !== null) || byId(x, y);
  return { nodes: [...nodes.values()].sort(byId), edges: [...edges.values()].sort(ownLast) };
}

const EDGE_LABELS: Record<EdgeState, StatusLabel> = {
  open: { symbol: '●', text: 'open', tone: 'good' },
  faulty: { symbol: '≈', text: 'faulty', tone: 'warn' },
  cut: { symbol: '✕', text: 'cut', tone: 'bad' },
  connecting: { symbol: '◌', text: 'connecting', tone: 'warn' },
  closing: { symbol: '◐', text: 'announced by one end only', tone: 'quiet' },
};

export function edgeLabel(state: EdgeState): StatusLabel {
  return EDGE_LABELS[state];
}

export const EDGE_STATES = Object.keys(EDGE_LABELS) as EdgeState[];
