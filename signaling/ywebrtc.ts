import { accept, refuse, type Delivery, type Outcome } from './outcome.ts';
import type { PublishFrame } from './protocol.ts';
import type { RoomBudget } from './room-budget.ts';

/**
 * y-webrtc's signaling semantics (node_modules/y-webrtc/bin/server.js), kept apart from tabmesh
 * rooms: a topic is the set of sockets subscribed to it, a publish goes to every subscriber
 * (the publisher too, if subscribed; a publisher need not be) with `clients` set to their
 * number, and publishing to a topic nobody holds is silently dropped. Unlike bin/server.js,
 * an emptied topic is forgotten (its unsubscribe leaked it) and limits apply: topics draw on
 * the shared room budget and hold at most `maxMembersPerRoom` sockets. A subscribe that would
 * break a limit is refused whole.
 */
export interface TopicRegistry<P> {
  subscribe(peer: P, topics: readonly string[]): Outcome<P>;
  unsubscribe(peer: P, topics: readonly string[]): void;
  publish(frame: PublishFrame): readonly Delivery<P>[];
  /** Forgets every subscription of a closed socket. */
  drop(peer: P): void;
  counts(): { readonly topics: number; readonly subscriptions: number };
}

export interface TopicRegistryOptions {
  readonly budget: RoomBudget;
  readonly maxMembersPerRoom: number;
}

export function createTopicRegistry<P>({ budget, maxMembersPerRoom }: TopicRegistryOptions): TopicRegistry<P> {
  const topics = new Map<string, Set<P>>();
  const byPeer = new Map<P, Set<string>>();
  let subscriptions = 0;

  function remove(peer: P, topic: string): void {
    const subscribers = topics.get(topic);
    if (subscribers === undefined || !subscribers.delete(peer)) return;
    subscriptions--;
    byPeer.get(peer)?.delete(topic);
    if (subscribers.size === 0) {
      topics.delete(topic);
      budget.release();
    }
  }

  return {
    subscribe(peer, wanted) {
      const fresh = new Set(wanted.filter((topic) => !topics.has(topic)));
      if (fresh.size > 0 && !budget.fits(fresh.size)) {
        return refuse('too-many-rooms', `the server already holds its maximum of ${budget.max} rooms and topics`);
      }
      const full = wanted.find((topic) => {
        const subscribers = topics.get(topic);
        return subscribers !== undefined && !subscribers.has(peer) && subscribers.size >= maxMembersPerRoom;
      });
      if (full !== undefined) return refuse('room-full', `topic "${full}" is full (${maxMembersPerRoom} subscribers)`);
      const mine = byPeer.get(peer) ?? new Set<string>();
      byPeer.set(peer, mine);
      for (const topic of wanted) {
        let subscribers = topics.get(topic);
        if (subscribers === undefined) {
          subscribers = new Set();
          topics.set(topic, subscribers);
          budget.take();
        }
        if (subscribers.has(peer)) continue;
        subscribers.add(peer);
        mine.add(topic);
        subscriptions++;
      }
      return accept([]);
    },

    unsubscribe(peer, unwanted) {
      for (const topic of unwanted) remove(peer, topic);
    },

    publish(frame) {
      const subscribers = topics.get(frame.topic);
      if (subscribers === undefined) return [];
      return [{ to: [...subscribers], frame: { ...frame.fields, type: 'publish', topic: frame.topic, clients: subscribers.size } }];
    },

    drop(peer) {
      for (const topic of [...(byPeer.get(peer) ?? [])]) remove(peer, topic);
      byPeer.delete(peer);
    },

    counts: () => ({ topics: topics.size, subscriptions }),
  };
}
