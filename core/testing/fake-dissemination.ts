import type { MessageKind } from '../envelope.ts';
import { Listeners } from '../link.ts';
import type { Rng } from '../rng.ts';
import type { Broadcast, BroadcastKind, Dissemination, Neighbours } from '../transport.ts';

/**
 * An in-memory stand-in for a node's dissemination and neighbours, for protocol unit tests.
 * Nothing is delivered to another node until the test says so, which puts delivery order,
 * loss, duplication and partitions in the test's hands. Own broadcasts are delivered at once,
 * inside broadcast(), as the real dissemination does. There is no anti-entropy: a node that
 * joins late does not receive earlier broadcasts, and a dropped delivery is gone.
 */
export type Delivery =
  | { readonly type: 'broadcast'; readonly to: string; readonly message: Broadcast }
  | {
      readonly type: 'direct';
      readonly to: string;
      readonly from: string;
      readonly kind: MessageKind;
      readonly payload: Uint8Array;
    };

export interface FakeEndpoint extends Dissemination, Neighbours {
  readonly id: string;
}

export interface RunOptions {
  readonly rng: Rng;
  /** Chance that a delivery is made and also stays pending, to be delivered again later. */
  readonly duplicateChance?: number;
  /** Chance that a delivery is discarded instead of made. */
  readonly dropChance?: number;
  /** Only deliveries passing this are made; the rest stay pending. */
  readonly filter?: (delivery: Delivery) => boolean;
  /** Stops after this many deliveries, so a test that keeps broadcasting still ends. */
  readonly maxSteps?: number;
}

export interface FakeNetwork {
  /** Adds a member; every member is a neighbour of every other. */
  join(id: string): FakeEndpoint;
  /** Deliveries not yet made, oldest first. */
  pending(): readonly Delivery[];
  /** Makes the pending deliveries that pass `filter` (all by default) in queue order, except across a cut. */
  deliver(filter?: (delivery: Delivery) => boolean): number;
  /** Delivers pending deliveries in random order until none is deliverable; returns how many were made. */
  run(options: RunOptions): number;
  /** Discards the pending deliveries that pass `filter`. */
  drop(filter: (delivery: Delivery) => boolean): number;
  /** Queues a second copy of each pending delivery that passes `filter`. */
  duplicate(filter: (delivery: Delivery) => boolean): number;
  /** Hands `message` to `to`'s handlers now, as if dissemination had delivered it (for crafted input). */
  inject(to: string, message: Broadcast): void;
  /**
   * Members in different groups cannot exchange anything until heal(); deliveries wait.
   * Members named in no group form one more group together.
   */
  partition(groups: readonly (readonly string[])[]): void;
  /** Ends the partition; both ends of every repaired pair get onReachable. */
  heal(): void;
}

interface Member {
  seq: number;
  readonly broadcasts: Map<BroadcastKind, Listeners<[Broadcast]>>;
  readonly direct: Map<MessageKind, Listeners<[string, Uint8Array]>>;
  readonly reachable: Listeners<[string]>;
}

export function createFakeNetwork(): FakeNetwork {
  const members = new Map<string, Member>();
  let queue: Delivery[] = [];
  let groupOf = new Map<string, number>();

  const member = (id: string): Member => {
    const m = members.get(id);
    if (!m) throw new RangeError(`no member ${id}`);
    return m;
  };
  const cut = (a: string, b: string): boolean => groupOf.size > 0 && groupOf.get(a) !== groupOf.get(b);
  const source = (d: Delivery): string => (d.type === 'broadcast' ? d.message.origin : d.from);
  const deliverable = (d: Delivery): boolean => !cut(source(d), d.to);

  function make(d: Delivery): void {
    const m = member(d.to);
    if (d.type === 'broadcast') m.broadcasts.get(d.message.kind)?.emit(d.message);
    else m.direct.get(d.kind)?.emit(d.from, d.payload);
  }

  function listeners<K, A extends unknown[]>(map: Map<K, Listeners<A>>, key: K): Listeners<A> {
    let l = map.get(key);
    if (!l) map.set(key, (l = new Listeners<A>()));
    return l;
  }

  function endpoint(id: string, self: Member): FakeEndpoint {
    return {
      id,
      broadcast(kind, payload) {
        self.seq += 1;
        const message: Broadcast = { origin: id, seq: self.seq, id: `${id}:${self.seq}`, kind, payload: payload.slice() };
        for (const to of members.keys()) if (to !== id) queue.push({ type: 'broadcast', to, message });
        make({ type: 'broadcast', to: id, message });
        return message;
      },
      onBroadcast: (kind, handler) => listeners(self.broadcasts, kind).add(handler),
      list: () => [...members.keys()].filter((other) => other !== id && !cut(id, other)),
      send(peer, kind, payload) {
        if (peer === id || !members.has(peer) || cut(id, peer)) return false;
        queue.push({ type: 'direct', to: peer, from: id, kind, payload: payload.slice() });
        return true;
      },
      onMessage: (kind, handler) => listeners(self.direct, kind).add(handler),
      onReachable: (handler) => self.reachable.add(handler),
    };
  }

  return {
    join(id) {
      if (members.has(id)) throw new RangeError(`member ${id} already joined`);
      const self: Member = { seq: 0, broadcasts: new Map(), direct: new Map(), reachable: new Listeners() };
      const others = [...members.keys()];
      members.set(id, self);
      for (const other of others) member(other).reachable.emit(id);
      return endpoint(id, self);
    },
    pending: () => queue.slice(),
    deliver(filter = () => true) {
      const chosen = new Set(queue.filter((d) => deliverable(d) && filter(d)));
      queue = queue.filter((d) => !chosen.has(d));
      for (const d of chosen) make(d);
      return chosen.size;
    },
    run({ rng, duplicateChance = 0, dropChance = 0, filter = () => true, maxSteps = 100_000 }) {
      let made = 0;
      for (let step = 0; step < maxSteps; step++) {
        const candidates = queue.filter((d) => deliverable(d) && filter(d));
        if (candidates.length === 0) break;
        const d = rng.pick(candidates);
        if (!rng.chance(duplicateChance)) queue.splice(queue.indexOf(d), 1);
        if (rng.chance(dropChance)) continue;
        make(d);
        made += 1;
      }
      return made;
    },
    drop(filter) {
      const before = queue.length;
      queue = queue.filter((d) => !filter(d));
      return before - queue.length;
    },
    duplicate(filter) {
      const copies = queue.filter(filter);
      queue.push(...copies.map((d) => ({ ...d })));
      return copies.length;
    },
    inject(to, message) {
      make({ type: 'broadcast', to, message });
    },
    partition(groups) {
      groupOf = new Map();
      groups.forEach((group, i) => {
        for (const id of group) groupOf.set(id, i);
      });
    },
    heal() {
      const ids = [...members.keys()];
      const wasCut = ids.flatMap((a) => ids.filter((b) => a !== b && cut(a, b)).map((b) => [a, b] as const));
      groupOf = new Map();
      for (const [a, b] of wasCut) member(a).reachable.emit(b);
    },
  };
}
