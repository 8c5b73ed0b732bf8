import { describe, expect, it } from 'vitest';
import {
  createChunker,
  createReassembler,
  FRAME_HEADER_BYTES,
  FRAME_VERSION,
  type Reassembler,
  type ReassemblerOptions,
} from './chunking.ts';
import { createRng, type Rng } from './rng.ts';

const FUZZ_SEEDS = [1, 2, 3, 42, 1337, 0xdecafbad];

/** Runs a random test body and names the seed (and how to rerun it) if it fails. */
function withSeed(seed: number, body: (rng: Rng) => void): void {
  try {
    body(createRng(seed));
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`failed with seed ${seed} (rerun: put [${seed}] in FUZZ_SEEDS in core/chunking.test.ts)\n${detail}`);
  }
}

function randomBytes(rng: Rng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(256);
  return out;
}

function reassembler(overrides: Partial<ReassemblerOptions> = {}): { r: Reassembler; clock: { t: number } } {
  const clock = { t: 0 };
  const r = createReassembler({
    maxMessageBytes: 1 << 20,
    maxPendingMessages: 8,
    now: () => clock.t,
    staleAfterMs: 1000,
    ...overrides,
  });
  return { r, clock };
}

/** Pushes frames and returns every message delivered, failing on any error. */
function deliver(r: Reassembler, frames: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of frames) {
    const res = r.push(f);
    if (!res.ok) throw new Error(`unexpected ${res.error.code}: ${res.error.message}`);
    if (res.message) out.push(res.message);
  }
  return out;
}

function frame(number: number, index: number, count: number, payload: number[], version = FRAME_VERSION): Uint8Array {
  const f = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const v = new DataView(f.buffer);
  v.setUint8(0, version);
  v.setUint32(1, number);
  v.setUint32(5, index);
  v.setUint32(9, count);
  f.set(payload, FRAME_HEADER_BYTES);
  return f;
}

describe('createChunker', () => {
  it('gives even a tiny or empty message the full header', () => {
    const c = createChunker(64);
    const [small] = c.split(new Uint8Array([7, 8, 9]));
    expect(small).toEqual(frame(0, 0, 1, [7, 8, 9]));
    expect(c.split(new Uint8Array(0))).toEqual([frame(1, 0, 1, [])]);
  });

  it('never emits a frame above maxChunk and splits exactly at the boundary', () => {
    const c = createChunker(32);
    const room = 32 - FRAME_HEADER_BYTES;
    expect(c.split(new Uint8Array(room))).toHaveLength(1);
    const frames = c.split(new Uint8Array(room + 1));
    expect(frames.map((f) => f.length)).toEqual([32, FRAME_HEADER_BYTES + 1]);
  });

  it('rejects a chunk size that leaves no room for payload', () => {
    expect(() => createChunker(FRAME_HEADER_BYTES)).toThrow(TypeError);
    expect(() => createChunker(1.5 * 1024)).not.toThrow();
    expect(() => createChunker(Number.NaN)).toThrow(TypeError);
  });

  it('round-trips 100 KiB in 16 KiB frames', () => {
    const message = randomBytes(createRng(7), 100 * 1024);
    const frames = createChunker().split(message);
    expect(frames).toHaveLength(7);
    expect(Math.max(...frames.map((f) => f.length))).toBe(16 * 1024);
    expect(deliver(reassembler().r, frames)).toEqual([message]);
  });
});

