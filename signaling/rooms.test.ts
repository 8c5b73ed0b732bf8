import { describe, expect, it } from 'vitest';
import type { Outcome } from './outcome.ts';
import type { JoinFrame } from './protocol.ts';
import { createRoomBudget, createRoomRegistry } from './rooms.ts';
import { createTopicRegistry } from './ywebrtc.ts';

type Peer = string;
const joinFrame = (room: string, id: string, password?: string): JoinFrame =>
  password === undefined ? { type: 'join', room, id, name: id.toUpperCase() } : { type: 'join', room, id, name: id.toUpperCase(), password };

function registry(maxRooms = 10, maxMembersPerRoom = 3) {
  const budget = createRoomBudget(maxRooms);
  return {
    budget,
    rooms: createRoomRegistry<Peer>({ budget, maxMembersPerRoom, iceServers: [] }),
    topics: createTopicRegistry<Peer>({ budget, maxMembersPerRoom }),
  };
}

/** Who receives which frame type, e.g. ["p1 joined", "p2 member-joined"]. */
function routed(outcome: Outcome<Peer>): string[] {
  if (!outcome.ok) return [`refused ${outcome.code}`];
  return outcome.deliveries.flatMap((d) => d.to.map((to) => `${to} ${d.frame.type}`));
}

describe('room registry', () => {
  it('moves a socket to a new room only once the new join is accepted', () => {
    const { rooms } = registry();
    rooms.join('p1', joinFrame('a', 'x', 'pw'));
    rooms.join('p2', joinFrame('b', 'y'));
    rooms.join('p3', joinFrame('b', 'z'));
    expect(routed(rooms.join('p2', joinFrame('a', 'y', 'wrong')))).toEqual(['refused wrong-password']);
    expect(routed(rooms.signal('p3', { type: 'signal', to: 'y', data: {} }))).toEqual(['p2 signal']);
    expect(routed(rooms.join('p2', joinFrame('a', 'y', 'pw')))).toEqual(['p3 member-left', 'p2 joined', 'p1 member-joined']);
    expect(routed(rooms.signal('p3', { type: 'signal', to: 'y', data: {} }))).toEqual(['refused unknown-peer']);
    expect(rooms.counts()).toEqual({ rooms: 2, members: 3 });
  });

  it('lets a member rejoin its own room under the same id, even when the room is full', () => {
    const { rooms } = registry(10, 2);
    rooms.join('p1', joinFrame('a', 'x'));
    rooms.join('p2', joinFrame('a', 'y'));
    expect(routed(rooms.join('p2', joinFrame('a', 'y')))).toEqual(['p1 member-left', 'p2 joined', 'p1 member-joined']);
    expect(routed(rooms.join('p3', joinFrame('a', 'z')))).toEqual(['refused room-full']);
    expect(routed(rooms.join('p2', joinFrame('a', 'x')))).toEqual(['refused duplicate-id']);
  });

  it('forgets a room, and its password, when its last member leaves', () => {
    const { rooms, budget } = registry(1);
    rooms.join('p1', joinFrame('a', 'x', 'pw'));
    expect(budget.fits(1)).toBe(false);
    expect(rooms.leave('p1', 'closed')).toEqual([]);
    expect(rooms.leave('p1', 'closed')).toEqual([]);
    expect(budget.fits(1)).toBe(true);
    expect(routed(rooms.join('p2', joinFrame('a', 'y')))).toEqual(['p2 joined']);
  });

  it('shares one room budget between rooms and topics, refusing a subscribe whole', () => {
    const { rooms, topics, budget } = registry(3);
    rooms.join('p1', joinFrame('a', 'x'));
    expect(routed(topics.subscribe('p1', ['t1', 't2', 't3']))).toEqual(['refused too-many-rooms']);
    expect(topics.counts()).toEqual({ topics: 0, subscriptions: 0 });
    expect(topics.subscribe('p1', ['t1', 't2', 't1']).ok).toBe(true);
    expect(topics.counts()).toEqual({ topics: 2, subscriptions: 2 });
    expect(routed(rooms.join('p2', joinFrame('b', 'y')))).toEqual(['refused too-many-rooms']);
    topics.drop('p1');
    expect(topics.counts()).toEqual({ topics: 0, subscriptions: 0 });
    expect(budget.fits(2)).toBe(true);
    expect(budget.fits(3)).toBe(false);
  });

  it('publishes to current subscribers only, with their count', () => {
    const { topics } = registry();
    topics.subscribe('p1', ['t']);
    topics.subscribe('p2', ['t']);
    topics.unsubscribe('p2', ['t']);
    expect(topics.publish({ type: 'publish', topic: 't', fields: { type: 'publish', topic: 't', x: 1 } })).toEqual([
      { to: ['p1'], frame: { type: 'publish', topic: 't', x: 1, clients: 1 } },
    ]);
    expect(topics.publish({ type: 'publish', topic: 'none', fields: { type: 'publish', topic: 'none' } })).toEqual([]);
  });
});
