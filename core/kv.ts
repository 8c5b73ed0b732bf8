import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as string from 'lib0/string';
import type { Decoded } from './codec.ts';
import { Listeners, type Unsubscribe } from './link.ts';
import { createCounterSet, decodePayload, entry, fail, readClock, readString, readUint, writeClock } from './payload.ts';
import type { Broadcast, Dissemination, ErrorSink } from './transport.ts';
import { compare, dominates, isVectorClock, merge, normalise, type VectorClock } from './vector-clock.ts';

/**
 * A Dynamo-style store: each key holds the versions no other version it has seen supersedes
 * (siblings), each with a version vector. A node's vector entry counts its writes to the whole
 * store, not to one key, so vv[w] = n also names w's n-th write: "who has delivered what"
 * is then one clock per node (delivered()), which is what tombstone collection needs.
 */
export const MAX_KEY_CHARS = 256;
export const MAX_VALUE_BYTES = 64 * 1024;
const PAYLOAD_VERSION = 1;
const MAX_PAYLOAD_BYTES = 1 << 20;

export interface KvVersion {
  /** null is a tombstone: the key was deleted. */
  readonly value: string | null;
  readonly vc: VectorClock;
  readonly writer: string;
}

/** What one kv broadcast carries; the writer is the broadcast's origin. */
export interface KvWrite {
  readonly key: string;
  readonly value: string | null;
  readonly vc: VectorClock;
}

/** Every key with its siblings, keys and siblings in canonical order: equal stores are deep-equal. */
export type KvSnapshot = readonly { readonly key: string; readonly versions: readonly KvVersion[] }[];

/**
 * The wire carries UTF-8, which has no unpaired surrogates: one would come back as U+FFFD, so
 * a key would be stored under a different name than it was written with.
 */
function checkText(field: string, text: string): void {
  if (typeof text !== 'string') throw new TypeError(`${field} must be a string`);
  if (/\p{Cs}/u.test(text)) throw new RangeError(`${field} contains an unpaired surrogate`);
}

function checkKey(key: string): void {
  checkText('key', key);
  if (key.length < 1 || key.length > MAX_KEY_CHARS) {
    throw new RangeError(`key must be 1..${MAX_KEY_CHARS} characters, got ${key.length}`);
  }
}

function checkValue(value: string): void {
  checkText('value', value);
  const bytes = string.encodeUtf8(value).length;
  if (bytes > MAX_VALUE_BYTES) throw new RangeError(`value is ${bytes} UTF-8 bytes, limit ${MAX_VALUE_BYTES}`);
}

export function encodeKvPayload(write: KvWrite): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, PAYLOAD_VERSION);
  encoding.writeVarString(e, write.key);
  encoding.writeVarUint(e, write.value === null ? 0 : 1);
  if (write.value !== null) encoding.writeVarString(e, write.value);
  writeClock(e, write.vc);
  return encoding.toUint8Array(e);
}

export function decodeKvPayload(bytes: Uint8Array): Decoded<KvWrite> {
  return decodePayload(bytes, MAX_PAYLOAD_BYTES, PAYLOAD_VERSION, (d) => {
    const key = readString(d, 'key', 1, MAX_KEY_CHARS);
    const tag = readUint(d, 'value tag');
    if (tag > 1) fail(`value tag ${tag} is neither 0 (tombstone) nor 1 (value)`);
    let value: string | null = null;
    if (tag === 1) {
      const raw = decoding.readVarUint8Array(d);
      if (raw.length > MAX_VALUE_BYTES) fail(`value of ${raw.length} bytes exceeds ${MAX_VALUE_BYTES}`);
      value = string.decodeUtf8(raw);
    }
    return { key, value, vc: readClock(d, 'vc') };
  });
}

const tieKey = (v: KvVersion): string => JSON.stringify([v.writer, v.value]);

/**
 * a replaces b: a's vector is strictly newer, or (only possible from a faulty peer reusing a
 * write number) the vectors are equal and a wins a fixed tie-break. The tie-break keeps the
 * order strict and total on equal vectors, so merging stays order-independent even then.
 */
function supersedes(a: KvVersion, b: KvVersion): boolean {
  const o = compare(a.vc, b.vc);
  return o === 'after' || (o === 'equal' && tieKey(a) < tieKey(b));
}

function canonicalOrder(a: KvVersion, b: KvVersion): number {
  const byText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return (
    byText(a.writer, b.writer) ||
    entry(a.vc, a.writer) - entry(b.vc, b.writer) ||
    byText(tieKey(a), tieKey(b)) ||
    byText(JSON.stringify(a.vc), JSON.stringify(b.vc))
  );
}

export interface MergeResult {
  readonly siblings: readonly KvVersion[];
  readonly changed: boolean;
  /** An equal vector with different content was seen: some writer reused a write number. */
  readonly conflict: boolean;
}

/**
 * Adds one version to a key's siblings, keeping exactly the versions nothing supersedes. The
 * result is the maximal elements of everything merged so far, so it does not depend on order or
 * repetition: commutative, associative and idempotent. Siblings must be normalised clocks.
 */
export function mergeVersion(siblings: readonly KvVersion[], incoming: KvVersion): MergeResult {
  const same = (s: KvVersion): boolean => compare(s.vc, incoming.vc) === 'equal';
  const conflict = siblings.some((s) => same(s) && tieKey(s) !== tieKey(incoming));
  if (siblings.some((s) => supersedes(s, incoming) || (same(s) && tieKey(s) === tieKey(incoming)))) {
    return { siblings, changed: false, conflict };
  }
  const next = siblings.filter((s) => !supersedes(incoming, s));
  next.push(incoming);
  return { siblings: next.sort(canonicalOrder), changed: true, conflict };
}

