import { decodeEnvelope, DEFAULT_MAX_MESSAGE_BYTES, encodeEnvelope } from './codec.ts';
import type { Envelope, MessageKind } from './envelope.ts';
import { FaultPolicy } from './fault-policy.ts';
import type { Direction, FaultPatch } from './fault-settings.ts';
import { FaultyLink, type MessageMeta } from './faulty-link.ts';
import { DEFAULT_GOSSIP, Gossip, type GossipConfig } from './gossip.ts';
import { createJournal, type Journal } from './journal.ts';
import type { Link, Unsubscribe } from './link.ts';
import { decodeHeartbeat, DEFAULT_MEMBERSHIP, encodeHeartbeat, Membership, type HeartbeatEntry, type MembershipConfig } from './membership.ts';
import type { Rng } from './rng.ts';
import { every, type Scheduler } from './scheduler.ts';
import type { Neighbours } from './transport.ts';
import type { VectorClock } from './vector-clock.ts';
import { NodeClock } from './node-clock.ts';
import { ErrorLog } from './error-log.ts';

export interface NodeConfig {
  readonly heartbeatMs: number;
  /**
   * Open links a heartbeat goes to each beat, at least: those that have waited longest, so that
   * every link still hears from this node directly every other beat (a member whose only path is
   * this link, a star's leaf, must not fall silent). Links to members not alive here, and links
   * opened since the last beat, always get it. Counters also travel across hops, so a tab with 8
   * links sends half the heartbeats of beating every link, and its neighbours still hear of it
   * several times per suspicion timeout (heartbeats were two thirds of an idle tab's messages,
   * bench:idle).
   */
  readonly heartbeatFanout: number;
  readonly membership: MembershipConfig;
  readonly gossip: GossipConfig;
  readonly maxMessageBytes: number;
  /** Journal events kept (the simulator keeps all). */
  readonly journalLimit: number;
  /**
   * Put this node's open links in its heartbeat so every member can draw the whole mesh (the
   * topology view). Off in large simulations, where nobody draws it.
   */
  readonly shareTopology: boolean;
}

export const DEFAULT_NODE: NodeConfig = {
  heartbeatMs: 500,
  heartbeatFanout: 4,
  membership: DEFAULT_MEMBERSHIP,
  gossip: DEFAULT_GOSSIP,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  journalLimit: 20_000,
  shareTopology: true,
};

/** Node settings as callers give them: any field, and any field of the nested sections. */
export type NodeConfigInput = Partial<Omit<NodeConfig, 'membership' | 'gossip'>> & {
  readonly membership?: Partial<MembershipConfig>;
  readonly gossip?: Partial<GossipConfig>;
};

export interface NodeOptions {
  readonly id: string;
  readonly name: string;
  readonly scheduler: Scheduler;
  readonly rng: Rng;
  readonly config?: NodeConfigInput;
  /**
   * Share one journal between nodes (the simulator does, for one space-time diagram), or null
   * for none: large simulations that only check outcomes skip the per-event clock snapshots.
   */
  readonly journal?: Journal | null;
}

export interface LinkInfo {
  readonly peer: string;
  readonly link: FaultyLink;
}

const BROADCAST_KINDS = new Set<MessageKind>(['chat', 'kv', 'yjs', 'awareness', 'trace']);

/**
 * One tabmesh node: clocks, links wrapped in the fault injector, membership and gossip. It does
 * no I/O of its own: links are attached from outside (WebRTC in a tab, wires in the simulator)
 * and time comes from the scheduler, so the same node runs in both.
 */
export class TabmeshNode {
  readonly id: string;
  readonly name: string;
  readonly config: NodeConfig;
  readonly journal: Journal | null;
  readonly membership: Membership;
  readonly gossip: Gossip;
  readonly neighbours: Neighbours;
  readonly errors = new ErrorLog();
  private readonly scheduler: Scheduler;
  private readonly rng: Rng;
  private readonly links = new Map<string, FaultyLink>();
  private readonly policy = new FaultPolicy();
  private readonly p2pHandlers = new Map<MessageKind, Set<(peer: string, payload: Uint8Array) => void>>();
  private readonly reachable = new Set<(peer: string) => void>();
  private readonly linkListeners = new Set<() => void>();
  private readonly clockState: NodeClock;
  private p2pCount = 0;
  /** Beats so far, and the beat at which each open link last carried one. */
  private beats = 0;
  private readonly lastBeatTo = new Map<string, number>();
  /** The gossip fingerprint each neighbour's last heartbeat carried. */
  private readonly fingerprints = new Map<string, number>();
  private stopTimers: (() => void) | null = null;