describe('createReassembler', () => {
  it('delivers a message once, after its last chunk, whatever the arrival order', () => {
    withSeed(99, (rng) => {
      const message = randomBytes(rng, 1000);
      const frames = rng.shuffle(createChunker(100).split(message));
      const { r } = reassembler();
      const results = frames.map((f) => r.push(f));
      expect(results.slice(0, -1).every((res) => res.ok && res.message === null)).toBe(true);
      expect(results.at(-1)).toEqual({ ok: true, message });
      expect(r.stats()).toMatchObject({ delivered: 1, pending: 0, pendingBytes: 0 });
    });
  });

  it('loses exactly the message whose chunk was dropped, and forgets it once stale', () => {
    const c = createChunker(40);
    const messages = [1, 2, 3].map((n) => new Uint8Array(90).fill(n));
    const frames = messages.map((m) => c.split(m));
    const { r, clock } = reassembler({ staleAfterMs: 500 });
    const second = frames[1] ?? [];
    const got = deliver(r, [...(frames[0] ?? []), ...second.slice(0, 1), ...second.slice(2), ...(frames[2] ?? [])]);
    expect(got).toEqual([messages[0], messages[2]]);
    expect(r.stats()).toMatchObject({ pending: 1, stale: 0 });
    clock.t = 499;
    r.sweep();
    expect(r.stats().pending).toBe(1);
    clock.t = 500;
    r.sweep();
    expect(r.stats()).toMatchObject({ pending: 0, pendingBytes: 0, stale: 1, delivered: 2 });
    // The late chunk alone starts a fresh partial that can never complete the lost message.
    expect(r.push(second[1] ?? new Uint8Array(0))).toEqual({ ok: true, message: null });
  });

  it('holds at most maxPendingMessages partials, dropping the quietest', () => {
    const c = createChunker(20);
    const { r, clock } = reassembler({ maxPendingMessages: 2, maxMessageBytes: 100 });
    const firstHalves = [1, 2, 3, 4, 5].map((n) => c.split(new Uint8Array(14).fill(n)));
    for (const [i, frames] of firstHalves.entries()) {
      clock.t = i;
      deliver(r, frames.slice(0, 1));
      expect(r.stats().pending).toBeLessThanOrEqual(2);
    }
    expect(r.stats()).toMatchObject({ pending: 2, pendingBytes: 14, evicted: 3 });
    // The two newest partials survived and still complete.
    expect(deliver(r, [...(firstHalves[3] ?? []).slice(1), ...(firstHalves[4] ?? []).slice(1)])).toHaveLength(2);
  });

  it('drops a partial that grows past maxMessageBytes', () => {
    const { r } = reassembler({ maxMessageBytes: 10 });
    expect(r.push(frame(5, 0, 3, [1, 2, 3, 4, 5, 6]))).toEqual({ ok: true, message: null });
    expect(r.push(frame(5, 1, 3, [1, 2, 3, 4, 5]))).toMatchObject({ ok: false, error: { code: 'oversized' } });
    expect(r.stats()).toMatchObject({ pending: 0, pendingBytes: 0 });
    expect(r.push(frame(6, 0, 11, [1]))).toMatchObject({ ok: false, error: { code: 'oversized' } });
    expect(r.push(frame(7, 0, 1, new Array<number>(11).fill(0)))).toMatchObject({ ok: false, error: { code: 'oversized' } });
  });

  it('rejects malformed frames with typed, counted errors and keeps working', () => {
    const { r } = reassembler();
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(FRAME_HEADER_BYTES - 1), 'truncated'],
      [frame(1, 0, 1, [1], 9), 'bad-version'],
      [frame(1, 0, 0, [1]), 'malformed'],
      [frame(1, 2, 2, [1]), 'malformed'],
      [frame(1, 0, 2, []), 'malformed'],
    ];
    for (const [f, code] of cases) expect(r.push(f)).toMatchObject({ ok: false, error: { code } });
    expect(r.push(frame(2, 0, 2, [1]))).toEqual({ ok: true, message: null });
    expect(r.push(frame(2, 0, 2, [1]))).toMatchObject({ ok: false, error: { code: 'duplicate' } });
    expect(r.push(frame(2, 1, 3, [2]))).toMatchObject({ ok: false, error: { code: 'inconsistent' } });
    expect(r.stats().errors).toEqual({ truncated: 1, 'bad-version': 1, malformed: 3, oversized: 0, inconsistent: 1, duplicate: 1 });
    expect(r.stats().pending).toBe(0);
    expect(r.push(frame(3, 0, 1, [4, 2]))).toEqual({ ok: true, message: new Uint8Array([4, 2]) });
  });

  it('copies what it keeps, so a reused frame buffer cannot corrupt a message', () => {
    const { r } = reassembler();
    const first = frame(1, 0, 2, [1, 1]);
    r.push(first);
    first.fill(0);
    expect(r.push(frame(1, 1, 2, [2]))).toEqual({ ok: true, message: new Uint8Array([1, 1, 2]) });
    // Like Node's Buffer, a subclass whose slice() is a view must not leak its memory either.
    class SharingBytes extends Uint8Array {
      override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
        return this.subarray(start, end);
      }
    }
    const shared = new SharingBytes(frame(2, 0, 1, [5, 6]));
    const res = r.push(shared);
    shared.fill(0);
    expect(res).toEqual({ ok: true, message: new Uint8Array([5, 6]) });
  });

  it('refuses input that is not bytes', () => {
    const { r } = reassembler();
    for (const junk of ['text frame', null, [1, 2, 3], new ArrayBuffer(20)]) {
      expect(r.push(junk)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    }
    expect(r.stats().errors.malformed).toBe(4);
  });
});

describe('chunking fuzz', () => {
  it.each(FUZZ_SEEDS)('round-trips random messages through random chunk sizes (seed %i)', (seed) => {
    withSeed(seed, (rng) => {
      const c = createChunker(FRAME_HEADER_BYTES + 1 + rng.int(200));
      const { r } = reassembler();
      for (let i = 0; i < 50; i++) {
        const message = randomBytes(rng, rng.int(2000));
        expect(deliver(r, rng.shuffle(c.split(message)))).toEqual([message]);
      }
      expect(r.stats()).toMatchObject({ delivered: 50, pending: 0 });
    });
  });

  it.each(FUZZ_SEEDS)('never throws on random or corrupted frames and stays within its bound (seed %i)', (seed) => {
    withSeed(seed, (rng) => {
      const maxMessageBytes = 500;
      const maxPendingMessages = 4;
      const { r, clock } = reassembler({ maxMessageBytes, maxPendingMessages });
      const c = createChunker(FRAME_HEADER_BYTES + 8);
      for (let i = 0; i < 2000; i++) {
        clock.t += rng.int(50);
        let f: Uint8Array;
        if (rng.chance(0.5)) {
          f = randomBytes(rng, rng.int(40));
          if (f.length > 0 && rng.chance(0.5)) f[0] = FRAME_VERSION;
        } else {
          f = rng.pick(c.split(randomBytes(rng, rng.int(100))));
          const flips = rng.int(3);
          for (let k = 0; k < flips; k++) f[rng.int(f.length)] = rng.int(256);
        }
        const res = r.push(f);
        if (res.ok && res.message) expect(res.message.length).toBeLessThanOrEqual(maxMessageBytes);
        const s = r.stats();
        expect(s.pending).toBeLessThanOrEqual(maxPendingMessages);
        expect(s.pendingBytes).toBeLessThanOrEqual(maxPendingMessages * maxMessageBytes);
      }
    });
  });
});
