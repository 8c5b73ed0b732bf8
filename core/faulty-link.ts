import type { MessageKind } from './envelope.ts';
import { NO_FAULTS, applyPatch, isFaultFree, validatePatch, type Direction, type FaultPatch, type FaultSettings } from './fault-settings.ts';
import type { Journal, JournalEventType } from './journal.ts';
import { Listeners, type Link, type LinkState, type Unsubscribe } from './link.ts';
import type { Rng } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import type { VectorClock } from './vector-clock.ts';

/** What the journal needs to know about a message; the link itself only sees bytes. */
export interface MessageMeta {
  readonly msgId: string;
  readonly kind: MessageKind;
  readonly lamport: number;
  readonly vc: VectorClock;
}

export interface DirectionCounters {
  /** Messages that entered this direction (handed to the link, or arrived from the wire). */
  sent: number;
  /** Messages that left it (put on the wire, or handed to the node). Duplicates count twice. */
  delivered: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  /** Bytes that entered this direction. */
  bytes: number;
}

export interface FaultyLinkOptions {
  readonly scheduler: Scheduler;
  readonly rng: Rng;
  readonly journal?: Journal;
  /** Reads the metadata of an incoming message for the journal; null when it cannot be read. */
  readonly inspect?: (bytes: Uint8Array) => MessageMeta | null;
  /** Longest time a reordered message waits for a successor before it is released anyway. */
  readonly reorderHoldMs?: number;
}

const emptyCounters = (): DirectionCounters => ({ sent: 0, delivered: 0, dropped: 0, duplicated: 0, delayed: 0, bytes: 0 });

interface Lane {
  settings: FaultSettings;
  readonly counters: DirectionCounters;
  /** Bandwidth queue: when the link is free to start the next message. */
  busyUntil: number;
  held: { forward: () => void; cancel: () => void } | null;
}

/**
 * Wraps any Link and applies fault settings per direction. The only place in tabmesh where
 * messages are lost, delayed, duplicated, reordered or partitioned: every protocol above it
 * sees the same network. Fault-free lanes forward synchronously, so the layer costs nothing
 * when idle.
 */
export class FaultyLink implements Link {
  private readonly lanes: Record<'out' | 'in', Lane> = {
    out: { settings: NO_FAULTS, counters: emptyCounters(), busyUntil: 0, held: null },
    in: { settings: NO_FAULTS, counters: emptyCounters(), busyUntil: 0, held: null },
  };
  private readonly messages = new Listeners<[Uint8Array]>();
  private readonly timers = new Set<() => void>();

  constructor(
    readonly inner: Link,
    private readonly options: FaultyLinkOptions,
  ) {
    inner.onMessage((bytes) => this.pass('in', bytes, undefined));
    inner.onClose(() => this.cancelTimers());
  }

  get local(): string {
    return this.inner.local;
  }

  get remote(): string {
    return this.inner.remote;
  }

  get state(): LinkState {
    return this.inner.state;
  }

  /** Sends through the outgoing lane; meta feeds the journal (a send without it is journaled only if inspect can read it). */
  send(bytes: Uint8Array, meta?: MessageMeta): boolean {
    if (this.inner.state !== 'open') return false;
    this.pass('out', bytes, meta);
    return true;
  }

  onMessage(handler: (bytes: Uint8Array) => void): Unsubscribe {
    return this.messages.add(handler);
  }

  onOpen(handler: () => void): Unsubscribe {
    return this.inner.onOpen(handler);
  }

  onClose(handler: (reason: string) => void): Unsubscribe {
    return this.inner.onClose(handler);
  }

  close(reason?: string): void {
    this.cancelTimers();
    this.inner.close(reason);
  }

  /** Merges a patch into one or both directions. Throws RangeError on invalid values. */
  setFaults(patch: FaultPatch, direction: Direction = 'both'): void {
    const valid = validatePatch(patch);
    for (const dir of direction === 'both' ? (['out', 'in'] as const) : [direction]) {
      const lane = this.lanes[dir];
      lane.settings = applyPatch(lane.settings, valid);
      if (lane.held && lane.settings.reorder === 0) this.release(lane);
    }
  }

  /** Current settings of both directions. */
  faults(): { out: FaultSettings; in: FaultSettings } {
    return { out: this.lanes.out.settings, in: this.lanes.in.settings };
  }

  counters(): { out: Readonly<DirectionCounters>; in: Readonly<DirectionCounters> } {
    return { out: { ...this.lanes.out.counters }, in: { ...this.lanes.in.counters } };
  }

