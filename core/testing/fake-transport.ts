import type { MessageKind } from '../envelope.ts';
import { Listeners, type Unsubscribe } from '../link.ts';
import type { Rng } from '../rng.ts';
import type { Broadcast, Dissemination, Neighbours } from '../transport.ts';

/**
 * An in-memory stand-in for a node's Dissemination and Neighbours, for unit tests of the
 * replication protocols only (the simulator runs real nodes). Nothing moves until the test calls
 * deliverNext/deliverAll, so a test controls the order; drops and duplicates are seeded.
 *
 * Broadcasts travel as gossip would: a copy for a member is deliverable while some path of
 * uncut links joins it to the origin, and is held (or dropped, with acrossCut 'drop') otherwise.
 * Point-to-point messages need their own link: send() fails on a cut link, and messages in
 * flight on a link that is cut are lost.
 */
export interface FakeNetworkSettings {
  /** Probability that a copy (broadcast or point-to-point) is lost when sent. */
  drop: number;
  /** Probability that a copy is delivered twice. */
  duplicate: number;
  /** Which deliverable copy goes next: the oldest, or one picked by the rng. */
  order: 'fifo' | 'random';
  /** What happens to a broadcast copy whose recipient is cut off from its origin. */
  acrossCut: 'hold' | 'drop';
}

export interface FakeNode {
  readonly id: string;
  readonly dissemination: Dissemination;
  readonly neighbours: Neighbours;
}

export interface Delivery {
  readonly from: string;
  readonly to: string;
  readonly channel: 'broadcast' | 'p2p';
  readonly kind: MessageKind;
  readonly payload: Uint8Array;
}

interface Endpoint {
  readonly broadcasts: Map<MessageKind, Listeners<[Broadcast]>>;
  readonly messages: Map<MessageKind, Listeners<[string, Uint8Array]>>;
  readonly reachable: Listeners<[string]>;
  seq: number;
}

type InFlight = Delivery & { readonly broadcast?: Broadcast };

