import { createHash, timingSafeEqual } from 'node:crypto';
import type { ControlFrame, InstructorFrame, ReportFrame } from './control-frames.ts';
import type { IceServer } from './ice-servers.ts';
import { accept, refuse, type Delivery, type Outcome } from './outcome.ts';
import type { JoinFrame, LeaveReason, Member, SignalFrame } from './protocol.ts';
import type { RoomBudget } from './room-budget.ts';

/**
 * Tabmesh room bookkeeping, independent of sockets: `P` is whatever the server uses to address
 * a connection. Every operation returns the frames to send (see outcome.ts). A socket holds at
 * most one place: a member's seat or an instructor's chair, in one room. Joining or instructing
 * elsewhere moves it, and only once accepted, so a refusal leaves the socket where it was.
 * Instructors are not members: they are never listed and cannot signal, but they hear their
 * room's member-joined/member-left, send it `control` frames and receive its `report`s.
 * A room lives while anyone holds a place in it. Its password belongs to its members: whoever
 * joins it while it has none (an instructor may be holding it open) sets the password.
 */

/** Enough for a teacher's laptop and a projector; bounded as every report fans out to each. */
export const MAX_INSTRUCTORS_PER_ROOM = 4;

interface Room<P> {
  readonly name: string;
  /** SHA-256 of the password of the member who joined while the room had none; constant-time compared. */
  passwordHash: Buffer | undefined;
  readonly members: Map<string, RoomMember<P>>;
  readonly instructors: Set<P>;
  /** Numbers the room's control frames, so nodes and instructors can refer to one command. */
  controlSeq: number;
}

interface RoomMember<P> extends Member {
  readonly peer: P;
}

/** Where a socket is: a member's seat, or an instructor's chair when `member` is undefined. */
interface Place<P> {
  readonly room: Room<P>;
  readonly member: RoomMember<P> | undefined;
}

export interface RoomRegistryOptions {
  readonly budget: RoomBudget;
  readonly maxMembersPerRoom: number;
  readonly iceServers: readonly IceServer[];
  /** Without a key no socket can become an instructor. */
  readonly instructorKey: string | undefined;
}

export interface RoomRegistry<P> {
  join(peer: P, frame: JoinFrame): Outcome<P>;
  /** Makes the peer an instructor of the frame's room if the key matches. */
  instruct(peer: P, frame: InstructorFrame): Outcome<P>;
  /** Takes the peer out of its room, telling the others why a member went; nothing to send if it was in none. */
  leave(peer: P, reason: LeaveReason): readonly Delivery<P>[];
  signal(peer: P, frame: SignalFrame): Outcome<P>;
  /** Relays an instructor's command to members of its own room; naming a non-member refuses it whole. */
  control(peer: P, frame: ControlFrame): Outcome<P>;
  /** Forwards a member's report to its room's instructors; with none, the one delivery's `to` is empty. */
  report(peer: P, frame: ReportFrame): Outcome<P>;
  /** True for a member or an instructor. */
  isJoined(peer: P): boolean;
  isInstructor(peer: P): boolean;
  counts(): { readonly rooms: number; readonly members: number; readonly instructors: number };
}

export const FORBIDDEN_CONTROL = 'control frames are accepted only from a socket that sent a valid instructor frame';

/** Hashing first makes the comparison constant-time whatever the lengths of the two secrets. */
const sha256 = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

