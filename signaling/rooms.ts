import { createHash, timingSafeEqual } from 'node:crypto';
import type { IceServer } from './ice-servers.ts';
import { accept, refuse, type Delivery, type Outcome } from './outcome.ts';
import type { JoinFrame, LeaveReason, Member, SignalFrame } from './protocol.ts';

/**
 * Tabmesh room bookkeeping, independent of sockets: `P` is whatever the server uses to address
 * a connection. Every operation returns the frames to send (see outcome.ts). A socket is in at
 * most one room; joining another room moves it there, and only once the new join is accepted,
 * so a refused join leaves the socket where it was. Instructor `control` frames are meant to
 * land here as one more operation that looks up the sender's membership and returns deliveries.
 */

/** Rooms and y-webrtc topics draw on one budget, so neither namespace can starve the other. */
export interface RoomBudget {
  readonly max: number;
  /** True if `extra` more rooms fit once `freed` rooms about to be released are gone. */
  fits(extra: number, freed?: number): boolean;
  take(): void;
  release(): void;
}

export function createRoomBudget(max: number): RoomBudget {
  let used = 0;
  return {
    max,
    fits: (extra, freed = 0) => used - freed + extra <= max,
    take: () => void used++,
    release: () => void used--,
  };
}

interface Room<P> {
  readonly name: string;
  /** SHA-256 of the first joiner's password, compared in constant time. */
  readonly passwordHash: Buffer | undefined;
  readonly members: Map<string, RoomMember<P>>;
}

interface RoomMember<P> extends Member {
  readonly peer: P;
}

interface Seat<P> {
  readonly room: Room<P>;
  readonly member: RoomMember<P>;
}

export interface RoomRegistryOptions {
  readonly budget: RoomBudget;
  readonly maxMembersPerRoom: number;
  readonly iceServers: readonly IceServer[];
}

export interface RoomRegistry<P> {
  join(peer: P, frame: JoinFrame): Outcome<P>;
  /** Removes the peer from its room, telling the others why; nothing to send if it was in none. */
  leave(peer: P, reason: LeaveReason): readonly Delivery<P>[];
  signal(peer: P, frame: SignalFrame): Outcome<P>;
  isJoined(peer: P): boolean;
  counts(): { readonly rooms: number; readonly members: number };
}

const hashPassword = (password: string): Buffer => createHash('sha256').update(password, 'utf8').digest();

export function createRoomRegistry<P>({ budget, maxMembersPerRoom, iceServers }: RoomRegistryOptions): RoomRegistry<P> {
  const rooms = new Map<string, Room<P>>();
  const seats = new Map<P, Seat<P>>();

  function admit(room: Room<P>, frame: JoinFrame, current: Seat<P> | undefined): Outcome<P> | undefined {
    if (room.passwordHash === undefined && frame.password !== undefined) {
      return refuse('wrong-password', `room "${room.name}" has no password; join it without one`);
    }
    if (room.passwordHash !== undefined) {
      const given = frame.password === undefined ? undefined : hashPassword(frame.password);
      if (given === undefined || !timingSafeEqual(given, room.passwordHash)) {
        return refuse('wrong-password', `room "${room.name}" is protected by a password and the one given does not match`);
      }
    }
    const rejoining = current !== undefined && current.room === room;
    if (room.members.has(frame.id) && !(rejoining && current.member.id === frame.id)) {
      return refuse('duplicate-id', `id "${frame.id}" is already taken in room "${room.name}"`);
    }
    if (room.members.size - (rejoining ? 1 : 0) >= maxMembersPerRoom) {
      return refuse('room-full', `room "${room.name}" is full (${maxMembersPerRoom} members)`);
    }
    return undefined;
  }

  function leave(peer: P, reason: LeaveReason): Delivery<P>[] {
    const seat = seats.get(peer);
    if (seat === undefined) return [];
    seats.delete(peer);
    const { room, member } = seat;
    room.members.delete(member.id);
    if (room.members.size === 0) {
      rooms.delete(room.name);
      budget.release();
      return [];
    }
    return [{ to: [...room.members.values()].map((m) => m.peer), frame: { type: 'member-left', id: member.id, reason } }];
  }

  return {
    join(peer, frame) {
      const current = seats.get(peer);
      const existing = rooms.get(frame.room);
      if (existing !== undefined) {
        const refusal = admit(existing, frame, current);
        if (refusal !== undefined) return refusal;
      } else if (!budget.fits(1, current?.room.members.size === 1 ? 1 : 0)) {
        return refuse('too-many-rooms', `the server already holds its maximum of ${budget.max} rooms`);
      }
      const deliveries: Delivery<P>[] = leave(peer, 'left');
      // Looked up again: leaving may have emptied and removed the very room being rejoined.
      let room = rooms.get(frame.room);
      if (room === undefined) {
        const passwordHash = frame.password === undefined ? undefined : hashPassword(frame.password);
        room = { name: frame.room, passwordHash, members: new Map() };
        rooms.set(room.name, room);
        budget.take();
      }
      const others = [...room.members.values()];
      const member: RoomMember<P> = { id: frame.id, name: frame.name, peer };
      room.members.set(member.id, member);
      seats.set(peer, { room, member });
      const members = others.map(({ id, name }) => ({ id, name }));
      deliveries.push({ to: [peer], frame: { type: 'joined', room: room.name, id: member.id, members, iceServers } });
      if (others.length > 0) {
        deliveries.push({ to: others.map((m) => m.peer), frame: { type: 'member-joined', member: { id: member.id, name: member.name } } });
      }
      return accept(deliveries);
    },

    leave,

    signal(peer, frame) {
      const seat = seats.get(peer);
      if (seat === undefined) return refuse('not-joined', 'join a room before sending signals');
      const target = seat.room.members.get(frame.to);
      if (target === undefined) return refuse('unknown-peer', `no member "${frame.to}" in room "${seat.room.name}"`);
      return accept([{ to: [target.peer], frame: { type: 'signal', from: seat.member.id, data: frame.data } }]);
    },

    isJoined: (peer) => seats.has(peer),

    counts: () => ({ rooms: rooms.size, members: seats.size }),
  };
}
