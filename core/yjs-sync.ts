import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { decodeError, DEFAULT_MAX_MESSAGE_BYTES, type Decoded } from './codec.ts';
import type { Unsubscribe } from './link.ts';
import type { Dissemination, ErrorSink, Neighbours } from './transport.ts';

/**
 * Replicates one Y.Doc. Two paths carry Yjs data:
 * - broadcast: every local update goes to every member through dissemination;
 * - neighbour sync: y-protocols step1/step2 with a neighbour when it becomes reachable and on
 *   resync(), which repairs whatever the broadcast path lost (step2 also carries the whole
 *   delete set, so lost deletions are repaired too).
 * Remote data is applied with a RemoteOrigin of this instance, so it is never broadcast again.
 *
 * Content learnt by neighbour sync is not re-broadcast either. Gossip anti-entropy delivers
 * every non-ephemeral broadcast to every member eventually, and every node resyncs with its own
 * neighbours, so such content still spreads hop by hop (within diameter x resync period even if
 * the broadcast log lost it). Re-broadcasting would make every node on the boundary of a healed
 * partition flood the other side's whole backlog, which gossip is already delivering.
 */
export type StateVector = ReadonlyMap<number, number>;

export class RemoteOrigin {
  constructor(
    /** The sync instance that applied the update (Yjs compares origins by identity). */
    readonly owner: object,
    /** The member that created it (broadcast) or the neighbour that sent it (sync). */
    readonly peer: string,
    readonly via: 'broadcast' | 'sync',
  ) {}
}

export interface YjsSyncOptions {
  readonly self: string;
  readonly doc: Y.Doc;
  readonly dissemination: Dissemination;
  readonly neighbours: Neighbours;
  readonly onError: ErrorSink;
  /** Largest Yjs update sent or accepted; default DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxUpdateBytes?: number;
}

export interface YjsSync {
  readonly doc: Y.Doc;
  /** The room's shared text. */
  text(): Y.Text;
  /** Starts a step1/step2 exchange with `peer`, or with every neighbour when none is named. */
  resync(peer?: string): void;
  /**
   * Peers whose last known state vector equals ours, sorted. A peer's state vector is learnt
   * from its step1 messages (exact when sent) and raised by the updates it broadcasts (it holds
   * what it made); knowledge only grows, so reordered messages cannot lower it, and it is reset
   * when the peer becomes reachable again. Each side re-announces its state vector after a sync
   * message changed it, and answers a step1 with its own when the peer has not heard its current
   * one, so after an exchange (or a resync by either side) both peers list each other. Caveats: the set is
   * as stale as the last exchange (after a local edit a peer leaves it until it sends a step1,
   * e.g. on the next resync); deletions do not advance a state vector, so equal vectors mean the
   * same insertions, not necessarily the same deletions; a peer out of reach keeps its entry.
   */
  syncedWith(): string[];
  /** Stops listening; the doc is left as it is. */
  destroy(): void;
}

/** A sync message's type and length prefixes take at most this many bytes. */
const SYNC_HEADER_BYTES = 16;
const MAX_CLIENTS = 100_000;