export function createRoomRegistry<P>({ budget, maxMembersPerRoom, iceServers, instructorKey }: RoomRegistryOptions): RoomRegistry<P> {
  const rooms = new Map<string, Room<P>>();
  const places = new Map<P, Place<P>>();
  const keyHash = instructorKey === undefined ? undefined : sha256(instructorKey);
  let instructors = 0;

  const occupants = (room: Room<P>): number => room.members.size + room.instructors.size;
  const memberList = (room: Room<P>): Member[] => [...room.members.values()].map(({ id, name }) => ({ id, name }));
  /** Everyone told about members coming and going. */
  const audience = (room: Room<P>): P[] => [...[...room.members.values()].map((m) => m.peer), ...room.instructors];
  /** A move out of the current room frees a room slot when the mover is its last occupant. */
  const freedBy = (current: Place<P> | undefined): number => (current !== undefined && occupants(current.room) === 1 ? 1 : 0);

  function admit(room: Room<P>, frame: JoinFrame, current: Place<P> | undefined): Outcome<P> | undefined {
    // A room with only instructors in it is, for its next member, a new room.
    if (room.members.size === 0) return undefined;
    if (room.passwordHash === undefined && frame.password !== undefined) {
      return refuse('wrong-password', `room "${room.name}" has no password; join it without one`);
    }
    if (room.passwordHash !== undefined) {
      const given = frame.password === undefined ? undefined : sha256(frame.password);
      if (given === undefined || !timingSafeEqual(given, room.passwordHash)) {
        return refuse('wrong-password', `room "${room.name}" is protected by a password and the one given does not match`);
      }
    }
    const rejoining = current !== undefined && current.room === room && current.member !== undefined;
    if (room.members.has(frame.id) && !(rejoining && current.member?.id === frame.id)) {
      return refuse('duplicate-id', `id "${frame.id}" is already taken in room "${room.name}"`);
    }
    if (room.members.size - (rejoining ? 1 : 0) >= maxMembersPerRoom) {
      return refuse('room-full', `room "${room.name}" is full (${maxMembersPerRoom} members)`);
    }
    return undefined;
  }

  /** The named room, created (and charged to the budget) if nobody holds it; call once admitted. */
  function roomNamed(name: string): Room<P> {
    let room = rooms.get(name);
    if (room === undefined) {
      room = { name, passwordHash: undefined, members: new Map(), instructors: new Set(), controlSeq: 0 };
      rooms.set(name, room);
      budget.take();
    }
    return room;
  }

  function leave(peer: P, reason: LeaveReason): Delivery<P>[] {
    const place = places.get(peer);
    if (place === undefined) return [];
    places.delete(peer);
    const { room, member } = place;
    if (member === undefined) {
      room.instructors.delete(peer);
      instructors--;
    } else {
      room.members.delete(member.id);
    }
    if (occupants(room) === 0) {
      rooms.delete(room.name);
      budget.release();
      return [];
    }
    if (member === undefined) return [];
    return [{ to: audience(room), frame: { type: 'member-left', id: member.id, reason } }];
  }

  return {
    join(peer, frame) {
      const current = places.get(peer);
      const existing = rooms.get(frame.room);
      if (existing !== undefined) {
        const refusal = admit(existing, frame, current);
        if (refusal !== undefined) return refusal;
      } else if (!budget.fits(1, freedBy(current))) {
        return refuse('too-many-rooms', `the server already holds its maximum of ${budget.max} rooms`);
      }
      const deliveries: Delivery<P>[] = leave(peer, 'left');
      // Looked up after leaving: that may have emptied and removed the very room being rejoined.
      const room = roomNamed(frame.room);
      if (room.members.size === 0) room.passwordHash = frame.password === undefined ? undefined : sha256(frame.password);
      const others = audience(room);
      const members = memberList(room);
      const member: RoomMember<P> = { id: frame.id, name: frame.name, peer };
      room.members.set(member.id, member);
      places.set(peer, { room, member });
      deliveries.push({ to: [peer], frame: { type: 'joined', room: room.name, id: member.id, members, iceServers } });
      if (others.length > 0) {
        deliveries.push({ to: others, frame: { type: 'member-joined', member: { id: member.id, name: member.name } } });
      }
      return accept(deliveries);
    },

    instruct(peer, frame) {
      if (keyHash === undefined) return refuse('no-instructor', 'this server was started without an instructor key');
      if (!timingSafeEqual(sha256(frame.key), keyHash)) return refuse('bad-key', 'wrong instructor key');
      const current = places.get(peer);
      const existing = rooms.get(frame.room);
      const already = current !== undefined && current.member === undefined && current.room === existing;
      if (existing !== undefined && !already && existing.instructors.size >= MAX_INSTRUCTORS_PER_ROOM) {
        return refuse('room-full', `room "${frame.room}" already has ${MAX_INSTRUCTORS_PER_ROOM} instructor sockets`);
      }
      if (existing === undefined && !budget.fits(1, freedBy(current))) {
        return refuse('too-many-rooms', `the server already holds its maximum of ${budget.max} rooms`);
      }
      const deliveries: Delivery<P>[] = already ? [] : leave(peer, 'left');
      const room = roomNamed(frame.room);
      if (!already) {
        room.instructors.add(peer);
        places.set(peer, { room, member: undefined });
        instructors++;
      }
      deliveries.push({ to: [peer], frame: { type: 'instructor-joined', room: room.name, members: memberList(room) } });
      return accept(deliveries);
    },

    leave,

    signal(peer, frame) {
      const place = places.get(peer);
      if (place?.member === undefined) return refuse('not-joined', 'join a room before sending signals');
      const target = place.room.members.get(frame.to);
      if (target === undefined) return refuse('unknown-peer', `no member "${frame.to}" in room "${place.room.name}"`);
      return accept([{ to: [target.peer], frame: { type: 'signal', from: place.member.id, data: frame.data } }]);
    },

    control(peer, frame) {
      const place = places.get(peer);
      if (place === undefined || place.member !== undefined) {
        return refuse('forbidden', FORBIDDEN_CONTROL);
      }
      const { room } = place;
      const missing = frame.to === 'all' ? [] : frame.to.filter((id) => !room.members.has(id));
      if (missing.length > 0) {
        const named = missing.slice(0, 8).map((id) => `"${id}"`).join(', ') + (missing.length > 8 ? ` and ${missing.length - 8} more` : '');
        return refuse('unknown-peer', `no member ${named} in room "${room.name}"; the command was sent to nobody`);
      }
      const targets = frame.to === 'all' ? [...room.members.values()] : frame.to.flatMap((id) => room.members.get(id) ?? []);
      const seq = ++room.controlSeq;
      const { command } = frame;
      return accept([
        { to: targets.map((m) => m.peer), frame: { type: 'control', command, seq } },
        { to: [...room.instructors], frame: { type: 'control-sent', seq, to: targets.map((m) => m.id), command } },
      ]);
    },

    report(peer, frame) {
      const place = places.get(peer);
      if (place?.member === undefined) return refuse('not-joined', 'join a room as a member before sending reports');
      return accept([{ to: [...place.room.instructors], frame: { type: 'report', from: place.member.id, data: frame.data } }]);
    },

    isJoined: (peer) => places.has(peer),

    isInstructor(peer) {
      const place = places.get(peer);
      return place !== undefined && place.member === undefined;
    },

    counts: () => ({ rooms: rooms.size, members: places.size - instructors, instructors }),
  };
}
