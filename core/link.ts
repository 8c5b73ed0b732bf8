/**
 * The one seam between two nodes. Every byte a protocol sends to another node goes through a
 * Link: a WebRTC data channel in a tab, a simulated wire in tests. Faults are injected by
 * wrapping a Link (see faulty-link.ts), so every protocol sees the same network.
 */
export type LinkState = 'connecting' | 'open' | 'closed';

export type Unsubscribe = () => void;

export interface Link {
  /** This node's id. */
  readonly local: string;
  /** The node at the other end. */
  readonly remote: string;
  readonly state: LinkState;
  /** Queue bytes for the other end. Returns false (and sends nothing) unless the link is open. */
  send(bytes: Uint8Array): boolean;
  onMessage(handler: (bytes: Uint8Array) => void): Unsubscribe;
  /** Fires once when the link becomes open; immediately-open links fire on the next scheduler turn. */
  onOpen(handler: () => void): Unsubscribe;
  /** Fires once when the link closes, from either end or by failure. */
  onClose(handler: (reason: string) => void): Unsubscribe;
  /** Closes the link; safe to call more than once. */
  close(reason?: string): void;
}

/** A tiny typed event list, shared by Link implementations so their callback semantics agree. */
export class Listeners<A extends unknown[]> {
  private readonly handlers = new Set<(...args: A) => void>();

  add(handler: (...args: A) => void): Unsubscribe {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  emit(...args: A): void {
    for (const h of [...this.handlers]) h(...args);
  }

  clear(): void {
    this.handlers.clear();
  }
}