export function createYjsSync(options: YjsSyncOptions): YjsSync {
  const { self, doc, dissemination, neighbours, onError } = options;
  const maxUpdateBytes = options.maxUpdateBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isSafeInteger(maxUpdateBytes) || maxUpdateBytes < 1) {
    throw new TypeError(`maxUpdateBytes must be a positive integer, got ${maxUpdateBytes}`);
  }
  const owner = {};
  const known = new Map<string, Map<number, number>>();
  /** The state vector in the last step1 we sent each peer. */
  const told = new Map<string, StateVector>();
  const text = doc.getText('text');

  const fits = (update: Uint8Array, what: string): boolean => {
    if (update.length <= maxUpdateBytes) return true;
    onError('yjs', 'oversized', `${what} of ${update.length} bytes exceeds maxUpdateBytes ${maxUpdateBytes}; not sent`);
    return false;
  };

  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin instanceof RemoteOrigin && origin.owner === owner) return;
    if (fits(update, 'local update')) dissemination.broadcast('yjs', update);
  };
  doc.on('update', onUpdate);

  const current = (): StateVector => stateVector(doc);

  /** Applies checked bytes; true when our state vector grew. */
  const apply = (update: Uint8Array, peer: string, via: RemoteOrigin['via']): boolean => {
    const before = current();
    try {
      Y.applyUpdate(doc, update, new RemoteOrigin(owner, peer, via));
    } catch (err) {
      // Checking rejects the malformations known to break Yjs, not all: Yjs may still throw on a
      // forged update (partly applied by then), as may an observer of the doc.
      onError('yjs', 'apply-failed', `update from ${peer}: ${describe(err)}`);
    }
    return !sameVector(before, current());
  };

  const sendStep1 = (peer: string): void => {
    const e = encoding.createEncoder();
    syncProtocol.writeSyncStep1(e, doc);
    told.set(peer, current());
    neighbours.send(peer, 'yjs', encoding.toUint8Array(e));
  };

  // Not readSyncMessage: it applies the update before we could check it, and logs failures to
  // the console; we decode totally first, then answer with the same wire messages.
  const onSyncMessage = (peer: string, bytes: Uint8Array): void => {
    const decoded = decodeSyncMessage(bytes, maxUpdateBytes);
    if (!decoded.ok) return onError('yjs', decoded.error.code, `sync message from ${peer}: ${decoded.error.message}`);
    const message = decoded.value;
    if (message.type !== 'step1') {
      if (apply(message.update, peer, 'sync')) sendStep1(peer);
      return;
    }
    const learnt = raise(known, peer, message.stateVector);
    const update = Y.encodeStateAsUpdate(doc, message.encoded);
    if (fits(update, `sync step 2 for ${peer}`)) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
      encoding.writeVarUint8Array(e, update);
      neighbours.send(peer, 'yjs', encoding.toUint8Array(e));
    }
    // Our own step1 answers when the peer has not heard our current state vector, or when it has
    // news we lack (its step2 answers our step1). Each reason fires once per distinct vector, so
    // an exchange ends even when a step2 can never arrive (oversized, or lost until resync).
    const ours = current();
    const lastTold = told.get(peer);
    if (!lastTold || !sameVector(lastTold, ours) || (learnt && !covers(ours, message.stateVector))) sendStep1(peer);
  };

  const unsubscribe: Unsubscribe[] = [
    dissemination.onBroadcast('yjs', (message) => {
      if (message.origin === self) return;
      guard(onError, `broadcast ${message.id}`, () => {
        const decoded = decodeYjsUpdate(message.payload, maxUpdateBytes);
        if (!decoded.ok) return onError('yjs', decoded.error.code, `broadcast ${message.id}: ${decoded.error.message}`);
        apply(decoded.value.update, message.origin, 'broadcast');
        if (known.has(message.origin)) raise(known, message.origin, decoded.value.to);
      });
    }),
    neighbours.onMessage('yjs', (peer, bytes) => guard(onError, `sync message from ${peer}`, () => onSyncMessage(peer, bytes))),
    neighbours.onReachable((peer) => {
      known.delete(peer);
      told.delete(peer);
      sendStep1(peer);
    }),
    () => doc.off('update', onUpdate),
  ];

  return {
    doc,
    text: () => text,
    resync(peer) {
      for (const p of peer === undefined ? neighbours.list() : [peer]) sendStep1(p);
    },
    syncedWith() {
      const ours = current();
      return [...known].filter(([, theirs]) => sameVector(theirs, ours)).map(([peer]) => peer).sort();
    },
    destroy() {
      for (const off of unsubscribe.splice(0)) off();
    },
  };
}

export interface CheckedUpdate {
  readonly update: Uint8Array;
  /** Per client, the clock after the update's last struct: a lower bound of its author's state. */
  readonly to: StateVector;
}

export type SyncMessage =
  | { readonly type: 'step1'; readonly stateVector: StateVector; readonly encoded: Uint8Array }
  | { readonly type: 'step2' | 'update'; readonly update: Uint8Array };

/**
 * Total check of a Yjs (v1) update from a peer: it must parse, and every struct and deletion
 * range must be non-empty (Yjs throws mid-transaction on empty delete ranges, after having
 * applied part of the update).
 */
export function decodeYjsUpdate(bytes: Uint8Array, maxBytes: number): Decoded<CheckedUpdate> {
  if (!(bytes instanceof Uint8Array)) return decodeError('malformed', 'not a byte array');
  if (bytes.length > maxBytes) return decodeError('oversized', `${bytes.length}-byte update exceeds ${maxBytes} bytes`);
  let parsed: ReturnType<typeof Y.decodeUpdate>;
  try {
    parsed = Y.decodeUpdate(bytes);
  } catch (err) {
    return decodeError('malformed', `not a Yjs update: ${describe(err)}`);
  }
  const to = new Map<number, number>();
  for (const struct of parsed.structs) {
    const end = struct.id.clock + struct.length;
    if (!(struct.length >= 1) || !Number.isSafeInteger(end)) return decodeError('malformed', `struct of length ${struct.length}`);
    // A Skip is a gap in a merged update: its author does not hold that range.
    if (!(struct instanceof Y.Skip)) to.set(struct.id.client, Math.max(to.get(struct.id.client) ?? 0, end));
    // Yjs assumes a reference within the item's own client points to an earlier clock (it never
    // waits for it) and throws mid-integration otherwise.
    if (struct instanceof Y.Item) {
      for (const ref of [struct.origin, struct.rightOrigin, struct.parent]) {
        if (ref instanceof Y.ID && ref.client === struct.id.client && ref.clock >= struct.id.clock) {
          return decodeError('malformed', `item ${struct.id.client}:${struct.id.clock} refers to its own client's clock ${ref.clock}`);
        }
      }
    }
  }
  for (const ranges of parsed.ds.clients.values()) {
    for (const range of ranges) {
      if (!(range.len >= 1) || !Number.isSafeInteger(range.clock + range.len)) return decodeError('malformed', `deletion of length ${range.len}`);
    }
  }
  return { ok: true, value: { update: bytes, to } };
}

