import type { Envelope } from './envelope.ts';
import { decodeDigest, encodeDigest, fingerprint, type Digest } from './digest.ts';
import { BATCH_TYPE, decodeBatch, encodeBatch, type BatchItem } from './gossip-batch.ts';
import type { Rng } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import type { Broadcast, BroadcastKind, BroadcastOptions, Dissemination, ErrorSink } from './transport.ts';

/**
 * Dissemination over a partial mesh. Push: a node that receives a broadcast for the first time
 * delivers it and forwards it to `fanout` random neighbours (not the one it came from), up to
 * `maxHops`; duplicates are recognised by (origin, seq) and stop there. The origin pushes to all
 * its neighbours, so when the wire knows the origin's links (members share them in heartbeats)
 * a relay leaves those out: in a full mesh nobody relays at all, and in a partial mesh the
 * fanout goes to nodes two hops from the origin instead of to ones that already have it. A
 * neighbour the origin's push missed (a dropped message, a link newer than its last heartbeat)
 * is caught by the pull. Pull: every
 * `antiEntropyMs` a node sends a digest (version vector plus gaps) to one random neighbour,
 * which returns what the sender lacks and asks for what it lacks itself. Push makes it fast,
 * pull makes it complete: after any partition heals, everyone catches up.
 *
 * A round skips the neighbours whose last heartbeat carried our own fingerprint (digest.ts):
 * they held what we hold, and if either side has gained since, the fingerprints differ and the
 * next round picks them. Two nodes that both skip each other hold the same set: each holds at
 * least what the other announced, sets only grow, so each equals the other. An idle room, all
 * in step, then sends no digests at all (they were a tenth of an idle tab's messages, bench:idle).
 */
export interface GossipConfig {
  /** Neighbours a relay forwards a new broadcast to. */
  readonly fanout: number;
  /**
   * Neighbours the origin pushes its own broadcast to. All of them by default: in a small room
   * (a full mesh) that reaches everyone in one hop, as a direct send would, and relays then only
   * fill the gaps of a partial mesh.
   */
  readonly originFanout: number;
  readonly maxHops: number;
  readonly antiEntropyMs: number;
  /** Most messages returned for one digest; the rest follow in later rounds. */
  readonly maxBatch: number;
  /** How many ephemeral message ids are remembered for de-duplication. */
  readonly ephemeralMemory: number;
  /** Collect pushes per neighbour for this long and send them as one message (0 = push at once). */
  readonly batchMs: number;
}

export const DEFAULT_GOSSIP: GossipConfig = {
  fanout: 3,
  originFanout: Infinity,
  maxHops: 32,
  antiEntropyMs: 1000,
  maxBatch: 256,
  ephemeralMemory: 4096,
  batchMs: 0,
};

/** What gossip needs from its node: neighbours and a way to put an envelope on a link. */
export interface GossipWire {
  neighbours(): string[];
  /** Sends one message to each of `peers` (one event for the clocks); returns how many took it. */
  send(peers: readonly string[], message: Pick<Envelope, 'id' | 'origin' | 'kind' | 'seq' | 'hops' | 'payload'>): number;
  /** The links `node` last announced, or undefined when not known here. */
  neighboursOf?(node: string): readonly string[] | undefined;
  /** The fingerprint `peer` last announced to us; undefined when not heard (a round then includes it). */
  fingerprintOf?(peer: string): number | undefined;
}

export interface GossipStats {
  broadcasts: number;
  delivered: number;
  duplicates: number;
  forwarded: number;
  /** Relay targets left out because the origin's own push covered them. */
  pruned: number;
  repaired: number;
  digests: number;
  /** Rounds that sent nothing: every neighbour had announced our fingerprint. */
  inStep: number;
}

export class Gossip implements Dissemination {
  private readonly store = new Map<string, Map<number, Broadcast>>();
  private readonly high = new Map<string, number>();
  private readonly extra = new Map<string, Set<number>>();
  private readonly recentEphemeral = new Set<string>();
  private readonly handlers = new Map<BroadcastKind, Set<(m: Broadcast) => void>>();
  private readonly outbox = new Map<string, BatchItem[]>();
  private flushPending = false;
  private seq = 0;
  private ephemeralSeq = 0;
  readonly stats: GossipStats = { broadcasts: 0, delivered: 0, duplicates: 0, forwarded: 0, pruned: 0, repaired: 0, digests: 0, inStep: 0 };
  /** fingerprint() of the current digest; null after a change until asked again. */
  private ownFingerprint: number | null = null;

