import type { MessageKind } from './envelope.ts';
import type { VectorClock } from './vector-clock.ts';

/**
 * Every message event at the seam, in one log: the space-time diagram, the stats and the
 * exports all read it. A send is recorded by the sender with its clocks at the send; a
 * deliver is recorded by the receiver with its clocks after the receive.
 */
export type JournalEventType = 'send' | 'deliver' | 'drop' | 'duplicate' | 'delay';

export interface JournalEvent {
  /** Position in this journal, from 1. */
  readonly n: number;
  /** Scheduler time of the event. */
  readonly t: number;
  readonly type: JournalEventType;
  /** The node that recorded the event. */
  readonly node: string;
  /** The node at the other end of the link. */
  readonly peer: string;
  /** 'out' for events on the way out of `node`, 'in' on the way in. */
  readonly dir: 'out' | 'in';
  readonly msgId: string;
  readonly kind: MessageKind;
  readonly bytes: number;
  readonly lamport: number;
  readonly vc: VectorClock;
  /** Why a message was dropped ('cut', 'drop'), or the delay in ms for 'delay'. */
  readonly detail?: string;
}

export type JournalEntry = Omit<JournalEvent, 'n'>;

export interface Journal {
  record(entry: JournalEntry): void;
  /** The retained events, oldest first. */
  events(): readonly JournalEvent[];
  /** Events recorded so far, including those evicted by the size limit. */
  readonly total: number;
  subscribe(listener: (event: JournalEvent) => void): () => void;
}

/** A journal keeping the newest `limit` events (Infinity keeps all, as the simulator does). */
export function createJournal(limit = Infinity): Journal {
  let log: JournalEvent[] = [];
  let total = 0;
  const listeners = new Set<(event: JournalEvent) => void>();
  return {
    record(entry) {
      total += 1;
      const event: JournalEvent = { n: total, ...entry };
      log.push(event);
      // Trim in batches so a full journal costs amortised O(1) per event.
      if (log.length > limit * 1.25 + 64) log = log.slice(log.length - limit);
      for (const l of listeners) l(event);
    },
    events: () => (log.length > limit ? log.slice(log.length - limit) : log),
    get total() {
      return total;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
