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

export type WireValue = { readonly uint: number } | { readonly str: string } | { readonly bytes: Uint8Array };

/** Encodes a sequence of values in one allocation. */
export function writeWire(values: readonly WireValue[]): Uint8Array {
  const strings: (Uint8Array | string)[] = [];
  let size = 0;
  for (const v of values) {
    if ('uint' in v) size += uintSize(v.uint);
    else if ('str' in v) {
      const s = isAscii(v.str) ? v.str : utf8Encoder.encode(v.str);
      strings.push(s);
      size += uintSize(s.length) + s.length;
    } else size += uintSize(v.bytes.length) + v.bytes.length;
  }
  const out = new Uint8Array(size);
  let pos = 0;
  let si = 0;
  const uint = (n: number): void => {
    while (n > 127) {
      out[pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    out[pos++] = n;
  };
  for (const v of values) {
    if ('uint' in v) uint(v.uint);
    else if ('str' in v) {
      const s = strings[si++] as Uint8Array | string;
      uint(s.length);
      if (typeof s === 'string') for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
      else {
        out.set(s, pos);
        pos += s.length;
      }
    } else {
      uint(v.bytes.length);
      out.set(v.bytes, pos);
      pos += v.bytes.length;
    }
  }
  return out;
}

/** Reads what writeWire wrote; every method throws a RangeError on truncated or invalid input. */
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
    if (end > this.bytes.length) throw new RangeError('string runs past the end of the message');
    const start = this.pos;
    this.pos = end;
    if (len <= 64) {
      let ascii = true;
      for (let i = start; i < end; i++) if ((this.bytes[i] as number) > 127) ascii = false;
      if (ascii) return String.fromCharCode.apply(null, this.bytes.subarray(start, end) as unknown as number[]);
    }
    return utf8Decoder.decode(this.bytes.subarray(start, end));
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