/** Pointwise minimum: what every one of `clocks` has delivered. */
export function meetClocks(clocks: readonly VectorClock[]): VectorClock {
  const [first, ...rest] = clocks;
  if (!first) return {};
  const min = (node: string): number => Math.min(...clocks.map((c) => entry(c, node)));
  return normalise(Object.fromEntries(Object.keys(first).map((node) => [node, min(node)])));
}

export interface KvOptions {
  readonly self: string;
  readonly dissemination: Dissemination;
  readonly onError: ErrorSink;
}

export interface Kv {
  /** Writes a version superseding every sibling seen here. RangeError on a bad key or value. */
  put(key: string, value: string): void;
  /** Writes a tombstone superseding every sibling seen here. */
  delete(key: string): void;
  /** Distinct values of the live siblings, sorted; [] when missing or deleted. */
  get(key: string): string[];
  /** Every sibling, tombstones included, in canonical order. */
  versions(key: string): KvVersion[];
  /** Keys with at least one live value, sorted. */
  keys(): string[];
  /** Per writer, how many of its writes (1..n, contiguous) this node has taken in. */
  delivered(): VectorClock;
  /** Drops tombstones `stable` dominates (see below); returns how many. */
  gcTombstones(stable: VectorClock): number;
  snapshot(): KvSnapshot;
  /** Called with the key whenever its siblings change. */
  onChange(listener: (key: string) => void): Unsubscribe;
  /** Stops listening to dissemination. */
  close(): void;
}

export function createKv(options: KvOptions): Kv {
  const { self, dissemination, onError } = options;
  const store = new Map<string, readonly KvVersion[]>();
  const taken = createCounterSet();
  const changed = new Listeners<[string]>();
  let ownCounter = 0;
  /** Merge of every stable clock given to gcTombstones; see there. */
  let floor: VectorClock = {};

  const copy = (v: KvVersion): KvVersion => ({ value: v.value, vc: { ...v.vc }, writer: v.writer });

  function receive(message: Broadcast): void {
    const decoded = decodeKvPayload(message.payload);
    const where = `${message.id} from ${message.origin}`;
    if (!decoded.ok) return onError('kv', decoded.error.code, `${where}: ${decoded.error.message}`);
    const { key, value, vc } = decoded.value;
    const counter = entry(vc, message.origin);
    if (counter === 0) return onError('kv', 'malformed', `${where}: its vector has no entry for its writer`);
    taken.add(message.origin, counter);
    if (message.origin === self) ownCounter = Math.max(ownCounter, counter);
    const result = mergeVersion(store.get(key) ?? [], { value, vc, writer: message.origin });
    if (result.conflict) onError('kv', 'conflict', `${where}: write ${counter} of ${message.origin} seen with two contents`);
    if (!result.changed) return;
    store.set(key, result.siblings);
    changed.emit(key);
  }

  function write(key: string, value: string | null): void {
    checkKey(key);
    if (value !== null) checkValue(value);
    let vc = floor;
    for (const s of store.get(key) ?? []) vc = merge(vc, s.vc);
    const counter = Math.max(ownCounter, entry(vc, self)) + 1;
    vc = normalise({ ...vc, [self]: counter });
    const sent = dissemination.broadcast('kv', encodeKvPayload({ key, value, vc }));
    // Dissemination delivers our own broadcast synchronously; this covers one that does not.
    if (!taken.has(self, counter)) receive(sent);
  }

  const unsubscribe = dissemination.onBroadcast('kv', receive);

  return {
    put: (key, value) => write(key, value),
    delete: (key) => write(key, null),
    get(key) {
      checkKey(key);
      const live = (store.get(key) ?? []).flatMap((v) => (v.value === null ? [] : [v.value]));
      return [...new Set(live)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
    versions(key) {
      checkKey(key);
      return (store.get(key) ?? []).map(copy);
    },
    keys: () => [...store.keys()].filter((k) => store.get(k)?.some((v) => v.value !== null)).sort(),
    delivered: () => taken.clock(),
    /**
     * A tombstone may go once every live member has delivered it and everything it supersedes:
     * then no member holds, and dissemination (exactly once per node) never brings again, a
     * version it would have to hide. `stable` is that knowledge — the meet of every live
     * member's delivered() — so it must not exceed this node's own delivered(). Members that
     * have not collected yet still hold the tombstone; every later write here merges `stable`
     * into its vector, so it supersedes that tombstone on them too and all stores end equal.
     */
    gcTombstones(stable) {
      if (!isVectorClock(stable)) throw new TypeError('stable clock must map member ids to non-negative integers');
      if (!dominates(taken.clock(), stable)) throw new RangeError('stable clock is ahead of what this node has delivered');
      floor = normalise(merge(floor, stable));
      let dropped = 0;
      for (const [key, siblings] of store) {
        const kept = siblings.filter((v) => v.value !== null || !dominates(stable, v.vc));
        if (kept.length === siblings.length) continue;
        dropped += siblings.length - kept.length;
        if (kept.length === 0) store.delete(key);
        else store.set(key, kept);
        changed.emit(key);
      }
      return dropped;
    },
    snapshot: () =>
      [...store.keys()].sort().map((key) => ({ key, versions: (store.get(key) ?? []).map(copy) })),
    onChange: (listener) => changed.add(listener),
    close: unsubscribe,
  };
}