  constructor(options: NodeOptions) {
    this.id = options.id;
    this.name = options.name;
    this.scheduler = options.scheduler;
    this.rng = options.rng;
    const given = options.config ?? {};
    // Nested sections merge field by field, so a test can set one gossip knob and keep the rest.
    this.config = {
      ...DEFAULT_NODE,
      ...given,
      membership: { ...DEFAULT_NODE.membership, ...given.membership },
      gossip: { ...DEFAULT_NODE.gossip, ...given.gossip },
    };
    this.journal = options.journal === undefined ? createJournal(this.config.journalLimit) : options.journal;
    this.clockState = new NodeClock(this.id);
    this.membership = new Membership(this.id, this.name, this.config.membership, () => this.scheduler.now());
    const onError = this.errors.sink;
    this.gossip = new Gossip(
      this.id,
      {
        neighbours: () => this.liveNeighbours(),
        send: (peers, m) => this.sendEnvelope(peers, m),
        fingerprintOf: (peer) => this.fingerprints.get(peer),
        ...(this.config.shareTopology ? { neighboursOf: (node: string) => this.membership.linksOf(node) } : {}),
      },
      this.rng,
      this.scheduler,
      this.config.gossip,
      onError,
    );
    this.neighbours = {
      list: () => this.liveNeighbours(),
      send: (peer, kind, payload) => this.sendEnvelope([peer], { id: '', origin: this.id, kind, seq: 0, hops: 0, payload }) > 0,
      onMessage: (kind, handler) => {
        let set = this.p2pHandlers.get(kind);
        if (!set) this.p2pHandlers.set(kind, (set = new Set()));
        set.add(handler);
        return () => set.delete(handler);
      },
      onReachable: (handler) => {
        this.reachable.add(handler);
        return () => this.reachable.delete(handler);
      },
    };
    this.trackRevivals();
  }

  /** Starts heartbeats and anti-entropy. A stopped node (crashed) neither sends nor receives. */
  start(): void {
    if (this.stopTimers) return;
    const stopBeat = every(this.scheduler, this.config.heartbeatMs, () => this.beat());
    const stopRepair = every(this.scheduler, this.config.gossip.antiEntropyMs, () => this.gossip.antiEntropy());
    this.stopTimers = () => {
      stopBeat();
      stopRepair();
    };
  }

  /** Crash: timers stop and every link closes. State survives, as a process restarting from disk. */
  stop(): void {
    this.stopTimers?.();
    this.stopTimers = null;
    for (const link of [...this.links.values()]) link.close('node stopped');
    this.links.clear();
  }

  get running(): boolean {
    return this.stopTimers !== null;
  }

  /**
   * Takes a raw link to a peer, wraps it in the fault injector with this node's policy for that
   * peer (so a partition also covers links opened after it), and replaces any older link.
   */
  attach(raw: Link): FaultyLink {
    const peer = raw.remote;
    this.links.get(peer)?.close('replaced');
    const link = new FaultyLink(raw, {
      scheduler: this.scheduler,
      rng: this.rng,
      ...(this.journal ? { journal: this.journal } : {}),
      inspect: (bytes) => inspectEnvelope(bytes, this.config.maxMessageBytes),
    });
    this.policy.applyTo(peer, link);
    this.links.set(peer, link);
    link.onMessage((bytes) => this.receive(link, bytes));
    link.onOpen(() => {
      this.greet(peer);
      this.changedLinks();
      this.gossip.antiEntropy(peer);
      this.announceReachable(peer);
    });
    link.onClose(() => {
      if (this.links.get(peer) === link) {
        this.links.delete(peer);
        this.fingerprints.delete(peer);
      }
      this.changedLinks();
    });
    this.changedLinks();
    return link;
  }

  link(peer: string): FaultyLink | undefined {
    return this.links.get(peer);
  }

