/**
 * The server's cap on rooms held at once, shared by tabmesh rooms (rooms.ts) and y-webrtc
 * topics (ywebrtc.ts).
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
