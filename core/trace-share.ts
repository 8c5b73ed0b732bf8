import type { Journal, JournalEvent } from './journal.ts';
import { Listeners, type Unsubscribe } from './link.ts';
import { every, type Scheduler } from './scheduler.ts';
import { decodeSummary, encodeSummary, MAX_SUMMARY_BYTES, MAX_SUMMARY_EVENTS } from './trace-share-codec.ts';
import type { Dissemination, ErrorSink } from './transport.ts';

/**
 * "Share my trace": a node's journal holds only what it saw itself, so a space-time diagram
 * drawn in one tab shows arrows leaving for lanes it knows nothing of. A node that opts in
 * broadcasts, every interval, the events it recorded since its last summary (the newest few
 * hundred if there are more; never those of 'trace' messages, the summaries themselves), as an
 * ephemeral 'trace' broadcast: a lost summary is not repaired, the next one follows. Every node
 * keeps what it receives, bounded per node and in the number of nodes, for the diagram to merge
 * with its own journal.
 */
export interface TraceShareOptions {
  readonly self: string;
  readonly journal: Journal;
  readonly dissemination: Dissemination;
  readonly scheduler: Scheduler;
  readonly onError: ErrorSink;
  /** How often a sharing node sends a summary (default 2 s). */
  readonly intervalMs?: number;
  /** Most events in one summary; older unsent ones are skipped (default 200). */
  readonly maxEventsPerSummary?: number;
  /** Most events kept per remote node, newest first (default 2000). */
  readonly maxEventsPerNode?: number;
  /** Most remote nodes kept; the one heard from least recently goes first (default 64). */
  readonly maxNodes?: number;
}

export interface TraceShare {
  /** Off by default. Turning it on sends a summary at once, then every interval. */
  setSharing(on: boolean): void;
  sharing(): boolean;
  /** Events received from other nodes, ordered by (node, n). Replaced, never mutated, on change. */
  remoteEvents(): readonly JournalEvent[];
  /** Fires when remote events arrive or sharing is switched. */
  onChange(listener: () => void): Unsubscribe;
  destroy(): void;
}

export const TRACE_SHARE_DEFAULTS = { intervalMs: 2000, maxEventsPerSummary: 200, maxEventsPerNode: 2000, maxNodes: 64 } as const;

function check(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  return value;
}

export function createTraceShare(options: TraceShareOptions): TraceShare {
  const { self, journal, dissemination, scheduler, onError } = options;
  const intervalMs = check('intervalMs', options.intervalMs ?? TRACE_SHARE_DEFAULTS.intervalMs, 50, 3_600_000);
  const perSummary = check('maxEventsPerSummary', options.maxEventsPerSummary ?? TRACE_SHARE_DEFAULTS.maxEventsPerSummary, 1, MAX_SUMMARY_EVENTS);
  const perNode = check('maxEventsPerNode', options.maxEventsPerNode ?? TRACE_SHARE_DEFAULTS.maxEventsPerNode, 1, 100_000);
  const maxNodes = check('maxNodes', options.maxNodes ?? TRACE_SHARE_DEFAULTS.maxNodes, 1, 4096);

  /** Per remote node, its events by ascending n; Map order is least recently heard first. */
  const store = new Map<string, JournalEvent[]>();
  const listeners = new Listeners<[]>();
  /** Built when asked for after a change: summaries can arrive faster than the view reads them. */
  let merged: readonly JournalEvent[] = [];
  let lastShared = 0;
  let stopTimer: (() => void) | null = null;

  let mergedStale = false;
  let destroyed = false;

  /** Sends what this node recorded since the last summary, newest first if there is too much. */
  const publish = (): void => {
    const all = journal.events();
    const fresh: JournalEvent[] = [];
    for (let i = all.length - 1; i >= 0 && fresh.length < perSummary; i--) {
      const e = all[i] as JournalEvent;
      if (e.n <= lastShared) break;
      // Not the summaries' own carriage: every summary is relayed across the room, and sharing
      // the sends and deliveries of summaries made each round's summaries mostly about the last
      // round's (in a 12-tab room, about half of what every tab decoded; bench:page). A 'trace'
      // arrow still shows on the lane of the node that saw it, its far end marked unknown.
      if (e.node === self && e.kind !== 'trace') fresh.push(e);
    }
    lastShared = all[all.length - 1]?.n ?? lastShared;
    fresh.reverse();
    // Drop the oldest half until it fits: a summary of huge clocks must not exceed what peers accept.
    let bytes = encodeSummary(fresh);
    while (bytes.length > MAX_SUMMARY_BYTES && fresh.length > 1) {
      fresh.splice(0, Math.ceil(fresh.length / 2));
      bytes = encodeSummary(fresh);
    }
    if (fresh.length === 0) return;
    if (bytes.length > MAX_SUMMARY_BYTES) {
      onError('trace', 'summary-too-large', `one event of ${bytes.length} bytes exceeds the ${MAX_SUMMARY_BYTES}-byte summary limit`);
      return;
    }
    dissemination.broadcast('trace', bytes, { ephemeral: true });
  };

  const receive = (origin: string, payload: Uint8Array): void => {
    if (origin === self) return;
    const decoded = decodeSummary(payload, origin);
    if (!decoded.ok) {
      onError('trace', decoded.error.code, `from ${origin}: ${decoded.error.message}`);
      return;
    }
    const known = store.get(origin) ?? [];
    const have = new Set(known.map((e) => e.n));
    const added = decoded.value.filter((e) => !have.has(e.n));
    if (added.length === 0) return;
    store.delete(origin);
    // Summaries may arrive out of order (gossip paths differ), so merge by n rather than append.
    store.set(origin, [...known, ...added].sort((a, b) => a.n - b.n).slice(-perNode));
    while (store.size > maxNodes) store.delete(store.keys().next().value as string);
    mergedStale = true;
    listeners.emit();
  };

  const unsubscribe = dissemination.onBroadcast('trace', (m) => receive(m.origin, m.payload));

  return {
    setSharing(on) {
      if (destroyed || on === (stopTimer !== null)) return;
      if (on) {
        stopTimer = every(scheduler, intervalMs, publish);
        publish();
      } else {
        stopTimer?.();
        stopTimer = null;
      }
      listeners.emit();
    },
    sharing: () => stopTimer !== null,
    remoteEvents() {
      if (mergedStale) {
        merged = [...store.keys()].sort().flatMap((node) => store.get(node) ?? []);
        mergedStale = false;
      }
      return merged;
    },
    onChange: (listener) => listeners.add(listener),
    destroy() {
      destroyed = true;
      stopTimer?.();
      stopTimer = null;
      unsubscribe();
      listeners.clear();
    },
  };
}
