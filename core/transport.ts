import type { MessageKind } from './envelope.ts';
import type { Unsubscribe } from './link.ts';

/**
 * What a replication protocol (chat, kv, yjs) gets from its node: dissemination to every live
 * member, and point-to-point messages to direct neighbours. Protocols never touch links, so
 * every byte they exchange passes the fault injector.
 */
export type BroadcastKind = Extract<MessageKind, 'chat' | 'kv' | 'yjs' | 'awareness' | 'trace'>;

export interface Broadcast {
  /** The member that created it. */
  readonly origin: string;
  /** The origin's broadcast number, from 1; unique per origin. */
  readonly seq: number;
  /** `${origin}:${seq}` — stable across hops. */
  readonly id: string;
  readonly kind: BroadcastKind;
  readonly payload: Uint8Array;
}

export interface BroadcastOptions {
  /**
   * Ephemeral messages (presence, trace summaries) are pushed but not kept for anti-entropy:
   * a lost one is replaced by the next, so repairing it would only cost bandwidth.
   */
  readonly ephemeral?: boolean;
}

export interface Dissemination {
  /** Sends to every live member (eventually, across partitions once healed). Delivered locally too. */
  broadcast(kind: BroadcastKind, payload: Uint8Array, options?: BroadcastOptions): Broadcast;
  /** Each broadcast of this kind, once per node, in arrival order (including this node's own). */
  onBroadcast(kind: BroadcastKind, handler: (message: Broadcast) => void): Unsubscribe;
}

export interface Neighbours {
  /** Ids of the members this node has an open link to. */
  list(): string[];
  /** Sends a point-to-point message over the link to `peer`. False when there is no open link. */
  send(peer: string, kind: MessageKind, payload: Uint8Array): boolean;
  onMessage(kind: MessageKind, handler: (peer: string, payload: Uint8Array) => void): Unsubscribe;
  /**
   * Fires when messages can newly flow to `peer`: a link opened, or a cut on it healed. Sync
   * protocols start a state exchange here.
   */
  onReachable(handler: (peer: string) => void): Unsubscribe;
}

/** Counts and remembers rejected peer input; the node shows it, tests assert on it. */
export interface ErrorSink {
  (source: string, code: string, detail: string): void;
}
