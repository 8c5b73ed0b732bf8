import { fileURLToPath } from 'node:url';
import { parseIceServers, type IceServer } from './ice-servers.ts';

/** Options of createSignalingServer; every field is optional and defaults as documented. */
export interface SignalingServerOptions {
  /** Interface to bind. Default '127.0.0.1' (the CLI passes 0.0.0.0 for a classroom). */
  readonly host?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  readonly port?: number;
  /** Directory of the built app. Default `dist/` at the repository root. */
  readonly staticDir?: string;
  /** Interval of WebSocket pings; a socket silent for a whole round is dropped. Default 10 000. */
  readonly heartbeatMs?: number;
  /**
   * Largest frame accepted, in bytes. Default 64 KiB. Bigger frames get a `too-large` error and
   * are dropped; past 4x this, ws closes the socket with 1009 rather than buffer it.
   */
  readonly maxFrameBytes?: number;
  /** Tabmesh rooms plus y-webrtc topics held at once. Default 1000. */
  readonly maxRooms?: number;
  /** Members of one room, or subscribers of one topic. Default 64. */
  readonly maxMembersPerRoom?: number;
  /** Sustained frames per second per socket. Default 50. */
  readonly maxFramesPerSecond?: number;
  /** Frames a socket may send back to back before the rate applies. Default 100. */
  readonly frameBurst?: number;
  /** Open WebSockets at once; the next one gets a `too-many-sockets` error and close 1013. Default 1000. */
  readonly maxSockets?: number;
  /** Handed to every tab in its `joined` frame. Default none. */
  readonly iceServers?: readonly IceServer[];
  /**
   * Secret that an `instructor` frame must carry: 8-128 visible ASCII characters. Default none,
   * and then every `instructor` frame is refused with `no-instructor`.
   */
  readonly instructorKey?: string;
  /** Sustained `control` frames per second per instructor socket. Default 10. */
  readonly maxControlPerSecond?: number;
  /** `control` frames an instructor socket may send back to back. Default 20. */
  readonly controlBurst?: number;
  /** Sustained `report` frames per second per member socket. Default 2. */
  readonly maxReportsPerSecond?: number;
  /** `report` frames a member socket may send back to back. Default 4. */
  readonly reportBurst?: number;
}

export type ResolvedOptions = Required<Omit<SignalingServerOptions, 'instructorKey'>> & {
  readonly instructorKey: string | undefined;
};

/** Visible ASCII without spaces, so the key can be typed from a terminal and pasted anywhere. */
export const INSTRUCTOR_KEY_PATTERN = /^[\x21-\x7e]{8,128}$/;

/** How far past maxFrameBytes ws still reads a frame in order to answer `too-large` politely. */
export const HARD_FRAME_FACTOR = 4;
/** The smallest frame limit that still fits a join with every field at its longest. */
const MIN_FRAME_BYTES = 1024;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  host: '127.0.0.1',
  port: 0,
  staticDir: fileURLToPath(new URL('../dist/', import.meta.url)),
  heartbeatMs: 10_000,
  maxFrameBytes: 64 * 1024,
  maxRooms: 1000,
  maxMembersPerRoom: 64,
  maxFramesPerSecond: 50,
  frameBurst: 100,
  maxSockets: 1000,
  iceServers: [],
  instructorKey: undefined,
  maxControlPerSecond: 10,
  controlBurst: 20,
  maxReportsPerSecond: 2,
  reportBurst: 4,
};

/** Applies defaults and checks every option; throws a TypeError naming the bad one. */
export function resolveOptions(options: SignalingServerOptions): ResolvedOptions {
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(DEFAULT_OPTIONS, key)) throw new TypeError(`unknown signaling server option "${key}"`);
  }
  const o: ResolvedOptions = { ...DEFAULT_OPTIONS, ...withoutUndefined(options) };
  if (typeof o.host !== 'string' || o.host === '') throw new TypeError('"host" must be a non-empty string');
  integer('port', o.port, 0, 65535);
  if (typeof o.staticDir !== 'string' || o.staticDir === '') throw new TypeError('"staticDir" must be a non-empty path');
  integer('heartbeatMs', o.heartbeatMs, 10, 2 ** 31 - 1);
  integer('maxFrameBytes', o.maxFrameBytes, MIN_FRAME_BYTES, 2 ** 30);
  integer('maxRooms', o.maxRooms, 1, 2 ** 31 - 1);
  integer('maxMembersPerRoom', o.maxMembersPerRoom, 2, 2 ** 31 - 1);
  integer('maxSockets', o.maxSockets, 1, 2 ** 31 - 1);
  rate('maxFramesPerSecond', o.maxFramesPerSecond, 'frameBurst', o.frameBurst);
  rate('maxControlPerSecond', o.maxControlPerSecond, 'controlBurst', o.controlBurst);
  rate('maxReportsPerSecond', o.maxReportsPerSecond, 'reportBurst', o.reportBurst);
  if (o.instructorKey !== undefined && !(typeof o.instructorKey === 'string' && INSTRUCTOR_KEY_PATTERN.test(o.instructorKey))) {
    throw new TypeError('"instructorKey" must be 8-128 visible ASCII characters without spaces');
  }
  if (o.maxMembersPerRoom > o.maxSockets) {
    throw new TypeError(`"maxMembersPerRoom" (${o.maxMembersPerRoom}) cannot exceed "maxSockets" (${o.maxSockets})`);
  }
  return { ...o, iceServers: parseIceServers(o.iceServers) };
}

/** A token bucket's sustained rate (positive) and burst (a whole number of frames). */
function rate(name: string, value: unknown, burstName: string, burst: unknown): void {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new TypeError(`"${name}" must be a positive number, got ${String(value)}`);
  }
  integer(burstName, burst, 1, Number.MAX_SAFE_INTEGER);
}

function integer(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`"${name}" must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}

/** `{ port: undefined }` means "use the default", as in ws, rather than overriding it. */
function withoutUndefined(options: SignalingServerOptions): SignalingServerOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
