import type { Link, LinkState } from '../../../core/link.ts';
import { isInitiator, planMesh, recordFailure, recordRefusal, shouldAccept, type Backoff, type LinkInfo } from '../../../core/mesh-planner.ts';
import type { Rng } from '../../../core/rng.ts';
import { every, type Scheduler } from '../../../core/scheduler.ts';
import type { ErrorSink } from '../../../core/transport.ts';
import type { PeerLink, PeerSignal } from '../net/peer-link.ts';
import { randomConnectionId } from './ids.ts';
import { isOffer, parseLinkSignal, type LinkSignal } from './link-signals.ts';

/**
 * Applies core/mesh-planner.ts to real links: opens and closes WebRTC links, relays their
 * signals, and keeps a backoff per peer after a link fails or the peer refuses one. The planner
 * decides *which* links; this decides nothing beyond the handshake bookkeeping.
 */
export interface MeshSignaling {
  /** True while joined to the room: only then can a handshake make progress. */
  joined(): boolean;
  /** Relays to one member; false when that is not possible now. */
  signal(to: string, data: LinkSignal): boolean;
}

export interface MeshManagerOptions {
  readonly self: string;
  readonly degree: number;
  readonly scheduler: Scheduler;
  readonly rng: Rng;
  readonly signaling: MeshSignaling;
  /** Who may be linked: members present in signaling, plus live peers we already hold links to. */
  readonly members: () => readonly string[];
  /** The open links a member (or this node) last announced in its heartbeat; undefined if unknown. */
  readonly announcedLinks?: (id: string) => readonly string[] | undefined;
  readonly createLink: (remote: string, initiator: boolean, onSignal: (signal: PeerSignal) => void) => PeerLink;
  /** Hands a new link to the node, which wraps it in the fault injector. */
  readonly attach: (link: Link) => void;
  readonly onError: ErrorSink;
  readonly planEveryMs?: number;
  readonly connectTimeoutMs?: number;
  readonly newConnectionId?: () => string;
}

export interface MeshStats {
  /** Signals of an abandoned attempt, ignored. */
  readonly stale: number;
  /** Offers and requests refused because this node already holds enough links. */
  readonly refused: number;
  readonly attempts: number;
}

export interface MeshManager {
  /** A relayed `signal` frame's data from `from`. */
  receive(from: string, data: unknown): void;
  /** Plans again soon: members or links changed. */
  replan(): void;
  status(peer: string): LinkState | 'none';
  stats(): MeshStats;
  /** Closes every link and stops planning; safe to call twice. */
  close(): void;
}

interface Attempt {
  readonly link: PeerLink;
  /** The connection id; null on an answering end still waiting for its offer. */
  conn: string | null;
  /** When the link entered its current state. */
  since: number;
  /** When a signal of this attempt last came from the peer; null if none has. */
  heardAt: number | null;
  /** Closed by this node (planned, replaced): not a failure to back off from. */
  ours: boolean;
}

