/**
 * Splits messages into frames that fit a data channel, and puts them back together.
 * Chromium data channels fail silently above ~256 KiB, so a transport sends frames of at most
 * 16 KiB. Every frame, even of a one-frame message, carries the same header:
 *
 *   version (u8) | message number (u32) | chunk index (u32) | chunk count (u32) | payload
 *
 * Reassembly is total: any byte string yields a message, nothing yet, or a typed error.
 */
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 13;
export const DEFAULT_MAX_CHUNK = 16 * 1024;
const U32_LIMIT = 2 ** 32;

export interface Chunker {
  /** Largest frame this chunker emits, header included. */
  readonly maxChunk: number;
  /** The frames of one message, in order, each in a buffer of its own. */
  split(message: Uint8Array): Uint8Array<ArrayBuffer>[];
}

export function createChunker(maxChunk = DEFAULT_MAX_CHUNK): Chunker {
  if (!Number.isSafeInteger(maxChunk) || maxChunk <= FRAME_HEADER_BYTES) {
    throw new TypeError(`maxChunk must be an integer above the ${FRAME_HEADER_BYTES}-byte header, got ${maxChunk}`);
  }
  const room = maxChunk - FRAME_HEADER_BYTES;
  let messageNumber = 0;
  return {
    maxChunk,
    split(message) {
      const count = Math.max(1, Math.ceil(message.length / room));
      if (count >= U32_LIMIT) throw new RangeError(`a ${message.length}-byte message needs too many frames`);
      const number = messageNumber;
      messageNumber = (messageNumber + 1) % U32_LIMIT;
      const frames: Uint8Array<ArrayBuffer>[] = [];
      for (let index = 0; index < count; index++) {
        const payload = message.subarray(index * room, (index + 1) * room);
        const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
        const view = new DataView(frame.buffer);
        view.setUint8(0, FRAME_VERSION);
        view.setUint32(1, number);
        view.setUint32(5, index);
        view.setUint32(9, count);
        frame.set(payload, FRAME_HEADER_BYTES);
        frames.push(frame);
      }
      return frames;
    },
  };
}

export type ChunkErrorCode = 'truncated' | 'bad-version' | 'malformed' | 'oversized' | 'inconsistent' | 'duplicate';

export interface ChunkError {
  readonly code: ChunkErrorCode;
  readonly message: string;
}

export type PushResult =
  | { readonly ok: true; readonly message: Uint8Array | null }
  | { readonly ok: false; readonly error: ChunkError };

export interface ReassemblerStats {
  readonly delivered: number;
  /** Partial messages held right now, and their bytes. */
  readonly pending: number;
  readonly pendingBytes: number;
  /** Partials dropped because no chunk arrived for staleAfterMs. */
  readonly stale: number;
  /** Partials dropped to make room for a newer message. */
  readonly evicted: number;
  readonly errors: Readonly<Record<ChunkErrorCode, number>>;
}

export interface Reassembler {
  /** Feed one frame (anything a transport hands over); returns the whole message once its last chunk arrives. */
  push(frame: unknown): PushResult;
  /** Drops partials that have been quiet for staleAfterMs (push does this too). */
  sweep(): void;
  stats(): ReassemblerStats;
}

export interface ReassemblerOptions {
  /** Largest message accepted; a partial that grows past it is dropped. */
  readonly maxMessageBytes: number;
  /** Partial messages held at once; the quietest one is dropped to admit a new one. */
  readonly maxPendingMessages: number;
  readonly now: () => number;
  readonly staleAfterMs: number;
}

interface Partial {
  readonly count: number;
  readonly chunks: Map<number, Uint8Array>;
  bytes: number;
  lastSeen: number;
}

