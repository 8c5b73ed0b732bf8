import { isMessageKind, type Envelope } from './envelope.ts';
import { uintSize, WireReader, WireWriter, wireSize, wireString } from './wire-strings.ts';
import type { VectorClock } from './vector-clock.ts';

/**
 * Binary wire format of an Envelope (lib0's variable-length integers and strings, as y-protocols use):
 * version, id, origin, sender, kind, seq, hops, lamport, vc (count, then id/count pairs), payload.
 * Decoding is total: any input yields an Envelope or a CodecError, never an exception.
 */
/**
 * A tab of another version is refused, not misread. 2: heartbeats name linked members by their
 * place in the table; 3: heartbeats carry the sender's gossip fingerprint (membership.ts).
 */
export const WIRE_VERSION = 3;
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const MAX_ID_CHARS = 256;
const MAX_CLOCK_ENTRIES = 4096;

export type CodecErrorCode = 'oversized' | 'malformed' | 'bad-version' | 'unknown-kind';

export interface CodecError {
  readonly code: CodecErrorCode;
  readonly message: string;
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CodecError };

export const decodeError = (code: CodecErrorCode, message: string): Decoded<never> => ({
  ok: false,
  error: { code, message },
});

/** An envelope to encode; the clock may be a live Map, so senders need not copy theirs. */
export type OutgoingEnvelope = Omit<Envelope, 'vc'> & { readonly vc: VectorClock | ReadonlyMap<string, number> };

export function encodeEnvelope(env: OutgoingEnvelope): Uint8Array {
  const id = wireString(env.id);
  const origin = wireString(env.origin);
  const sender = wireString(env.sender);
  const entries: [string | Uint8Array, number][] = [];
  if (env.vc instanceof Map) for (const [node, n] of env.vc) entries.push([wireString(node), n]);
  else for (const node of Object.keys(env.vc)) entries.push([wireString(node), (env.vc as VectorClock)[node] as number]);
  let size =
    uintSize(WIRE_VERSION) + wireSize(id) + wireSize(origin) + wireSize(sender) + wireSize(env.kind) +
    uintSize(env.seq) + uintSize(env.hops) + uintSize(env.lamport) + uintSize(entries.length) + wireSize(env.payload);
  for (const [node, n] of entries) size += wireSize(node) + uintSize(n);
  const w = new WireWriter(size);
  w.uint(WIRE_VERSION);
  w.str(id);
  w.str(origin);
  w.str(sender);
  w.str(env.kind);
  w.uint(env.seq);
  w.uint(env.hops);
  w.uint(env.lamport);
  w.uint(entries.length);
  for (const [node, n] of entries) {
    w.str(node);
    w.uint(n);
  }
  w.bytes(env.payload);
  return w.out;
}

export function decodeEnvelope(bytes: Uint8Array, maxBytes = DEFAULT_MAX_MESSAGE_BYTES): Decoded<Envelope> {
  if (!(bytes instanceof Uint8Array)) return decodeError('malformed', 'not a byte array');
  if (bytes.length > maxBytes) return decodeError('oversized', `${bytes.length} bytes exceeds the ${maxBytes}-byte limit`);
  try {
    const r = new WireReader(bytes);
    const version = r.uint();
    if (version !== WIRE_VERSION) return decodeError('bad-version', `wire version ${version}, expected ${WIRE_VERSION}`);
    const id = readId(r, 'id');
    const origin = readId(r, 'origin');
    const sender = readId(r, 'sender');
    const kind = r.str();
    if (!isMessageKind(kind)) return decodeError('unknown-kind', `unknown message kind ${JSON.stringify(kind.slice(0, 40))}`);
    const seq = r.uint();
    const hops = r.uint();
    const lamport = r.uint();
    const count = r.uint();
    if (count > MAX_CLOCK_ENTRIES) return decodeError('malformed', `vector clock of ${count} entries`);
    // Plain assignment is several times cheaper than fromEntries for a 50-entry clock; only
    // "__proto__" needs defineProperty, since assigning it would drop the entry.
    const vc: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const node = readId(r, 'clock entry');
      const n = r.uint();
      if (node === '__proto__') Object.defineProperty(vc, node, { value: n, enumerable: true, writable: true, configurable: true });
      else vc[node] = n;
    }
    const payload = r.bytesCopy();
    if (!r.done) return decodeError('malformed', 'trailing bytes after the payload');
    return { ok: true, value: { id, origin, sender, kind, seq, hops, lamport, vc, payload } };
  } catch (err) {
    return decodeError('malformed', err instanceof Error ? err.message : String(err));
  }
}

function readId(r: WireReader, field: string): string {
  const s = r.str();
  if (s.length === 0 || s.length > MAX_ID_CHARS) throw new RangeError(`${field} must be 1..${MAX_ID_CHARS} characters`);
  return s;
}
