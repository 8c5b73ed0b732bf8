import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { decodeError, type Decoded } from './codec.ts';
import { normalise, type VectorClock } from './vector-clock.ts';

/**
 * Shared pieces of the chat and kv payload codecs (lib0 variable-length integers, like the
 * envelope). Readers throw on bad input, naming the field; decodePayload turns every throw into a
 * Decoded error, so a protocol's decoder is total without a try/catch of its own.
 */
const MAX_MEMBER_ID_CHARS = 256;
/** Far above any classroom; bounds the work one hostile clock can cause. */
const MAX_CLOCK_ENTRIES = 1024;

export function fail(message: string): never {
  throw new RangeError(message);
}

/**
 * Reads `version`, then the body with `read`, and insists nothing trails it: one payload has
 * exactly one encoding, so a truncated or padded one cannot be mistaken for a valid one.
 */
export function decodePayload<T>(
  bytes: Uint8Array,
  maxBytes: number,
  version: number,
  read: (d: decoding.Decoder) => T,
): Decoded<T> {
  if (!(bytes instanceof Uint8Array)) return decodeError('malformed', 'payload is not a byte array');
  if (bytes.length > maxBytes) return decodeError('oversized', `payload of ${bytes.length} bytes exceeds ${maxBytes}`);
  try {
    const d = decoding.createDecoder(bytes);
    const got = decoding.readVarUint(d);
    if (got !== version) return decodeError('bad-version', `payload version ${got}, expected ${version}`);
    const value = read(d);
    if (decoding.hasContent(d)) return decodeError('malformed', 'trailing bytes after the payload');
    return { ok: true, value };
  } catch (err) {
    // lib0 throws plain Errors for truncation and invalid UTF-8; ours carry the field at fault.
    return decodeError('malformed', err instanceof Error ? err.message : String(err));
  }
}

export function readUint(d: decoding.Decoder, field: string): number {
  const n = decoding.readVarUint(d);
  if (!Number.isSafeInteger(n)) fail(`${field} is out of range`);
  return n;
}

export function readString(d: decoding.Decoder, field: string, minChars: number, maxChars: number): string {
  const s = decoding.readVarString(d);
  if (s.length < minChars || s.length > maxChars) fail(`${field} must be ${minChars}..${maxChars} characters, got ${s.length}`);
  return s;
}

/**
 * A clock's entry for `node`, reading own properties only: member ids come from peers, and a
 * plain `clock[node]` would find Object.prototype members for ids such as "constructor".
 */
export const entry = (clock: VectorClock, node: string): number => (Object.hasOwn(clock, node) ? (clock[node] ?? 0) : 0);

/** Writes the non-zero entries in key order, so equal clocks encode identically. */
export function writeClock(e: encoding.Encoder, clock: VectorClock): void {
  const entries = Object.entries(clock)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  encoding.writeVarUint(e, entries.length);
  for (const [node, n] of entries) {
    encoding.writeVarString(e, node);
    encoding.writeVarUint(e, n);
  }
}

/** Reads a clock, refusing zero counts and repeated entries (neither has a meaning). */
export function readClock(d: decoding.Decoder, field: string): VectorClock {
  const count = readUint(d, `${field} size`);
  if (count > MAX_CLOCK_ENTRIES) fail(`${field} has ${count} entries, limit ${MAX_CLOCK_ENTRIES}`);
  const entries = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const node = readString(d, `${field} member`, 1, MAX_MEMBER_ID_CHARS);
    const n = readUint(d, `${field} count`);
    if (n === 0) fail(`${field} has a zero entry for ${node}`);
    if (entries.has(node)) fail(`${field} repeats ${node}`);
    entries.set(node, n);
  }
  // fromEntries, not assignment: clock["__proto__"] = n would drop the entry. normalise sorts
  // the keys, so a peer's entry order cannot leak into anything compared as text.
  return normalise(Object.fromEntries(entries));
}

/**
 * Which of each sender's numbered messages (1, 2, 3...) have been taken in: a contiguous prefix
 * plus the few beyond it. The prefix is what a clock may claim — a vector entry n promises
 * messages 1..n, so a message taken in early counts only once its predecessors have.
 */
export interface CounterSet {
  /** Records sender's message n; false if it was already recorded. */
  add(sender: string, n: number): boolean;
  has(sender: string, n: number): boolean;
  /** The highest n such that 1..n are all recorded. */
  prefix(sender: string): number;
  /** Every sender's prefix (zero entries left out). */
  clock(): VectorClock;
}

export function createCounterSet(): CounterSet {
  const prefixes = new Map<string, number>();
  const beyond = new Map<string, Set<number>>();
  return {
    add(sender, n) {
      const prefix = prefixes.get(sender) ?? 0;
      const early = beyond.get(sender);
      if (n <= prefix || early?.has(n)) return false;
      if (n !== prefix + 1) {
        if (early) early.add(n);
        else beyond.set(sender, new Set([n]));
        return true;
      }
      let next = n;
      while (early?.delete(next + 1)) next += 1;
      if (early?.size === 0) beyond.delete(sender);
      prefixes.set(sender, next);
      return true;
    },
    has: (sender, n) => n <= (prefixes.get(sender) ?? 0) || (beyond.get(sender)?.has(n) ?? false),
    prefix: (sender) => prefixes.get(sender) ?? 0,
    clock: () => normalise(Object.fromEntries(prefixes)),
  };
}
