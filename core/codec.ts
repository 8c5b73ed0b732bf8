import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { isMessageKind, type Envelope } from './envelope.ts';

/**
 * Binary wire format of an Envelope (lib0 variable-length integers, as y-protocols use):
 * version, id, origin, sender, kind, seq, hops, lamport, vc (count, then id/count pairs), payload.
 * Decoding is total: any input yields an Envelope or a CodecError, never an exception.
 */
export const WIRE_VERSION = 1;
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

export function encodeEnvelope(env: Envelope): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, WIRE_VERSION);
  encoding.writeVarString(e, env.id);
  encoding.writeVarString(e, env.origin);
  encoding.writeVarString(e, env.sender);
  encoding.writeVarString(e, env.kind);
  encoding.writeVarUint(e, env.seq);
  encoding.writeVarUint(e, env.hops);
  encoding.writeVarUint(e, env.lamport);
  const entries = Object.entries(env.vc);
  encoding.writeVarUint(e, entries.length);
  for (const [node, n] of entries) {
    encoding.writeVarString(e, node);
    encoding.writeVarUint(e, n);
  }
  encoding.writeVarUint8Array(e, env.payload);
  return encoding.toUint8Array(e);
}

export function decodeEnvelope(bytes: Uint8Array, maxBytes = DEFAULT_MAX_MESSAGE_BYTES): Decoded<Envelope> {
  if (!(bytes instanceof Uint8Array)) return decodeError('malformed', 'not a byte array');
  if (bytes.length > maxBytes) return decodeError('oversized', `${bytes.length} bytes exceeds the ${maxBytes}-byte limit`);
  try {
    const d = decoding.createDecoder(bytes);
    const version = readUint(d, 'version');
    if (version !== WIRE_VERSION) return decodeError('bad-version', `wire version ${version}, expected ${WIRE_VERSION}`);
    const id = readId(d, 'id');
    const origin = readId(d, 'origin');
    const sender = readId(d, 'sender');
    const kind = decoding.readVarString(d);
    if (!isMessageKind(kind)) return decodeError('unknown-kind', `unknown message kind ${JSON.stringify(kind.slice(0, 40))}`);
    const seq = readUint(d, 'seq');
    const hops = readUint(d, 'hops');
    const lamport = readUint(d, 'lamport');
    const count = readUint(d, 'clock size');
    if (count > MAX_CLOCK_ENTRIES) return decodeError('malformed', `vector clock of ${count} entries`);
    const vc: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const node = readId(d, 'clock entry');
      vc[node] = readUint(d, 'clock count');
    }
    const payload = decoding.readVarUint8Array(d);
    if (decoding.hasContent(d)) return decodeError('malformed', 'trailing bytes after the payload');
    // Copy: the decoder's view aliases the input buffer, which a transport may reuse.
    return { ok: true, value: { id, origin, sender, kind, seq, hops, lamport, vc, payload: payload.slice() } };
  } catch (err) {
    return decodeError('malformed', err instanceof Error ? err.message : String(err));
  }
}

class FieldError extends Error {}

function readUint(d: decoding.Decoder, field: string): number {
  const n = decoding.readVarUint(d);
  if (!Number.isSafeInteger(n) || n < 0) throw new FieldError(`${field} is not a non-negative integer`);
  return n;
}

function readId(d: decoding.Decoder, field: string): string {
  const s = decoding.readVarString(d);
  if (s.length === 0 || s.length > MAX_ID_CHARS) throw new FieldError(`${field} must be 1..${MAX_ID_CHARS} characters`);
  return s;
}