/** Total decoding of a y-protocols sync message; the payload is copied out of the input. */
export function decodeSyncMessage(bytes: Uint8Array, maxUpdateBytes: number): Decoded<SyncMessage> {
  if (!(bytes instanceof Uint8Array)) return decodeError('malformed', 'not a byte array');
  if (bytes.length > maxUpdateBytes + SYNC_HEADER_BYTES) return decodeError('oversized', `${bytes.length}-byte sync message`);
  let type: number;
  let payload: Uint8Array;
  try {
    const d = decoding.createDecoder(bytes);
    type = decoding.readVarUint(d);
    payload = decoding.readVarUint8Array(d).slice();
    if (decoding.hasContent(d)) return decodeError('malformed', 'trailing bytes after the payload');
  } catch (err) {
    return decodeError('malformed', describe(err));
  }
  if (type === syncProtocol.messageYjsSyncStep1) {
    const stateVector = decodeStateVector(payload);
    return stateVector.ok ? { ok: true, value: { type: 'step1', stateVector: stateVector.value, encoded: payload } } : stateVector;
  }
  if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate) {
    return decodeError('malformed', `unknown sync message type ${type}`);
  }
  const checked = decodeYjsUpdate(payload, maxUpdateBytes);
  if (!checked.ok) return checked;
  return { ok: true, value: { type: type === syncProtocol.messageYjsSyncStep2 ? 'step2' : 'update', update: payload } };
}

/** Yjs' own state vector format (count, then client/clock pairs), with no trailing bytes. */
function decodeStateVector(bytes: Uint8Array): Decoded<StateVector> {
  try {
    const d = decoding.createDecoder(bytes);
    const count = decoding.readVarUint(d);
    if (count > MAX_CLIENTS) return decodeError('malformed', `state vector of ${count} clients`);
    const vector = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const client = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      if (!Number.isSafeInteger(client) || !Number.isSafeInteger(clock)) return decodeError('malformed', 'state vector entry out of range');
      vector.set(client, clock);
    }
    if (decoding.hasContent(d)) return decodeError('malformed', 'trailing bytes after the state vector');
    return { ok: true, value: vector };
  } catch (err) {
    return decodeError('malformed', `state vector: ${describe(err)}`);
  }
}

/**
 * The document's state vector, read off its struct store as Yjs' own (unexported)
 * getStateVector does. Y.decodeStateVector(Y.encodeStateVector(doc)) gives the same map but
 * allocates two typed arrays per call, and the page asks on every repaint ("in sync with"):
 * that made it a forming tab's largest JavaScript cost (a CPU profile of bench:mesh's room).
 */
export function stateVector(doc: Y.Doc): StateVector {
  const vector = new Map<number, number>();
  for (const [client, structs] of doc.store.clients) {
    const last = structs[structs.length - 1];
    if (last !== undefined) vector.set(client, last.id.clock + last.length);
  }
  return vector;
}

/** Missing entries count as 0, as in Yjs. */
export function sameVector(a: StateVector, b: StateVector): boolean {
  for (const [client, clock] of a) if ((b.get(client) ?? 0) !== clock) return false;
  for (const [client, clock] of b) if ((a.get(client) ?? 0) !== clock) return false;
  return true;
}

/** a >= b pointwise. */
const covers = (a: StateVector, b: StateVector): boolean => [...b].every(([client, clock]) => (a.get(client) ?? 0) >= clock);

/** Raises what we know of a peer's state vector; true when that taught us something. */
function raise(known: Map<string, Map<number, number>>, peer: string, seen: StateVector): boolean {
  let vector = known.get(peer);
  if (!vector) known.set(peer, (vector = new Map()));
  let learnt = false;
  for (const [client, clock] of seen) {
    if (clock > (vector.get(client) ?? 0)) {
      vector.set(client, clock);
      learnt = true;
    }
  }
  return learnt;
}

/** Peer input never throws past the module: a failing handler is one counted error. */
function guard(onError: ErrorSink, what: string, run: () => void): void {
  try {
    run();
  } catch (err) {
    onError('yjs', 'handler-failed', `${what}: ${describe(err)}`);
  }
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));