const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export class FakeNetwork {
  readonly settings: FakeNetworkSettings;
  readonly stats = { sent: 0, dropped: 0, duplicated: 0, delivered: 0 };
  private readonly nodes = new Map<string, Endpoint>();
  /** Link of each pair: true while open, false while cut. */
  private readonly links = new Map<string, boolean>();
  private queue: InFlight[] = [];
  private readonly taps = new Listeners<[Delivery]>();
  private reach: Map<string, number> | null = null;

  constructor(
    private readonly rng: Rng,
    settings: Partial<FakeNetworkSettings> = {},
  ) {
    this.settings = { drop: 0, duplicate: 0, order: 'random', acrossCut: 'hold', ...settings };
  }

  addNode(id: string): FakeNode {
    if (this.nodes.has(id)) throw new TypeError(`node ${id} already exists`);
    const end: Endpoint = { broadcasts: new Map(), messages: new Map(), reachable: new Listeners(), seq: 0 };
    this.nodes.set(id, end);
    this.reach = null;
    const dissemination: Dissemination = {
      broadcast: (kind, payload) => {
        end.seq += 1;
        const message: Broadcast = { origin: id, seq: end.seq, id: `${id}:${end.seq}`, kind, payload: payload.slice() };
        end.broadcasts.get(kind)?.emit(message);
        for (const to of this.nodes.keys()) {
          if (to !== id) this.enqueue({ from: id, to, channel: 'broadcast', kind, payload: message.payload, broadcast: message });
        }
        return message;
      },
      onBroadcast: (kind, handler) => listenersOf(end.broadcasts, kind).add(handler),
    };
    const neighbours: Neighbours = {
      list: () => [...this.nodes.keys()].filter((peer) => this.links.get(pairKey(id, peer)) === true),
      send: (peer, kind, payload) => {
        if (this.links.get(pairKey(id, peer)) !== true) return false;
        this.enqueue({ from: id, to: peer, channel: 'p2p', kind, payload: payload.slice() });
        return true;
      },
      onMessage: (kind, handler) => listenersOf(end.messages, kind).add(handler),
      onReachable: (handler) => end.reachable.add(handler),
    };
    return { id, dissemination, neighbours };
  }

  /** Opens a link; both ends see onReachable. */
  link(a: string, b: string): void {
    this.endpoint(a);
    this.endpoint(b);
    if (a === b) throw new TypeError('a node cannot link to itself');
    this.open(a, b);
  }

  cut(a: string, b: string): void {
    if (!this.links.has(pairKey(a, b))) throw new TypeError(`no link between ${a} and ${b}`);
    this.links.set(pairKey(a, b), false);
    this.reach = null;
  }

  /** Heals a cut link; both ends see onReachable. */
  heal(a: string, b: string): void {
    if (this.links.get(pairKey(a, b)) !== false) throw new TypeError(`the link between ${a} and ${b} is not cut`);
    this.open(a, b);
  }

  /** Observes every delivery, before the recipient's handlers run. */
  onDeliver(tap: (delivery: Delivery) => void): Unsubscribe {
    return this.taps.add(tap);
  }

  /** Copies waiting, held ones included. */
  pending(): number {
    return this.queue.length;
  }

  /** Delivers one copy; false when none is deliverable. */
  deliverNext(): boolean {
    const reach = this.components();
    const lost = (m: InFlight): boolean =>
      m.channel === 'p2p' ? this.links.get(pairKey(m.from, m.to)) !== true : this.settings.acrossCut === 'drop' && reach.get(m.from) !== reach.get(m.to);
    const kept = this.queue.filter((m) => !lost(m));
    this.stats.dropped += this.queue.length - kept.length;
    this.queue = kept;
    const ready = kept.flatMap((m, i) => (reach.get(m.from) === reach.get(m.to) ? [i] : []));
    if (ready.length === 0) return false;
    const index = this.settings.order === 'fifo' ? (ready[0] as number) : this.rng.pick(ready);
    const [m] = this.queue.splice(index, 1) as [InFlight];
    this.stats.delivered += 1;
    this.taps.emit(m);
    const end = this.endpoint(m.to);
    if (m.broadcast) end.broadcasts.get(m.kind)?.emit(m.broadcast);
    else end.messages.get(m.kind)?.emit(m.from, m.payload.slice());
    return true;
  }

  /** Delivers until nothing is deliverable; throws past `limit` copies (a protocol that never quiesces). */
  deliverAll(limit = 100_000): number {
    let n = 0;
    while (this.deliverNext()) {
      n += 1;
      if (n > limit) throw new Error(`still delivering after ${limit} copies`);
    }
    return n;
  }

  private open(a: string, b: string): void {
    this.links.set(pairKey(a, b), true);
    this.reach = null;
    this.endpoint(a).reachable.emit(b);
    this.endpoint(b).reachable.emit(a);
  }

  private enqueue(m: InFlight): void {
    this.stats.sent += 1;
    if (this.rng.chance(this.settings.drop)) {
      this.stats.dropped += 1;
      return;
    }
    this.queue.push(m);
    if (this.rng.chance(this.settings.duplicate)) {
      this.stats.duplicated += 1;
      this.queue.push(m);
    }
  }

  private endpoint(id: string): Endpoint {
    const end = this.nodes.get(id);
    if (!end) throw new TypeError(`unknown node ${id}`);
    return end;
  }

  /** Node -> component number over open links. */
  private components(): Map<string, number> {
    if (this.reach) return this.reach;
    const component = new Map<string, number>();
    let next = 0;
    for (const start of this.nodes.keys()) {
      if (component.has(start)) continue;
      const stack = [start];
      component.set(start, next);
      while (stack.length > 0) {
        const node = stack.pop() as string;
        for (const peer of this.nodes.keys()) {
          if (!component.has(peer) && this.links.get(pairKey(node, peer)) === true) {
            component.set(peer, next);
            stack.push(peer);
          }
        }
      }
      next += 1;
    }
    this.reach = component;
    return component;
  }
}

function listenersOf<A extends unknown[]>(map: Map<MessageKind, Listeners<A>>, kind: MessageKind): Listeners<A> {
  let listeners = map.get(kind);
  if (!listeners) map.set(kind, (listeners = new Listeners<A>()));
  return listeners;
}
