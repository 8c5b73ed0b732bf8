import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_MESSAGE_BYTES, WIRE_VERSION, decodeEnvelope, encodeEnvelope, type CodecErrorCode } from './codec.ts';
import { MESSAGE_KINDS, type Envelope, type MessageKind } from './envelope.ts';
import { createRng, type Rng } from './rng.ts';

const idArb = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength }), fc.constantFrom('__proto__', 'constructor', 'a'.repeat(256)));

/** `size` bounds strings, clocks and payloads: the fuzz wants small inputs, so that a mutation often lands somewhere that matters. */
const envelopeArb = (size: number): fc.Arbitrary<Envelope> =>
  fc.record({
    id: idArb(size),
    origin: idArb(size),
    sender: idArb(size),
    kind: fc.constantFrom(...MESSAGE_KINDS),
    seq: fc.maxSafeNat(),
    hops: fc.nat(),
    lamport: fc.maxSafeNat(),
    vc: fc.dictionary(idArb(size), fc.maxSafeNat(), { maxKeys: Math.ceil(size / 4) }),
    payload: fc.uint8Array({ maxLength: 10 * size }),
  });

const sample: Envelope = {
  id: 'n1:7',
  origin: 'n1',
  sender: 'n2',
  kind: 'gossip',
  seq: 7,
  hops: 1,
  lamport: 300,
  vc: { n1: 7, n2: 129, 'n-ü': 1 },
  payload: new Uint8Array([0, 1, 2, 250, 255]),
};

const CODES: readonly CodecErrorCode[] = ['oversized', 'malformed', 'bad-version', 'unknown-kind'];

