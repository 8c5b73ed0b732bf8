import * as encoding from 'lib0/encoding';
import type { Decoded } from './codec.ts';
import { Listeners, type Unsubscribe } from './link.ts';
import { createCounterSet, decodePayload, entry, readClock, readString, writeClock } from './payload.ts';
import type { Broadcast, Dissemination, ErrorSink } from './transport.ts';
import { normalise, type VectorClock } from './vector-clock.ts';

/**
 * Chat over dissemination, with a choice of delivery order. Dissemination hands over each
 * message once but in any order; this layer holds a message back until the chosen order
 * allows it. Its clock counts chat messages only: vc[s] = n means "s's messages 1..n".
 */
export const MAX_CHAT_TEXT_CHARS = 2000;
const PAYLOAD_VERSION = 1;
const MAX_PAYLOAD_BYTES = 1 << 20;
/** A peer claiming dependencies that never arrive must not grow the queue without bound. */
export const MAX_HELD_MESSAGES = 10_000;

export const DELIVERY_MODES = ['none', 'fifo', 'causal'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export interface ChatMessage {
  /** The Broadcast id, `${from}:${seq}`. */
  readonly id: string;
  readonly from: string;
  readonly text: string;
  /** from's own entry numbers this message; the others are what from had delivered. */
  readonly vc: VectorClock;
}

/** Waiting until `sender`'s messages 1..counter have been delivered here. */
export interface Dependency {
  readonly sender: string;
  readonly counter: number;
}

export interface HeldMessage extends ChatMessage {
  readonly waitingFor: readonly Dependency[];
}

export interface ChatPayload {
  readonly text: string;
  readonly vc: VectorClock;
}

export function encodeChatPayload(payload: ChatPayload): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, PAYLOAD_VERSION);
  encoding.writeVarString(e, payload.text);
  writeClock(e, payload.vc);
  return encoding.toUint8Array(e);
}

export function decodeChatPayload(bytes: Uint8Array): Decoded<ChatPayload> {
  return decodePayload(bytes, MAX_PAYLOAD_BYTES, PAYLOAD_VERSION, (d) => ({
    text: readString(d, 'text', 0, MAX_CHAT_TEXT_CHARS),
    vc: readClock(d, 'vc'),
  }));
}

export interface ChatOptions {
  readonly self: string;
  readonly dissemination: Dissemination;
  readonly onError: ErrorSink;
  readonly mode?: DeliveryMode;
}

export interface Chat {
  /** Sends and delivers locally at once. RangeError for text over MAX_CHAT_TEXT_CHARS. */
  send(text: string): ChatMessage;
  /** Delivered messages, in this node's delivery order. */
  messages(): readonly ChatMessage[];
  /** The hold-back queue, in arrival order, each with what it still waits for. */
  held(): readonly HeldMessage[];
  mode(): DeliveryMode;
  setMode(mode: DeliveryMode): void;
  onChange(listener: () => void): Unsubscribe;
  /** Stops listening to dissemination. */
  close(): void;
}

export function createChat(options: ChatOptions): Chat {
  const { self, dissemination, onError } = options;
  let mode: DeliveryMode = options.mode ?? 'causal';
  const log: ChatMessage[] = [];
  const byId = new Map<string, ChatMessage>();
  const delivered = createCounterSet();
  const queue = new Map<string, ChatMessage>();
  /** `${counter}@${sender}` -> id of the held message numbered so (digits never contain '@'). */
  const heldSlots = new Map<string, string>();
  const changed = new Listeners<[]>();

  const counterOf = (m: ChatMessage): number => entry(m.vc, m.from);
  const slot = (m: ChatMessage): string => `${counterOf(m)}@${m.from}`;

  /** The clock entries not yet satisfied under `mode`; empty means deliverable. */
  function missing(m: ChatMessage): Dependency[] {
    if (mode === 'none') return [];
    const out: Dependency[] = [];
    const own = counterOf(m) - 1;
    if (delivered.prefix(m.from) < own) out.push({ sender: m.from, counter: own });
    if (mode === 'fifo') return out;
    for (const sender of Object.keys(m.vc).sort()) {
      const needed = entry(m.vc, sender);
      if (sender !== m.from && delivered.prefix(sender) < needed) out.push({ sender, counter: needed });
    }
    return out;
  }

  function deliver(m: ChatMessage): void {
    delivered.add(m.from, counterOf(m));
    byId.set(m.id, m);
    log.push(m);
  }

  /** Delivers held messages until none qualifies; each pass delivers at least one or stops. */
  function release(): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const m of queue.values()) {
        if (missing(m).length > 0) continue;
        queue.delete(m.id);
        heldSlots.delete(slot(m));
        deliver(m);
        progress = true;
      }
    }
  }

  function reject(message: Broadcast, code: string, detail: string): void {
    onError('chat', code, `${message.id} from ${message.origin}: ${detail}`);
  }

  function receive(message: Broadcast): void {
    if (byId.has(message.id) || queue.has(message.id)) return;
    const decoded = decodeChatPayload(message.payload);
    if (!decoded.ok) return reject(message, decoded.error.code, decoded.error.message);
    const { text, vc } = decoded.value;
    const m: ChatMessage = { id: message.id, from: message.origin, text, vc };
    const counter = counterOf(m);
    if (counter === 0) return reject(message, 'malformed', 'its clock has no entry for its sender');
    // Two messages claiming the same number would make the clock ambiguous for everyone.
    if (delivered.has(m.from, counter) || heldSlots.has(slot(m))) {
      return reject(message, 'conflict', `another message already holds number ${counter} of ${m.from}`);
    }
    if (missing(m).length === 0) {
      deliver(m);
      release();
    } else {
      if (queue.size >= MAX_HELD_MESSAGES) return reject(message, 'held-full', `${queue.size} messages already held`);
      queue.set(m.id, m);
      heldSlots.set(slot(m), m.id);
    }
    changed.emit();
  }

  const unsubscribe = dissemination.onBroadcast('chat', receive);

  return {
    send(text) {
      if (typeof text !== 'string') throw new TypeError('chat text must be a string');
      if (text.length > MAX_CHAT_TEXT_CHARS) {
        throw new RangeError(`chat text is ${text.length} characters, limit ${MAX_CHAT_TEXT_CHARS}`);
      }
      // Entries for others are delivered prefixes: a clock cannot say "3 but not 1..2".
      const vc = normalise({ ...delivered.clock(), [self]: delivered.prefix(self) + 1 });
      const sent = dissemination.broadcast('chat', encodeChatPayload({ text, vc }));
      // Dissemination delivers our own broadcast synchronously; this covers one that does not.
      receive(sent);
      const own = byId.get(sent.id);
      if (!own) throw new Error(`own message ${sent.id} was refused (see the error log)`);
      return own;
    },
    messages: () => log.slice(),
    held: () => [...queue.values()].map((m) => ({ ...m, waitingFor: missing(m) })),
    mode: () => mode,
    setMode(next) {
      if (!DELIVERY_MODES.includes(next)) throw new TypeError(`unknown delivery mode ${String(next)}`);
      if (next === mode) return;
      // A laxer mode releases what it now allows. A stricter one cannot take back what was
      // delivered out of order; it governs what is still held and what arrives later. The
      // delivered counters stay exact either way, so the strict check stays sound afterwards.
      mode = next;
      release();
      changed.emit();
    },
    onChange: (listener) => changed.add(listener),
    close: unsubscribe,
  };
}
