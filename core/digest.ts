import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { decodeError, type Decoded } from './codec.ts';
import { FNV_OFFSET, fnvMix, fnvString } from './fnv.ts';

/**
 * What a node holds of every origin's broadcasts: the highest contiguous number (so the digest
 * is a version vector, not a list of every id ever seen) plus the few numbers received above a
 * gap. Anti-entropy exchanges these and pulls the difference.
 */
export interface Digest {
  readonly high: ReadonlyMap<string, number>;
  readonly extra: ReadonlyMap<string, readonly number[]>;
}

export type DigestType = 'request' | 'reply';

/** Numbers above the contiguous prefix listed per origin; more are simply re-sent (deduplicated on arrival). */
export const MAX_EXTRAS_PER_ORIGIN = 64;
const MAX_ORIGINS = 4096;

export function encodeDigest(type: DigestType, digest: Digest): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeUint8(e, type === 'request' ? 1 : 2);
  const origins = new Set([...digest.high.keys(), ...digest.extra.keys()]);
  encoding.writeVarUint(e, origins.size);
  for (const origin of origins) {
    encoding.writeVarString(e, origin);
    encoding.writeVarUint(e, digest.high.get(origin) ?? 0);
    const extras = (digest.extra.get(origin) ?? []).slice(0, MAX_EXTRAS_PER_ORIGIN);
    encoding.writeVarUint(e, extras.length);
    for (const n of extras) encoding.writeVarUint(e, n);
  }
  return encoding.toUint8Array(e);
}

export function decodeDigest(bytes: Uint8Array): Decoded<{ type: DigestType; digest: Digest }> {
  try {
    const d = decoding.createDecoder(bytes);
    const t = decoding.readUint8(d);
    if (t !== 1 && t !== 2) return decodeError('malformed', `unknown digest type ${t}`);
    const count = decoding.readVarUint(d);
    if (count > MAX_ORIGINS) return decodeError('malformed', `digest of ${count} origins`);
    const high = new Map<string, number>();
    const extra = new Map<string, number[]>();
    for (let i = 0; i < count; i++) {
      const origin = decoding.readVarString(d);
      if (origin.length === 0 || origin.length > 256) return decodeError('malformed', 'digest origin id out of range');
      high.set(origin, decoding.readVarUint(d));
      const n = decoding.readVarUint(d);
      if (n > MAX_EXTRAS_PER_ORIGIN) return decodeError('malformed', `${n} extras for one origin`);
      const list: number[] = [];
      for (let j = 0; j < n; j++) list.push(decoding.readVarUint(d));
      if (list.length > 0) extra.set(origin, list);
    }
    if (decoding.hasContent(d)) return decodeError('malformed', 'trailing bytes after digest');
    return { ok: true, value: { type: t === 1 ? 'request' : 'reply', digest: { high, extra } } };
  } catch (err) {
    return decodeError('malformed', err instanceof Error ? err.message : String(err));
  }
}

/**
 * A 32-bit fingerprint (FNV-1a) of the set of broadcasts a digest describes: equal sets give
 * equal fingerprints, however they were reached. Heartbeats carry it, so a node can tell that a
 * neighbour holds what it holds without exchanging digests (see Gossip.antiEntropy).
 */
export function fingerprint(digest: Digest): number {
  let h = FNV_OFFSET;
  const mix = (n: number): void => {
    h = fnvMix(h, n);
  };
  const origins = [...new Set([...digest.high.keys(), ...digest.extra.keys()])].sort();
  for (const origin of origins) {
    const high = digest.high.get(origin) ?? 0;
    const extras = digest.extra.get(origin) ?? [];
    // Nothing held of this origin: the same set as the origin not listed.
    if (high === 0 && extras.length === 0) continue;
    h = fnvString(origin, h);
    // Separators, so that ("ab", 1) and ("a", …) cannot run together.
    mix(0x10000);
    mix(high);
    for (const n of [...extras].sort((a, b) => a - b)) mix(n + 0x20000);
    mix(0x30000);
  }
  return h;
}
