import { describe, expect, it } from 'vitest';
import type { ControlFrame } from './control-frames.ts';
import { accept, type Outcome } from './outcome.ts';
import type { JoinFrame } from './protocol.ts';
import { createRoomBudget } from './room-budget.ts';
import { createRoomRegistry, MAX_INSTRUCTORS_PER_ROOM } from './rooms.ts';
import { createTopicRegistry } from './ywebrtc.ts';

type Peer = string;
const joinFrame = (room: string, id: string, password?: string): JoinFrame =>
  password === undefined ? { type: 'join', room, id, name: id.toUpperCase() } : { type: 'join', room, id, name: id.toUpperCase(), password };

const KEY = 'teacher-key';
const teach = (room: string, key = KEY) => ({ type: 'instructor', room, key }) as const;
const control = (to: ControlFrame['to'], op: ControlFrame['command']['op'] = 'heal'): ControlFrame => ({ type: 'control', to, command: { op } });

/** `instructorKey` null: a server started without one. */
function registry(maxRooms = 10, maxMembersPerRoom = 3, instructorKey: string | null = KEY) {
  const budget = createRoomBudget(maxRooms);
  return {
    budget,
    rooms: createRoomRegistry<Peer>({ budget, maxMembersPerRoom, iceServers: [], instructorKey: instructorKey ?? undefined }),
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
    expect(rooms.counts()).toEqual({ rooms: 2, members: 3, instructors: 0 });
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

describe('instructors', () => {
  it('are never listed as members but hear members come and go', () => {
    const { rooms } = registry();
    expect(rooms.instruct('t', teach('a'))).toEqual({ ok: true, deliveries: [{ to: ['t'], frame: { type: 'instructor-joined', room: 'a', members: [] } }] });
    expect(routed(rooms.join('p1', joinFrame('a', 'x')))).toEqual(['p1 joined', 't member-joined']);
    const joined = rooms.join('p2', joinFrame('a', 'y'));
    expect(routed(joined)).toEqual(['p2 joined', 'p1 member-joined', 't member-joined']);
    expect(joined.ok && joined.deliveries[0]?.frame).toMatchObject({ members: [{ id: 'x', name: 'X' }] });
    expect(routed(accept(rooms.leave('p1', 'closed')))).toEqual(['p2 member-left', 't member-left']);
    expect(rooms.counts()).toEqual({ rooms: 1, members: 1, instructors: 1 });
    expect(rooms.instruct('t2', teach('a'))).toMatchObject({ ok: true, deliveries: [{ frame: { members: [{ id: 'y', name: 'Y' }] } }] });
  });

  it('need the key: a wrong one, or none configured, leaves the socket where it was', () => {
    const { rooms } = registry();
    rooms.join('p1', joinFrame('a', 'x'));
    rooms.join('p2', joinFrame('a', 'y'));
    for (const key of ['teacher-kez', 'teacher-key ', 't']) expect(routed(rooms.instruct('p1', teach('a', key)))).toEqual(['refused bad-key']);
    expect(rooms.isInstructor('p1')).toBe(false);
    expect(routed(rooms.signal('p2', { type: 'signal', to: 'x', data: {} }))).toEqual(['p1 signal']);
    const keyless = registry(10, 3, null).rooms;
    expect(routed(keyless.instruct('t', teach('a')))).toEqual(['refused no-instructor']);
  });

  it('move a member out of its seat, and back in by joining', () => {
    const { rooms } = registry();
    rooms.join('p1', joinFrame('a', 'x'));
    rooms.join('p2', joinFrame('a', 'y'));
    expect(routed(rooms.instruct('p1', teach('a')))).toEqual(['p2 member-left', 'p1 instructor-joined']);
    expect(routed(rooms.signal('p1', { type: 'signal', to: 'y', data: {} }))).toEqual(['refused not-joined']);
    expect(routed(rooms.instruct('p1', teach('a')))).toEqual(['p1 instructor-joined']);
    expect(rooms.counts()).toEqual({ rooms: 1, members: 1, instructors: 1 });
    expect(routed(rooms.join('p1', joinFrame('a', 'x')))).toEqual(['p1 joined', 'p2 member-joined']);
    expect(rooms.counts()).toEqual({ rooms: 1, members: 2, instructors: 0 });
  });

  it('hold a room open, whose next first member sets its password afresh', () => {
    const { rooms, budget } = registry(1);
    rooms.instruct('t', teach('a'));
    expect(routed(rooms.instruct('u', teach('b')))).toEqual(['refused too-many-rooms']);
    rooms.join('p1', joinFrame('a', 'x', 'pw'));
    expect(routed(rooms.join('p2', joinFrame('a', 'y')))).toEqual(['refused wrong-password']);
    rooms.leave('p1', 'left');
    expect(routed(rooms.join('p2', joinFrame('a', 'y')))).toEqual(['p2 joined', 't member-joined']);
    rooms.leave('p2', 'left');
    rooms.leave('t', 'closed');
    expect(rooms.counts()).toEqual({ rooms: 0, members: 0, instructors: 0 });
    expect(budget.fits(1)).toBe(true);
  });

  it('are bounded per room', () => {
    const { rooms } = registry();
    for (let i = 0; i < MAX_INSTRUCTORS_PER_ROOM; i++) expect(rooms.instruct(`t${i}`, teach('a')).ok).toBe(true);
    expect(routed(rooms.instruct('t0', teach('a')))).toEqual(['t0 instructor-joined']);
    expect(routed(rooms.instruct('extra', teach('a')))).toEqual(['refused room-full']);
    expect(rooms.counts().instructors).toBe(MAX_INSTRUCTORS_PER_ROOM);
  });
});

describe('control and reports', () => {
  function classroom() {
    const r = registry(10, 4);
    for (const [peer, room, id] of [['a1', 'a', 'x'], ['a2', 'a', 'y'], ['a3', 'a', 'z'], ['b1', 'b', 'x'], ['b2', 'b', 'w']] as const) {
      r.rooms.join(peer, joinFrame(room, id));
    }
    r.rooms.instruct('ta', teach('a'));
    r.rooms.instruct('ta2', teach('a'));
    r.rooms.instruct('tb', teach('b'));
    return r.rooms;
  }

  it('relays a command to all or the named members of the instructor\'s own room, numbered per room', () => {
    const rooms = classroom();
    const all = rooms.control('ta', control('all', 'partition'));
    expect(routed(all)).toEqual(['a1 control', 'a2 control', 'a3 control', 'ta control-sent', 'ta2 control-sent']);
    expect(all.ok && all.deliveries.map((d) => d.frame)).toEqual([
      { type: 'control', command: { op: 'partition' }, seq: 1 },
      { type: 'control-sent', seq: 1, to: ['x', 'y', 'z'], command: { op: 'partition' } },
    ]);
    const named = rooms.control('ta2', control(['z', 'x']));
    expect(routed(named)).toEqual(['a3 control', 'a1 control', 'ta control-sent', 'ta2 control-sent']);
    expect(named.ok && named.deliveries[0]?.frame).toMatchObject({ seq: 2 });
    expect(routed(rooms.control('tb', control(['x'])))).toEqual(['b1 control', 'tb control-sent']);
  });

  it('refuses a command naming anyone outside the room whole, and any command from a non-instructor', () => {
    const rooms = classroom();
    expect(rooms.control('ta', control(['x', 'w']))).toEqual({
      ok: false,
      code: 'unknown-peer',
      reason: 'no member "w" in room "a"; the command was sent to nobody',
    });
    for (const peer of ['a1', 'b1', 'stranger']) expect(routed(rooms.control(peer, control('all')))).toEqual(['refused forbidden']);
    expect(routed(rooms.control('ta', control(['y'])))).toEqual(['a2 control', 'ta control-sent', 'ta2 control-sent']);
  });

  it('forwards a member\'s report to its own room\'s instructors only, or to nobody', () => {
    const rooms = classroom();
    const report = { type: 'report', data: { degree: 2 } } as const;
    expect(rooms.report('a2', report)).toEqual({
      ok: true,
      deliveries: [{ to: ['ta', 'ta2'], frame: { type: 'report', from: 'y', data: { degree: 2 } } }],
    });
    expect(routed(rooms.report('b2', report))).toEqual(['tb report']);
    rooms.leave('tb', 'closed');
    expect(rooms.report('b2', report)).toMatchObject({ ok: true, deliveries: [{ to: [] }] });
    for (const peer of ['ta', 'stranger']) expect(routed(rooms.report(peer, report))).toEqual(['refused not-joined']);
  });
});
