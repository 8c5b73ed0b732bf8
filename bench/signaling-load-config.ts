import type { SignalingServerOptions } from '../signaling/server.ts';

/**
 * What the signaling capacity bench's three processes agree on: the server under test, the
 * load, the tabmesh options, and the IPC messages between the orchestrator and its children.
 */
export type Dialect = 'tabmesh' | 'y-webrtc';

/**
 * Tabmesh's server as measured: every check and limit stays on at its default except these
 * two, raised so that 5,000 sockets fit and the closed-loop load is relayed, not rate-limited
 * (the token bucket still runs on every frame; the bench checks that it dropped nothing).
 */
export const TABMESH_BENCH_OPTIONS = {
  maxSockets: 6000,
  maxFramesPerSecond: 10_000,
} as const satisfies SignalingServerOptions;

export interface LoadConfig {
  readonly dialect: Dialect;
  readonly port: number;
  readonly sockets: number;
  readonly roomSize: number;
  /** Signals each socket keeps in flight: a new one is sent when one reaches its recipient. */
  readonly window: number;
  /** Connections being opened at once, so the accept backlog never overflows. */
  readonly connectConcurrency: number;
  /** Bound on connecting and joining every socket. */
  readonly setupTimeoutMs: number;
}

/** Cumulative counters of the load client, read at both ends of the measurement window. */
export interface LoadSnapshot {
  /** performance.now() of the load client when the snapshot was taken. */
  readonly atMs: number;
  readonly sent: number;
  /** Relayed frames (signal or publish) received by any client. */
  readonly delivered: number;
  /** Relayed frames received by the one client they were addressed to. */
  readonly useful: number;
  /** Sockets the server closed before the bench stopped. */
  readonly closed: number;
  /** Error frames from the server, by code. */
  readonly errors: Readonly<Record<string, number>>;
}

export type ToLoadClient = { readonly type: 'go' } | { readonly type: 'snapshot' } | { readonly type: 'stop' };

export type FromLoadClient =
  | { readonly type: 'ready'; readonly setupMs: number }
  | { readonly type: 'snapshot'; readonly snapshot: LoadSnapshot }
  | { readonly type: 'failed'; readonly reason: string };

export type ToServerHost = { readonly type: 'stats' };

export type FromServerHost =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'stats'; readonly errors: Readonly<Record<string, number>> | undefined }
  | { readonly type: 'failed'; readonly reason: string };

/** Fixed-width ids, so a client finds the sender of a frame without parsing its JSON. */
export const ID_DIGITS = 6;
export const nodeId = (index: number): string => `p${String(index).padStart(ID_DIGITS, '0')}`;
export const roomName = (room: number): string => `r${String(room).padStart(4, '0')}`;

/** Socket i sends to the next member of its room, so each receives from exactly one sender. */
export function targetOf(index: number, roomSize: number, sockets: number): number {
  const first = index - (index % roomSize);
  const size = Math.min(roomSize, sockets - first);
  return first + ((index - first + 1) % size);
}

/**
 * A ~200-byte ICE candidate, as a tab trickles them during set-up. It must not contain
 * `"from":"`, which clients search for to find the sender.
 */
export function candidatePayload(from: number): Record<string, string | number> {
  return {
    kind: 'candidate',
    candidate: `candidate:${842163049 + from} 1 udp 1677729535 192.0.2.${from % 250} ${50000 + (from % 10000)} typ srflx raddr 10.0.0.1 rport 54400 generation 0 ufrag Xk9f network-cost 999`,
    sdpMid: '0',
    sdpMLineIndex: 0,
  };
}