export function createMeshManager(o: MeshManagerOptions): MeshManager {
  const { self, degree, scheduler, rng } = o;
  const newConnectionId = o.newConnectionId ?? randomConnectionId;
  const attempts = new Map<string, Attempt>();
  const backoff = new Map<string, Backoff>();
  const everLinked = new Set<string>();
  let stale = 0;
  let refused = 0;
  let opened = 0;
  let closed = false;
  let cancelSoon: (() => void) | null = null;

  const infos = (): Map<string, LinkInfo> =>
    new Map([...attempts].map(([peer, a]) => [peer, a.heardAt === null ? { state: a.link.state, since: a.since } : { state: a.link.state, since: a.since, heardAt: a.heardAt }]));

  function retire(peer: string, reason: string): void {
    const a = attempts.get(peer);
    if (!a) return;
    a.ours = true;
    attempts.delete(peer);
    a.link.close(reason);
  }

  function open(peer: string, initiator: boolean, conn: string | null): Attempt {
    retire(peer, 'replaced by a new connection attempt');
    const holder: { attempt?: Attempt } = {};
    const link = o.createLink(peer, initiator, (signal) => {
      const conn = holder.attempt?.conn;
      if (conn) o.signaling.signal(peer, { t: 'signal', conn, signal });
    });
    const attempt: Attempt = { link, conn, since: scheduler.now(), heardAt: null, ours: false };
    holder.attempt = attempt;
    attempts.set(peer, attempt);
    everLinked.add(peer);
    opened++;
    link.onOpen(() => {
      attempt.since = scheduler.now();
      backoff.delete(peer);
    });
    link.onClose(() => {
      if (attempts.get(peer) === attempt) attempts.delete(peer);
      if (attempt.ours || closed) return;
      backoff.set(peer, recordFailure(backoff.get(peer), scheduler.now(), rng));
      replan();
    });
    o.attach(link);
    return attempt;
  }

  function connect(peer: string): void {
    if (isInitiator(self, peer)) {
      open(peer, true, newConnectionId());
    } else {
      open(peer, false, null);
      o.signaling.signal(peer, { t: 'request' });
    }
  }

  function plan(): void {
    if (closed || !o.signaling.joined()) return;
    const members = o.members();
    const result = planMesh({ self, members, links: infos(), degree, backoff, now: scheduler.now(), rng, announcedLinks: announced(members), ...timeout() });
    for (const [peer, b] of result.backoff) backoff.set(peer, b);
    for (const peer of result.disconnect) retire(peer, 'not in the mesh plan');
    for (const peer of result.connect) connect(peer);
  }

  function announced(members: readonly string[]): Map<string, readonly string[]> {
    const out = new Map<string, readonly string[]>();
    for (const id of [self, ...members]) {
      const links = o.announcedLinks?.(id);
      if (links) out.set(id, links);
    }
    return out;
  }

  const timeout = (): { connectTimeoutMs?: number } => (o.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: o.connectTimeoutMs });

  function feed(peer: string, attempt: Attempt, signal: unknown): void {
    attempt.heardAt = scheduler.now();
    if (!attempt.link.signal(signal)) o.onError('mesh', 'bad-signal', `${peer} relayed a signal WebRTC cannot use`);
  }

  function onRequest(from: string): void {
    if (!isInitiator(self, from)) return o.onError('mesh', 'unexpected-request', `${from} asked for an offer but should make it`);
    const current = attempts.get(from);
    // Our own offer is on its way (the two requests crossed): a second one would only replace it.
    if (current && current.link.state === 'connecting' && current.heardAt === null) return;
    if (!shouldAccept(infos(), degree, from)) {
      refuse(from, null);
      return;
    }
    open(from, true, newConnectionId());
  }

  function refuse(peer: string, conn: string | null): void {
    refused++;
    o.signaling.signal(peer, { t: 'refuse', conn });
  }

  /** The peer is full: give up this attempt now, leave that peer alone for a few seconds, and plan another. */
  function onRefused(from: string, conn: string | null): void {
    const current = attempts.get(from);
    if (!current || current.link.state !== 'connecting' || current.conn !== conn) {
      stale++;
      return;
    }
    backoff.set(from, recordRefusal(backoff.get(from), scheduler.now(), rng));
    retire(from, 'the peer has all the links it admits');
    replan();
  }

  function receive(from: string, data: unknown): void {
    if (closed) return;
    const msg = parseLinkSignal(data);
    if (!msg) return o.onError('mesh', 'malformed', `${from} relayed something that is not a link signal`);
    if (msg.t === 'request') return onRequest(from);
    if (msg.t === 'refuse') return onRefused(from, msg.conn);
    const current = attempts.get(from);
    if (isInitiator(self, from)) {
      // We made the offer: only answers and candidates of our current attempt count.
      if (current && current.conn === msg.conn) feed(from, current, msg.signal);
      else stale++;
      return;
    }
    if (current && (current.conn === msg.conn || (current.conn === null && isOffer(msg.signal)))) {
      current.conn = msg.conn;
      feed(from, current, msg.signal);
      return;
    }
    // Only an offer starts a new attempt; anything else belongs to one we gave up.
    if (!isOffer(msg.signal)) {
      stale++;
      return;
    }
    if (!shouldAccept(infos(), degree, from)) {
      refuse(from, msg.conn);
      return;
    }
    feed(from, open(from, false, msg.conn), msg.signal);
  }

  function replan(): void {
    if (closed || cancelSoon) return;
    cancelSoon = scheduler.after(0, () => {
      cancelSoon = null;
      plan();
    });
  }

  const stopPlanning = every(scheduler, o.planEveryMs ?? 1000, plan);
  replan();

  return {
    receive,
    replan,
    status: (peer) => attempts.get(peer)?.link.state ?? (everLinked.has(peer) ? 'closed' : 'none'),
    stats: () => ({ stale, refused, attempts: opened }),
    close() {
      if (closed) return;
      closed = true;
      stopPlanning();
      cancelSoon?.();
      for (const peer of [...attempts.keys()]) retire(peer, 'node closed');
    },
  };
}
