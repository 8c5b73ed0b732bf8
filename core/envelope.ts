import type { VectorClock } from './vector-clock.ts';

/**
 * What a protocol message is about. The space-time diagram filters by it, so it names the
 * protocol, not the message type within it (each protocol tags its own payload).
 */
export const MESSAGE_KINDS = ['heartbeat', 'gossip', 'chat', 'kv', 'yjs', 'awareness', 'trace'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const isMessageKind = (value: unknown): value is MessageKind =>
  typeof value === 'string' && (MESSAGE_KINDS as readonly string[]).includes(value);

/** One message on one hop. */
export interface Envelope {
  /** Unique per message: `${origin}:${seq}` for broadcasts, `${sender}/${n}` for point-to-point. */
  readonly id: string;
  /** The node that created the message. */
  readonly origin: string;
  /** The node that put it on this hop. */
  readonly sender: string;
  readonly kind: MessageKind;
  /** The origin's broadcast number (1, 2, 3...), or 0 for a point-to-point message. */
  readonly seq: number;
  /** Hops travelled before this one (0 when sent by its origin). */
  readonly hops: number;
  /** The sender's Lamport time at the send event. */
  readonly lamport: number;
  /** The sender's vector clock at the send event. */
  readonly vc: VectorClock;
  readonly payload: Uint8Array;
}
