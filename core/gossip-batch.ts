import { decodeError, type Decoded } from './codec.ts';
import type { BroadcastKind } from './transport.ts';
import { uintSize, WireReader, WireWriter, wireSize, wireString } from './wire-strings.ts';

/**
 * Several broadcasts forwarded to one neighbour in one message. With batching on, a node
 * collects what it would push to each neighbour for `batchMs` and sends it together: fewer,
 * larger messages for a little latency, the trade the broadcast-efficiency exercise asks for.
 * The first byte (3) tells it apart from digests (1 and 2) on the 'gossip' kind.
 */
export const BATCH_TYPE = 3;
const MAX_ITEMS = 4096;
const KINDS: readonly BroadcastKind[] = ['chat', 'kv', 'yjs', 'awareness', 'trace'];

export interface BatchItem {
  readonly id: string;
  readonly origin: string;
  readonly seq: number;
  readonly kind: BroadcastKind;
  readonly hops: number;
  readonly payload: Uint8Array;
}

export function encodeBatch(items: readonly BatchItem[]): Uint8Array {
  const strs = items.map((i) => [wireString(i.id), wireString(i.origin)] as const);
  let size = 1 + uintSize(items.length);
  items.forEach((item, n) => {
    const [id, origin] = strs[n] as readonly [string | Uint8Array, string | Uint8Array];
    size += wireSize(id) + wireSize(origin) + uintSize(item.seq) + 1 + uintSize(item.hops) + wireSize(item.payload);
  });
  const w = new WireWriter(size);
  w.uint(BATCH_TYPE);
  w.uint(items.length);
  items.forEach((item, n) => {
    const [id, origin] = strs[n] as readonly [string | Uint8Array, string | Uint8Array];
    w.str(id);
    w.str(origin);
    w.uint(item.seq);
    w.uint(KINDS.indexOf(item.kind));
    w.uint(item.hops);
    w.bytes(item.payload);
  });
  return w.out;
}

export function decodeBatch(bytes: Uint8Array): Decoded<BatchItem[]> {
  try {
    const r = new WireReader(bytes);
    if (r.uint() !== BATCH_TYPE) return decodeError('malformed', 'not a gossip batch');
    const count = r.uint();
    if (count > MAX_ITEMS) return decodeError('malformed', `batch of ${count} items`);
    const items: BatchItem[] = [];
    for (let i = 0; i < count; i++) {
      const id = r.str();
      const origin = r.str();
      const seq = r.uint();
      const kind = KINDS[r.uint()];
      const hops = r.uint();
      const payload = r.bytesCopy();
      if (!kind || id.length === 0 || origin.length === 0 || seq === 0) return decodeError('malformed', 'bad batch item');
      items.push({ id, origin, seq, kind, hops, payload });
    }
    if (!r.done) return decodeError('malformed', 'trailing bytes after batch');
    return { ok: true, value: items };
  } catch (err) {
    return decodeError('malformed', err instanceof Error ? err.message : String(err));
  }
}
