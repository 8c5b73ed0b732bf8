/**
 * A minimal byte writer and reader for the envelope, the one structure every message carries.
 * Its vector clock holds one node id per member, and lib0's general encoder (a call per byte,
 * TextEncoder per string) made a 50-entry envelope cost ~35 µs each way; sizing first and
 * writing into one array costs a few. The format is lib0's (LEB128 unsigned integers,
 * length-prefixed UTF-8), so lib0 readers and writers interoperate with it.
 */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

const uintSize = (n: number): number => {
  let size = 1;
  while (n > 127) {
    n = Math.floor(n / 128);
    size += 1;
  }
  return size;
};

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
};

/**
 * Two passes without intermediate objects (allocation was the next cost after lib0): callers
 * first add up `uintSize`/`strSize` of what they will write, then write into one array.
 * Strings must be ASCII or pre-encoded to UTF-8 bytes by the caller (`utf8Bytes`).
 */
export class WireWriter {
  readonly out: Uint8Array;
  private pos = 0;

  constructor(size: number) {
    this.out = new Uint8Array(size);
  }

  uint(n: number): void {
    const out = this.out;
    while (n > 127) {
      out[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    out[this.pos++] = n;
  }

  /** An ASCII string, or the UTF-8 bytes of any other string. */
  str(s: string | Uint8Array): void {
    this.uint(s.length);
    if (typeof s === 'string') {
      for (let i = 0; i < s.length; i++) this.out[this.pos++] = s.charCodeAt(i);
    } else {
      this.out.set(s, this.pos);
      this.pos += s.length;
    }
  }

  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.out.set(b, this.pos);
    this.pos += b.length;
  }
}

/** The string as the writer takes it: itself when ASCII, else its UTF-8 bytes. */
export const wireString = (s: string): string | Uint8Array => (isAscii(s) ? s : utf8Encoder.encode(s));

export const wireSize = (s: string | Uint8Array): number => uintSize(s.length) + s.length;

export { uintSize };

const INTERN_MAX = 32;
const INTERN_SLOTS = 4096;
/** A small direct-mapped cache of recently decoded short strings, shared by all readers. */
const interned: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS);

function sameAscii(s: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/** Reads what WireWriter wrote; every method throws a RangeError on truncated or invalid input. */
export class WireReader {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  uint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new RangeError('integer runs past the end of the message');
      const b = this.bytes[this.pos++] as number;
      n += (b & 127) * scale;
      if (b < 128) break;
      scale *= 128;
      if (scale > 2 ** 53) throw new RangeError('integer too large');
    }
    if (!Number.isSafeInteger(n)) throw new RangeError('integer too large');
    return n;
  }

  str(): string {
    const len = this.uint();
    const end = this.pos + len;
    const bytes = this.bytes;
    if (end > bytes.length) throw new RangeError('string runs past the end of the message');
    const start = this.pos;
    this.pos = end;
    if (len <= INTERN_MAX) {
      // Node ids repeat in every clock of every message: look short ASCII strings up by hash
      // and compare in place instead of building a new string each time.
      let hash = len;
      let ascii = true;
      for (let i = start; i < end; i++) {
        const b = bytes[i] as number;
        if (b > 127) ascii = false;
        hash = (Math.imul(hash, 31) + b) | 0;
      }
      if (ascii) {
        const slot = hash & (INTERN_SLOTS - 1);
        const cached = interned[slot];
        if (cached !== undefined && cached.length === len && sameAscii(cached, bytes, start)) return cached;
        const s = String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
        interned[slot] = s;
        return s;
      }
    }
    return utf8Decoder.decode(bytes.subarray(start, end));
  }

  /** A copy, so the result never aliases a transport's buffer. */
  bytesCopy(): Uint8Array {
    const len = this.uint();
    const end = this.pos + len;
    if (end > this.bytes.length) throw new RangeError('byte array runs past the end of the message');
    const out = this.bytes.slice(this.pos, end);
    this.pos = end;
    return out;
  }

  get done(): boolean {
    return this.pos === this.bytes.length;
  }
}