/** Field-by-field equality; a clock's key order may differ and is not part of its meaning. */
function sameEnvelope(a: Envelope, b: Envelope): boolean {
  const keys = (e: Envelope): string[] => Object.keys(e.vc).sort();
  return (
    a.id === b.id &&
    a.origin === b.origin &&
    a.sender === b.sender &&
    a.kind === b.kind &&
    a.seq === b.seq &&
    a.hops === b.hops &&
    a.lamport === b.lamport &&
    JSON.stringify(keys(a)) === JSON.stringify(keys(b)) &&
    keys(a).every((k) => a.vc[k] === b.vc[k]) &&
    a.payload.length === b.payload.length &&
    a.payload.every((x, i) => x === b.payload[i])
  );
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Decode must be total: ok with an envelope that survives a second round trip, or a coded error. */
function assertTotal(bytes: Uint8Array, context: string): boolean {
  let result: ReturnType<typeof decodeEnvelope>;
  try {
    result = decodeEnvelope(bytes);
  } catch (err) {
    throw new Error(`${context}: decode threw ${String(err)} on ${hex(bytes)}`);
  }
  if (!result.ok) {
    if (!CODES.includes(result.error.code) || result.error.message.length === 0) throw new Error(`${context}: bad error ${JSON.stringify(result.error)}`);
    return false;
  }
  const again = decodeEnvelope(encodeEnvelope(result.value));
  if (!again.ok || !sameEnvelope(again.value, result.value)) throw new Error(`${context}: accepted ${hex(bytes)} but its fields do not re-encode to an equal envelope`);
  return true;
}

describe('envelope codec', () => {
  it('round-trips arbitrary envelopes', () => {
    fc.assert(
      fc.property(envelopeArb(30), (env) => {
        const decoded = decodeEnvelope(encodeEnvelope(env));
        expect(decoded.ok).toBe(true);
        if (decoded.ok) expect(sameEnvelope(decoded.value, env), JSON.stringify(decoded.value)).toBe(true);
      }),
      { seed: 4001, numRuns: 120 },
    );
  });

  it('decodes a payload that does not alias the input buffer', () => {
    const bytes = encodeEnvelope(sample);
    const decoded = decodeEnvelope(bytes);
    bytes.fill(0);
    expect(decoded.ok && Array.from(decoded.value.payload)).toEqual([0, 1, 2, 250, 255]);
  });

  it('keeps clock entries named __proto__ and constructor', () => {
    const vc = JSON.parse('{"__proto__": 4, "constructor": 2}') as Envelope['vc'];
    const decoded = decodeEnvelope(encodeEnvelope({ ...sample, vc }));
    expect(decoded.ok && Object.entries(decoded.value.vc).sort()).toEqual([
      ['__proto__', 4],
      ['constructor', 2],
    ]);
  });

  it('rejects input over the size limit as oversized, before parsing it', () => {
    const bytes = encodeEnvelope(sample);
    const limited = decodeEnvelope(bytes, bytes.length - 1);
    expect(!limited.ok && limited.error.code).toBe('oversized');
    expect(decodeEnvelope(bytes, bytes.length).ok).toBe(true);
    const huge = decodeEnvelope(new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 1));
    expect(!huge.ok && huge.error.code).toBe('oversized');
  });

  it('rejects another wire version as bad-version', () => {
    for (const version of [0, WIRE_VERSION + 1, 300]) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, version);
      const rest = encodeEnvelope(sample).subarray(1);
      encoding.writeUint8Array(e, rest);
      const decoded = decodeEnvelope(encoding.toUint8Array(e));
      expect(!decoded.ok && decoded.error.code, `version ${version}`).toBe('bad-version');
    }
  });

  it('rejects an unknown kind as unknown-kind', () => {
    for (const kind of ['bogus', '', 'Chat', 'x'.repeat(500)]) {
      const decoded = decodeEnvelope(encodeEnvelope({ ...sample, kind: kind as MessageKind }));
      expect(!decoded.ok && decoded.error.code, kind.slice(0, 10)).toBe('unknown-kind');
      expect(!decoded.ok && decoded.error.message.length).toBeLessThan(120);
    }
  });

  it('rejects malformed fields', () => {
    const cases: [string, Uint8Array][] = [
      ['empty id', encodeEnvelope({ ...sample, id: '' })],
      ['overlong origin', encodeEnvelope({ ...sample, origin: 'o'.repeat(257) })],
      ['empty clock entry', encodeEnvelope({ ...sample, vc: { '': 1 } })],
      ['trailing byte', Uint8Array.from([...encodeEnvelope(sample), 0])],
      ['not bytes', 'hello' as unknown as Uint8Array],
      ['empty input', new Uint8Array()],
      ['unsafe integer', withLamport(2 ** 53 + 2)],
    ];
    for (const [what, bytes] of cases) {
      const decoded = decodeEnvelope(bytes);
      expect(!decoded.ok && decoded.error.code, what).toBe('malformed');
    }
  });

  it('rejects a clock of more than 4096 entries without reading them', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, WIRE_VERSION);
    for (const s of ['i', 'o', 's', 'chat']) encoding.writeVarString(e, s);
    for (const n of [0, 0, 0, 5000]) encoding.writeVarUint(e, n);
    const decoded = decodeEnvelope(encoding.toUint8Array(e));
    expect(!decoded.ok && decoded.error).toEqual({ code: 'malformed', message: 'vector clock of 5000 entries' });
  });

  it('rejects every truncation of a valid encoding, whether copied or a view of the longer buffer', () => {
    fc.assert(
      fc.property(envelopeArb(12), (env) => {
        const full = encodeEnvelope(env);
        for (let length = 0; length < full.length; length++) {
          for (const cut of [full.slice(0, length), full.subarray(0, length)]) {
            const decoded = decodeEnvelope(cut);
            if (decoded.ok) throw new Error(`accepted a ${length}-byte truncation of ${hex(full)}`);
          }
        }
      }),
      { seed: 4002, numRuns: 40 },
    );
  });

  it('never throws on 20 000 random byte strings (seeded fuzz)', () => {
    const seed = 4003;
    const rng = createRng(seed);
    for (let i = 0; i < 20_000; i++) {
      const bytes = randomBytes(rng, rng.int(80));
      // Most random strings fail at the version byte; give half of them a valid one.
      if (bytes.length > 0 && rng.chance(0.5)) bytes[0] = WIRE_VERSION;
      assertTotal(bytes, `seed ${seed}, input ${i}`);
    }
  });

  it('never throws on 20 000 random mutations of valid encodings, and accepts some of them (seeded fuzz)', () => {
    const seed = 4004;
    const rng = createRng(seed);
    const valid = fc.sample(envelopeArb(4), { seed, numRuns: 50 }).map(encodeEnvelope);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      if (assertTotal(mutate(rng, rng.pick(valid)), `seed ${seed}, mutation ${i}`)) accepted += 1;
    }
    // A fuzz that never gets past the parser would test only its first branch.
    expect(accepted, `seed ${seed}`).toBeGreaterThan(1000);
  });
});

function withLamport(lamport: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, WIRE_VERSION);
  for (const s of ['i', 'o', 's', 'chat']) encoding.writeVarString(e, s);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, lamport);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, new Uint8Array());
  return encoding.toUint8Array(e);
}

function randomBytes(rng: Rng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(256);
  return out;
}

/** One to three edits: flip, overwrite, insert, delete or truncate. */
function mutate(rng: Rng, source: Uint8Array): Uint8Array {
  let bytes = Array.from(source);
  for (let edits = 1 + rng.int(3); edits > 0; edits--) {
    const at = rng.int(bytes.length + 1);
    switch (rng.int(5)) {
      case 0:
        if (at < bytes.length) bytes[at] = (bytes[at] as number) ^ (1 << rng.int(8));
        break;
      case 1:
        if (at < bytes.length) bytes[at] = rng.int(256);
        break;
      case 2:
        bytes.splice(at, 0, rng.int(256));
        break;
      case 3:
        bytes.splice(at, 1);
        break;
      default:
        bytes = bytes.slice(0, at);
    }
  }
  return Uint8Array.from(bytes);
}