  constructor(
    private readonly self: string,
    private readonly wire: GossipWire,
    private readonly rng: Rng,
    private readonly scheduler: Scheduler,
    private readonly config: GossipConfig,
    private readonly onError: ErrorSink,
  ) {}

  broadcast(kind: BroadcastKind, payload: Uint8Array, options: BroadcastOptions = {}): Broadcast {
    this.stats.broadcasts += 1;
    const ephemeral = options.ephemeral === true;
    const seq = ephemeral ? ++this.ephemeralSeq : ++this.seq;
    const message: Broadcast = { origin: this.self, seq, id: broadcastId(this.self, seq, ephemeral), kind, payload };
    if (ephemeral) this.remember(message.id);
    else this.keep(message);
    this.deliver(message);
    this.push(message, 0, undefined, this.config.originFanout);
    return message;
  }

  onBroadcast(kind: BroadcastKind, handler: (message: Broadcast) => void): () => void {
    let set = this.handlers.get(kind);
    if (!set) this.handlers.set(kind, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** A broadcast arrived from a neighbour, alone in an envelope or in a batch. */
  receive(from: string, env: Pick<Envelope, 'id' | 'origin' | 'seq' | 'kind' | 'hops' | 'payload'>): void {
    const ephemeral = env.id === broadcastId(env.origin, env.seq, true);
    if (!ephemeral && env.id !== broadcastId(env.origin, env.seq, false)) {
      this.onError('gossip', 'bad-id', `message id ${env.id} does not match ${env.origin}/${env.seq}`);
      return;
    }
    const message: Broadcast = { origin: env.origin, seq: env.seq, id: env.id, kind: env.kind as BroadcastKind, payload: env.payload };
    if (ephemeral ? this.recentEphemeral.has(env.id) : this.has(env.origin, env.seq)) {
      this.stats.duplicates += 1;
      return;
    }
    if (ephemeral) this.remember(env.id);
    else this.keep(message);
    this.deliver(message);
    if (env.hops + 1 < this.config.maxHops) this.push(message, env.hops + 1, from, this.config.fanout);
  }

  /** A 'gossip' message arrived: a batch of broadcasts, or a digest to answer. */
  receiveControl(from: string, payload: Uint8Array): void {
    if (payload[0] === BATCH_TYPE) {
      const batch = decodeBatch(payload);
      if (!batch.ok) this.onError('gossip', batch.error.code, batch.error.message);
      else for (const item of batch.value) this.receive(from, item);
      return;
    }
    this.answerDigest(from, payload);
  }

  /** Return what the peer lacks, and ask for what we lack. */
  private answerDigest(from: string, payload: Uint8Array): void {
    const decoded = decodeDigest(payload);
    if (!decoded.ok) {
      this.onError('gossip', decoded.error.code, decoded.error.message);
      return;
    }
    const { type, digest } = decoded.value;
    let budget = this.config.maxBatch;
    for (const [origin, messages] of this.store) {
      const theirHigh = digest.high.get(origin) ?? 0;
      const theirExtra = new Set(digest.extra.get(origin) ?? []);
      const top = Math.max(this.high.get(origin) ?? 0, ...(this.extra.get(origin) ?? []));
      for (let seq = theirHigh + 1; seq <= top && budget > 0; seq++) {
        const m = messages.get(seq);
        if (!m || theirExtra.has(seq)) continue;
        budget -= 1;
        this.stats.repaired += 1;
        this.wire.send([from], { id: m.id, origin: m.origin, kind: m.kind, seq: m.seq, hops: 0, payload: m.payload });
      }
    }
    if (type === 'request' && this.lacksSomething(digest)) this.sendDigest(from, 'reply');
  }

  /**
   * One anti-entropy round with a random neighbour not known to be in step with us (or with the
   * given one, always, e.g. right after a heal).
   */
  antiEntropy(peer?: string): void {
    if (peer !== undefined) return this.sendDigest(peer, 'request');
    const neighbours = this.wire.neighbours();
    const candidates = neighbours.filter((p) => !this.inStepWith(p));
    if (candidates.length > 0) this.sendDigest(this.rng.pick(candidates), 'request');
    else if (neighbours.length > 0) this.stats.inStep += 1;
  }

  /** Whether `peer`'s last heartbeat carried our fingerprint: it then held what we hold. */
  inStepWith(peer: string): boolean {
    return this.wire.fingerprintOf?.(peer) === this.fingerprint();
  }

  /** fingerprint() of what this node holds, for heartbeats. */
  fingerprint(): number {
    return (this.ownFingerprint ??= fingerprint(this.digest()));
  }

  /** Highest contiguous broadcast number held per origin (a version vector of the log). */
  digest(): Digest {
    const extra = new Map<string, number[]>();
    for (const [origin, set] of this.extra) if (set.size > 0) extra.set(origin, [...set].sort((a, b) => a - b));
    return { high: new Map(this.high), extra };
  }

  /** Has this node got broadcast number `seq` of `origin`? */
  has(origin: string, seq: number): boolean {
    return seq <= (this.high.get(origin) ?? 0) || (this.extra.get(origin)?.has(seq) ?? false);
  }

  /** This node's own broadcast counter; kept across a simulated crash and restart. */
  get ownSeq(): number {
    return this.seq;
  }

  private lacksSomething(theirs: Digest): boolean {
    for (const [origin, n] of theirs.high) if (n > (this.high.get(origin) ?? 0)) return true;
    for (const [origin, list] of theirs.extra) if (list.some((s) => !this.has(origin, s))) return true;
    return false;
  }

  private sendDigest(peer: string, type: 'request' | 'reply'): void {
    this.stats.digests += 1;
    this.wire.send([peer], { id: `${this.self}/d${this.stats.digests}`, origin: this.self, kind: 'gossip', seq: 0, hops: 0, payload: encodeDigest(type, this.digest()) });
  }

  private push(m: Broadcast, hops: number, from: string | undefined, fanout: number): void {
    const covered = m.origin !== this.self && this.config.originFanout === Infinity ? this.wire.neighboursOf?.(m.origin) : undefined;
    let candidates = this.wire.neighbours().filter((p) => p !== from && p !== m.origin);
    if (covered !== undefined) {
      const before = candidates.length;
      candidates = candidates.filter((p) => !covered.includes(p));
      this.stats.pruned += before - candidates.length;
    }
    const targets = candidates.length <= fanout ? candidates : this.rng.shuffle(candidates).slice(0, fanout);
    if (this.config.batchMs <= 0) {
      this.stats.forwarded += this.wire.send(targets, { id: m.id, origin: m.origin, kind: m.kind, seq: m.seq, hops, payload: m.payload });
      return;
    }
    for (const peer of targets) {
      let queue = this.outbox.get(peer);
      if (!queue) this.outbox.set(peer, (queue = []));
      queue.push({ id: m.id, origin: m.origin, kind: m.kind, seq: m.seq, hops, payload: m.payload });
    }
    if (!this.flushPending && targets.length > 0) {
      this.flushPending = true;
      this.scheduler.after(this.config.batchMs, () => this.flush());
    }
  }

  private flush(): void {
    this.flushPending = false;
    for (const [peer, items] of this.outbox) {
      const sent =
        items.length === 1
          ? this.wire.send([peer], { ...(items[0] as BatchItem) })
          : this.wire.send([peer], { id: '', origin: this.self, kind: 'gossip', seq: 0, hops: 0, payload: encodeBatch(items) });
      if (sent > 0) this.stats.forwarded += items.length;
    }
    this.outbox.clear();
  }

  private keep(m: Broadcast): void {
    let messages = this.store.get(m.origin);
    if (!messages) this.store.set(m.origin, (messages = new Map()));
    messages.set(m.seq, m);
    let high = this.high.get(m.origin) ?? 0;
    const extra = this.extra.get(m.origin) ?? new Set<number>();
    if (m.seq === high + 1) {
      high += 1;
      while (extra.delete(high + 1)) high += 1;
      this.high.set(m.origin, high);
    } else if (m.seq > high) {
      extra.add(m.seq);
    }
    this.extra.set(m.origin, extra);
    this.ownFingerprint = null;
  }

  private remember(id: string): void {
    this.recentEphemeral.add(id);
    if (this.recentEphemeral.size > this.config.ephemeralMemory) {
      const oldest = this.recentEphemeral.values().next().value;
      if (oldest !== undefined) this.recentEphemeral.delete(oldest);
    }
  }

  private deliver(m: Broadcast): void {
    this.stats.delivered += 1;
    for (const h of this.handlers.get(m.kind) ?? []) h(m);
  }
}

const broadcastId = (origin: string, seq: number, ephemeral: boolean): string => `${origin}${ephemeral ? '~' : ':'}${seq}`;