export function createReassembler(options: ReassemblerOptions): Reassembler {
  const { maxMessageBytes, maxPendingMessages, now, staleAfterMs } = options;
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 0) throw new TypeError('maxMessageBytes must be a non-negative integer');
  if (!Number.isSafeInteger(maxPendingMessages) || maxPendingMessages < 1) throw new TypeError('maxPendingMessages must be a positive integer');
  if (!(staleAfterMs > 0)) throw new TypeError('staleAfterMs must be positive');

  // Insertion order is kept in step with activity (entries are re-inserted on every chunk),
  // so the first entry is always the quietest partial.
  const partials = new Map<number, Partial>();
  const errors: Record<ChunkErrorCode, number> = {
    truncated: 0, 'bad-version': 0, malformed: 0, oversized: 0, inconsistent: 0, duplicate: 0,
  };
  let delivered = 0;
  let stale = 0;
  let evicted = 0;
  let pendingBytes = 0;

  const drop = (number: number): void => {
    const p = partials.get(number);
    if (!p) return;
    pendingBytes -= p.bytes;
    partials.delete(number);
  };
  const fail = (code: ChunkErrorCode, message: string, number?: number): PushResult => {
    errors[code]++;
    if (number !== undefined) drop(number);
    return { ok: false, error: { code, message } };
  };
  const sweep = (): void => {
    const cutoff = now() - staleAfterMs;
    for (const [number, p] of partials) {
      if (p.lastSeen > cutoff) break;
      drop(number);
      stale++;
    }
  };

  const push = (input: unknown): PushResult => {
    sweep();
    if (!(input instanceof Uint8Array)) return fail('malformed', 'frame is not a byte array');
    // A plain view: subclasses such as Node's Buffer make slice() share memory instead of copying.
    const frame = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (frame.length < FRAME_HEADER_BYTES) return fail('truncated', `${frame.length}-byte frame is shorter than its header`);
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const version = view.getUint8(0);
    if (version !== FRAME_VERSION) return fail('bad-version', `frame version ${version}, expected ${FRAME_VERSION}`);
    const number = view.getUint32(1);
    const index = view.getUint32(5);
    const count = view.getUint32(9);
    const payload = frame.subarray(FRAME_HEADER_BYTES);
    if (count === 0 || index >= count) return fail('malformed', `chunk ${index} of ${count}`);
    // Only a one-chunk message may be empty, so a count above the byte limit can never fit.
    if (count > 1 && payload.length === 0) return fail('malformed', `empty chunk ${index} of ${count}`);
    if (count > Math.max(1, maxMessageBytes)) return fail('oversized', `${count} chunks cannot fit ${maxMessageBytes} bytes`);

    let p = partials.get(number);
    if (p && p.count !== count) return fail('inconsistent', `message ${number} announced ${p.count} chunks, now ${count}`, number);
    if (p?.chunks.has(index)) return fail('duplicate', `chunk ${index} of message ${number} arrived twice`);
    const bytes = (p?.bytes ?? 0) + payload.length;
    if (bytes > maxMessageBytes) return fail('oversized', `message ${number} exceeds ${maxMessageBytes} bytes`, number);

    if (count === 1) {
      delivered++;
      return { ok: true, message: payload.slice() };
    }
    if (!p) {
      if (partials.size >= maxPendingMessages) {
        const [quietest] = partials.keys();
        if (quietest !== undefined) drop(quietest);
        evicted++;
      }
      p = { count, chunks: new Map(), bytes: 0, lastSeen: 0 };
    }
    partials.delete(number);
    partials.set(number, p);
    // Copy: the transport may reuse the frame's buffer once this call returns.
    p.chunks.set(index, payload.slice());
    p.bytes = bytes;
    p.lastSeen = now();
    pendingBytes += payload.length;
    if (p.chunks.size < count) return { ok: true, message: null };

    drop(number);
    const message = new Uint8Array(bytes);
    let offset = 0;
    for (const [, chunk] of [...p.chunks].sort(([a], [b]) => a - b)) {
      message.set(chunk, offset);
      offset += chunk.length;
    }
    delivered++;
    return { ok: true, message };
  };

  return {
    push,
    sweep,
    stats: () => ({ delivered, pending: partials.size, pendingBytes, stale, evicted, errors: { ...errors } }),
  };
}