  allLinks(): LinkInfo[] {
    return [...this.links.entries()].map(([peer, link]) => ({ peer, link }));
  }

  onLinksChange(listener: () => void): Unsubscribe {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  /** Merges fault settings into the link to `peer`, now and for links opened with it later. */
  setFaults(peer: string, patch: FaultPatch, direction: Direction = 'both'): void {
    const link = this.links.get(peer);
    const wasCut = link?.faults().out.cut || link?.faults().in.cut;
    this.policy.set(peer, patch, direction);
    if (link) this.policy.applyTo(peer, link);
    const isCut = link?.faults().out.cut || link?.faults().in.cut;
    this.changedLinks();
    if (wasCut && !isCut && link?.state === 'open') this.announceReachable(peer);
  }

  /** Cuts both directions of the links to these peers, now and later, until heal. */
  partition(peers: readonly string[]): void {
    for (const peer of peers) if (peer !== this.id) this.setFaults(peer, { cut: true });
  }

  /** Clears every fault on the links to these peers (all peers when omitted). */
  heal(peers?: readonly string[]): void {
    const targets = peers ?? [...new Set([...this.policy.peers(), ...this.links.keys()])];
    for (const peer of targets) {
      const link = this.links.get(peer);
      const wasCut = link !== undefined && (link.faults().out.cut || link.faults().in.cut);
      this.policy.clear(peer);
      if (link) this.policy.applyTo(peer, link);
      if (wasCut && link.state === 'open') this.announceReachable(peer);
    }
    this.changedLinks();
  }

  /** Fault settings this node applies to `peer` (also before any link to it exists). */
  faultsFor(peer: string) {
    return this.policy.get(peer);
  }

  clock(): { lamport: number; vector: VectorClock } {
    return { lamport: this.clockState.lamport, vector: this.clockState.snapshot() };
  }

  private beat(): void {
    const links = this.config.shareTopology ? this.liveNeighbours().sort() : [];
    const entries = this.membership.beat(this.pickSubset, links);
    this.beats += 1;
    const open = [...this.links].filter(([, link]) => link.state === 'open').map(([peer]) => peer);
    for (const peer of [...this.lastBeatTo.keys()]) if (!open.includes(peer)) this.lastBeatTo.delete(peer);
    const always = open.filter((peer) => this.membership.status(peer) !== 'alive');
    const rest = open.filter((peer) => this.membership.status(peer) === 'alive');
    const count = Math.max(this.config.heartbeatFanout - always.length, Math.ceil(rest.length / 2));
    // Longest waiting first; the shuffle only breaks ties.
    const chosen = this.rng
      .shuffle(rest)
      .sort((a, b) => (this.lastBeatTo.get(a) ?? 0) - (this.lastBeatTo.get(b) ?? 0))
      .slice(0, count);
    this.sendHeartbeat([...always, ...chosen], entries);
    this.membership.sweep(this.config.heartbeatMs);
  }

  /** A new link hears our table at once, without waiting to be picked by a beat. */
  private greet(peer: string): void {
    this.sendHeartbeat([peer], this.membership.entries(this.pickSubset));
  }

  private readonly pickSubset = (ids: string[], n: number): string[] => this.rng.shuffle(ids).slice(0, n);

  private sendHeartbeat(peers: readonly string[], entries: readonly HeartbeatEntry[]): void {
    for (const peer of peers) this.lastBeatTo.set(peer, this.beats);
    if (peers.length === 0) return;
    const payload = encodeHeartbeat({ fingerprint: this.gossip.fingerprint(), entries });
    this.sendEnvelope(peers, { id: '', origin: this.id, kind: 'heartbeat', seq: 0, hops: 0, payload });
  }

  private liveNeighbours(): string[] {
    const out: string[] = [];
    for (const [peer, link] of this.links) {
      if (link.state === 'open' && this.membership.status(peer) !== 'dead') out.push(peer);
    }
    return out;
  }

  /**
   * Puts one message on the links to `peers` and returns how many took it. Sending to several
   * peers at once is one event for the clocks, as a multicast is.
   */
  private sendEnvelope(peers: readonly string[], m: Pick<Envelope, 'id' | 'origin' | 'kind' | 'seq' | 'hops' | 'payload'>): number {
    if (!this.running) return 0;
    const open = peers.map((p) => this.links.get(p)).filter((l): l is FaultyLink => l !== undefined && l.state === 'open');
    if (open.length === 0) return 0;
    this.clockState.tick();
    const id = m.seq === 0 && m.id === '' ? `${this.id}/${++this.p2pCount}` : m.id;
    const lamport = this.clockState.lamport;
    // Without a journal nobody keeps the clock, so encode the live entries instead of a copy.
    const vc = this.journal ? this.clockState.snapshot() : this.clockState.entries();
    const bytes = encodeEnvelope({ ...m, id, sender: this.id, lamport, vc });
    const meta: MessageMeta | undefined = this.journal ? { msgId: id, kind: m.kind, lamport, vc: this.clockState.snapshot() } : undefined;
    let sent = 0;
    for (const link of open) if (link.send(bytes, meta)) sent += 1;
    return sent;
  }

  private receive(link: FaultyLink, bytes: Uint8Array): void {
    if (!this.running) return;
    const decoded = decodeEnvelope(bytes, this.config.maxMessageBytes);
    if (!decoded.ok) {
      this.errors.sink('envelope', decoded.error.code, `from ${link.remote}: ${decoded.error.message}`);
      return;
    }
    const env = decoded.value;
    if (env.sender !== link.remote) {
      this.errors.sink('envelope', 'spoofed-sender', `link to ${link.remote} carried a message claiming sender ${env.sender}`);
      return;
    }
    this.clockState.receive(env.lamport, env.vc);
    this.journal?.record({
      t: this.scheduler.now(),
      type: 'deliver',
      node: this.id,
      peer: link.remote,
      dir: 'in',
      msgId: env.id,
      kind: env.kind,
      bytes: bytes.length,
      lamport: this.clockState.lamport,
      vc: this.clockState.snapshot(),
    });
    // Peer input is untrusted: a handler that throws on it costs one message, never the node.
    try {
      this.dispatch(link.remote, env);
    } catch (err) {
      this.errors.sink(env.kind, 'handler-failed', err instanceof Error ? err.message : String(err));
    }
  }

  private dispatch(peer: string, env: Envelope): void {
    if (env.kind === 'heartbeat') {
      const heartbeat = decodeHeartbeat(env.payload, this.config.membership.maxEntries);
      if (!heartbeat.ok) return this.errors.sink('heartbeat', heartbeat.error.code, heartbeat.error.message);
      this.fingerprints.set(peer, heartbeat.value.fingerprint);
      this.membership.merge(heartbeat.value.entries);
    } else if (env.kind === 'gossip') {
      this.gossip.receiveControl(peer, env.payload);
    } else if (env.seq > 0 && BROADCAST_KINDS.has(env.kind)) {
      this.gossip.receive(peer, env);
    } else {
      for (const h of this.p2pHandlers.get(env.kind) ?? []) h(peer, env.payload);
    }
  }

  /** A peer heard from again after suspicion is reachable again: sync protocols catch up with it. */
  private trackRevivals(): void {
    const wasAlive = new Map<string, boolean>();
    this.membership.onChange(() => {
      for (const m of this.membership.members()) {
        const alive = m.status === 'alive';
        if (alive && wasAlive.get(m.id) === false && this.links.get(m.id)?.state === 'open') {
          this.gossip.antiEntropy(m.id);
          this.announceReachable(m.id);
        }
        wasAlive.set(m.id, alive);
      }
      this.changedLinks();
    });
  }

  private announceReachable(peer: string): void {
    for (const h of [...this.reachable]) {
      try {
        h(peer);
      } catch (err) {
        this.errors.sink('node', 'reachable-handler-failed', err instanceof Error ? err.message : String(err));
      }
    }
  }

  private changedLinks(): void {
    for (const l of [...this.linkListeners]) l();
  }
}

function inspectEnvelope(bytes: Uint8Array, max: number): MessageMeta | null {
  const d = decodeEnvelope(bytes, max);
  return d.ok ? { msgId: d.value.id, kind: d.value.kind, lamport: d.value.lamport, vc: d.value.vc } : null;
}