  /** True when any direction has a fault set (the topology view colours such links). */
  get faulty(): boolean {
    return !isFaultFree(this.lanes.out.settings) || !isFaultFree(this.lanes.in.settings);
  }

  private pass(dir: 'out' | 'in', bytes: Uint8Array, meta: MessageMeta | undefined): void {
    const lane = this.lanes[dir];
    const s = lane.settings;
    const c = lane.counters;
    c.sent += 1;
    c.bytes += bytes.length;
    if (dir === 'out') this.journal('send', dir, bytes, meta);
    if (isFaultFree(s) && !lane.held) {
      this.forward(dir, bytes, meta);
      return;
    }
    const { rng } = this.options;
    if (s.cut || rng.chance(s.drop)) {
      c.dropped += 1;
      this.journal('drop', dir, bytes, meta, s.cut ? 'cut' : 'drop');
      return;
    }
    const copies = rng.chance(s.duplicate) ? 2 : 1;
    if (copies === 2) {
      c.duplicated += 1;
      this.journal('duplicate', dir, bytes, meta);
    }
    for (let i = 0; i < copies; i++) this.schedule(dir, lane, bytes, meta);
  }

  private schedule(dir: 'out' | 'in', lane: Lane, original: Uint8Array, meta: MessageMeta | undefined): void {
    // Copy: the bytes may outlive send(), whose caller is free to reuse its buffer, and each duplicate is its own message.
    const bytes = original.slice();
    const { scheduler, rng } = this.options;
    const s = lane.settings;
    const now = scheduler.now();
    let wait = s.delayMs + (s.jitterMs > 0 ? rng.next() * s.jitterMs : 0);
    if (s.bandwidthKbps !== null) {
      const start = Math.max(now, lane.busyUntil);
      lane.busyUntil = start + (bytes.length * 8) / s.bandwidthKbps;
      wait += lane.busyUntil - now;
    }
    const forward = (): void => this.forward(dir, bytes, meta);
    const previous = lane.held;
    lane.held = null;
    if (rng.chance(s.reorder)) {
      // Hold this one back; the next message (or a timeout) releases it behind itself.
      const cancel = this.timer(Math.max(wait, this.options.reorderHoldMs ?? 100), () => this.release(lane));
      lane.held = { forward, cancel };
    } else if (wait > 0) {
      lane.counters.delayed += 1;
      this.journal('delay', dir, bytes, meta, String(Math.round(wait)));
      this.timer(wait, forward);
    } else {
      forward();
    }
    if (previous) {
      previous.cancel();
      if (wait > 0) this.timer(wait, previous.forward);
      else previous.forward();
    }
  }

  private release(lane: Lane): void {
    const held = lane.held;
    lane.held = null;
    if (!held) return;
    held.cancel();
    held.forward();
  }

  private forward(dir: 'out' | 'in', bytes: Uint8Array, meta: MessageMeta | undefined): void {
    const lane = this.lanes[dir];
    if (lane.settings.cut) {
      // A partition also loses what was already in flight.
      lane.counters.dropped += 1;
      this.journal('drop', dir, bytes, meta, 'cut');
      return;
    }
    if (dir === 'out') {
      if (this.inner.send(bytes)) lane.counters.delivered += 1;
    } else {
      lane.counters.delivered += 1;
      this.messages.emit(bytes);
    }
  }

  private timer(ms: number, fn: () => void): () => void {
    const cancel = this.options.scheduler.after(ms, () => {
      this.timers.delete(cancel);
      fn();
    });
    this.timers.add(cancel);
    return () => {
      this.timers.delete(cancel);
      cancel();
    };
  }

  private cancelTimers(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.lanes.out.held = null;
    this.lanes.in.held = null;
  }

  private journal(type: JournalEventType, dir: 'out' | 'in', bytes: Uint8Array, meta: MessageMeta | undefined, detail?: string): void {
    const { journal, scheduler, inspect } = this.options;
    if (!journal) return;
    const m = meta ?? inspect?.(bytes);
    if (!m) return;
    journal.record({
      t: scheduler.now(),
      type,
      node: this.local,
      peer: this.remote,
      dir,
      msgId: m.msgId,
      kind: m.kind,
      bytes: bytes.length,
      lamport: m.lamport,
      vc: m.vc,
      ...(detail === undefined ? {} : { detail }),
    });
  }
}
