import * as decoding from 'lib0/decoding';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate, outdatedTimeout, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { decodeError, type Decoded } from './codec.ts';
import type { Unsubscribe } from './link.ts';
import { every, type Scheduler } from './scheduler.ts';
import type { Dissemination, ErrorSink, Neighbours } from './transport.ts';

/**
 * Presence (name, colour, cursor) with y-protocols' Awareness, pushed as ephemeral broadcasts:
 * on every local change and on a renewal timer, so a lost one is replaced by the next. A link
 * that opens (or heals) also gets our presence at once, point to point: a tab's first broadcast
 * goes out before it has any link, and without this a room that joined together and then sat
 * still saw nobody in the shared text until the first renewal (12 s in a 9-tab room).
 *
 * Time: Awareness starts a setInterval in its constructor (renewal and the 30 s timeout, both
 * on Date.now). It is cleared right after construction; this module renews and times out
 * peers from the injected Scheduler, by when it last heard from them (Awareness' own
 * meta.lastUpdated, a wall-clock stamp, is not read).
 */
export interface Cursor {
  /** Indices into the room's text, resolved from relative positions, so concurrent edits move them. */
  readonly anchor: number;
  readonly head: number;
}

export interface Presence {
  readonly name: string;
  /** `#rrggbb` */
  readonly colour: string;
  readonly cursor: Cursor | null;
}

export interface PeerPresence extends Presence {
  readonly peer: string;
  readonly clientId: number;
  readonly local: boolean;
}

export interface AwarenessSyncOptions {
  readonly self: string;
  readonly doc: Y.Doc;
  readonly dissemination: Dissemination;
  readonly scheduler: Scheduler;
  readonly onError: ErrorSink;
  readonly presence: { readonly name: string; readonly colour: string };
  /** Direct neighbours: each newly reachable one is sent our presence. */
  readonly neighbours: Neighbours;
  /** A peer not heard from for this long is removed (y-protocols' 30 s by default). */
  readonly timeoutMs?: number;
  /** Our state is re-sent this often (half the timeout by default, as y-protocols does). */
  readonly renewMs?: number;
}

export interface AwarenessSync {
  readonly awareness: Awareness;
  /** Throws TypeError on a bad name or colour. */
  setPresence(patch: { readonly name?: string; readonly colour?: string }): void;
  /** Throws RangeError outside the text. */
  setCursor(cursor: Cursor | null): void;
  /** Everyone present, this node included, sorted by peer id. */
  peers(): PeerPresence[];
  onChange(handler: () => void): Unsubscribe;
  /** Announces our departure (a null state) and stops. */
  destroy(): void;
}

/** What travels in an awareness entry: relative positions as Yjs-encoded bytes. */
interface WireState {
  readonly name: string;
  readonly colour: string;
  readonly cursor: { readonly anchor: number[]; readonly head: number[] } | null;
}

export interface AwarenessEntry {
  readonly clientId: number;
  readonly clock: number;
}

const TEXT_NAME = 'text';
const MAX_ENTRIES = 16;
const MAX_STATE_CHARS = 4096;
const MAX_NAME_CHARS = 64;
const COLOUR = /^#[0-9a-fA-F]{6}$/;

class AwarenessOrigin {
  constructor(readonly peer: string) {}
}

export function createAwarenessSync(options: AwarenessSyncOptions): AwarenessSync {
  const { self, doc, dissemination, scheduler, onError } = options;
  const timeoutMs = options.timeoutMs ?? outdatedTimeout;
  const renewMs = options.renewMs ?? timeoutMs / 2;
  if (!(timeoutMs > 0) || !(renewMs > 0) || renewMs >= timeoutMs) {
    throw new TypeError(`need 0 < renewMs < timeoutMs, got renewMs ${renewMs} and timeoutMs ${timeoutMs}`);
  }
  const text = doc.getText(TEXT_NAME);
  const awareness = new Awareness(doc);
  clearInterval(awareness._checkInterval);
  /** Client id -> the member whose broadcasts carry it, and when we last heard of it. */
  const owners = new Map<number, string>();
  const heard = new Map<number, number>();
  let lastSent = scheduler.now();
  let cancelAnnounce: (() => void) | null = null;

  const renew = (): void => {
    const state = awareness.getLocalState();
    if (state !== null) awareness.setLocalState(state);
  };

  awareness.on('update', ({ added, updated, removed }: Changes, origin: unknown) => {
    if (origin !== 'local') return;
    const own = [...added, ...updated, ...removed].filter((id) => id === awareness.clientID);
    if (own.length === 0) return;
    lastSent = scheduler.now();
    dissemination.broadcast('awareness', encodeAwarenessUpdate(awareness, own), { ephemeral: true });
  });

  // A newcomer (or a peer back from a partition) would wait up to renewMs to see us: answer its
  // appearance right away, once per scheduler turn however many appear.
  const announceSoon = (): void => {
    cancelAnnounce ??= scheduler.after(0, () => {
      cancelAnnounce = null;
      renew();
    });
  };

  /**
   * An update from `origin` about its own client. `announce`: it reached us by broadcast, so a
   * newcomer in it may not know us yet; one sent point to point comes from a neighbour that
   * gets ours the same way.
   */
  const receive = (origin: string, what: string, payload: Uint8Array, announce: boolean): void => {
    try {
      const decoded = decodeAwarenessUpdate(payload);
      if (!decoded.ok) return onError('awareness', decoded.error.code, `${what}: ${decoded.error.message}`);
      for (const { clientId } of decoded.value) {
        const owner = owners.get(clientId);
        if (clientId === awareness.clientID || (owner !== undefined && owner !== origin)) {
          return onError('awareness', 'foreign-client', `${what} speaks for client ${clientId}`);
        }
      }
      const absent = decoded.value.filter(({ clientId }) => !awareness.states.has(clientId));
      // Bound before applying, so change handlers calling peers() already see the newcomer.
      for (const { clientId } of decoded.value) owners.set(clientId, origin);
      applyAwarenessUpdate(awareness, payload, new AwarenessOrigin(origin));
      for (const { clientId, clock } of decoded.value) {
        // Stale (reordered) entries were ignored by Awareness and must not keep a peer alive.
        if (awareness.meta.get(clientId)?.clock === clock) heard.set(clientId, scheduler.now());
      }
      if (announce && absent.some(({ clientId }) => awareness.states.has(clientId))) announceSoon();
    } catch (err) {
      onError('awareness', 'handler-failed', `${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const onBroadcast = dissemination.onBroadcast('awareness', (message) => {
    if (message.origin !== self) receive(message.origin, `update ${message.id}`, message.payload, true);
  });
  const { neighbours } = options;
  const onDirect = neighbours.onMessage('awareness', (peer, payload) => receive(peer, `update from neighbour ${peer}`, payload, false));
  const onReachable = neighbours.onReachable((peer) => {
    if (awareness.getLocalState() !== null) neighbours.send(peer, 'awareness', encodeAwarenessUpdate(awareness, [awareness.clientID]));
  });

  const stopTimer = every(scheduler, Math.max(1, renewMs / 5), () => {
    const now = scheduler.now();
    if (now - lastSent >= renewMs) renew();
    const silent = [...heard].filter(([, at]) => now - at >= timeoutMs).map(([clientId]) => clientId);
    for (const clientId of silent) heard.delete(clientId);
    if (silent.length > 0) removeAwarenessStates(awareness, silent, 'timeout');
  });

  awareness.on('destroy', () => {
    stopTimer();
    cancelAnnounce?.();
    onBroadcast();
    onDirect();
    onReachable();
  });

  const local = (): WireState => {
    const state = awareness.getLocalState();
    if (!isWireState(state)) throw new Error('the local presence was replaced from outside awareness-sync');
    return state;
  };
  const encodeIndex = (index: number): number[] => {
    if (!Number.isSafeInteger(index) || index < 0 || index > text.length) throw new RangeError(`cursor ${index} outside the text (0..${text.length})`);
    return [...Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index))];
  };
  const resolve = (bytes: readonly number[]): number | null => {
    try {
      const absolute = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(Uint8Array.from(bytes)), doc);
      return absolute !== null && absolute.type === text ? absolute.index : null;
    } catch {
      // A position into an item that is not in our text (yet): no cursor to show.
      return null;
    }
  };

  const initial = checkPresence(options.presence);
  awareness.setLocalState({ name: initial.name, colour: initial.colour, cursor: null } satisfies WireState);

  return {
    awareness,
    setPresence(patch) {
      const next = checkPresence({ ...local(), ...patch });
      awareness.setLocalState({ ...local(), name: next.name, colour: next.colour } satisfies WireState);
    },
    setCursor(cursor) {
      const wire = cursor && { anchor: encodeIndex(cursor.anchor), head: encodeIndex(cursor.head) };
      awareness.setLocalState({ ...local(), cursor: wire } satisfies WireState);
    },
    peers() {
      const out: PeerPresence[] = [];
      for (const [clientId, state] of awareness.getStates()) {
        const isLocal = clientId === awareness.clientID;
        const peer = isLocal ? self : owners.get(clientId);
        if (peer === undefined || !isWireState(state)) continue;
        const anchor = state.cursor && resolve(state.cursor.anchor);
        const head = state.cursor && resolve(state.cursor.head);
        const cursor = anchor != null && head != null ? { anchor, head } : null;
        out.push({ peer, clientId, local: isLocal, name: state.name, colour: state.colour, cursor });
      }
      return out.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : a.clientId - b.clientId));
    },
    onChange(handler) {
      const listener = (): void => handler();
      awareness.on('change', listener);
      return () => awareness.off('change', listener);
    },
    destroy: () => awareness.destroy(),
  };
}

interface Changes {
  readonly added: number[];
  readonly updated: number[];
  readonly removed: number[];
}

function checkPresence(p: { readonly name: string; readonly colour: string }): { name: string; colour: string } {
  if (typeof p.name !== 'string' || p.name.length === 0 || p.name.length > MAX_NAME_CHARS) {
    throw new TypeError(`name must be 1..${MAX_NAME_CHARS} characters`);
  }
  if (typeof p.colour !== 'string' || !COLOUR.test(p.colour)) throw new TypeError(`colour must look like #1a2b3c, got ${String(p.colour)}`);
  return { name: p.name, colour: p.colour };
}

/**
 * Total decoding of a y-protocols awareness update: entry count, then client id, clock and a
 * JSON state per entry, each state null (gone) or a presence whose cursor decodes as relative
 * positions inside the room's text. No trailing bytes.
 */
export function decodeAwarenessUpdate(bytes: Uint8Array): Decoded<AwarenessEntry[]> {
  if (!(bytes instanceof Uint8Array)) return decodeError('malformed', 'not a byte array');
  try {
    const d = decoding.createDecoder(bytes);
    const count = decoding.readVarUint(d);
    if (count > MAX_ENTRIES) return decodeError('malformed', `${count} entries`);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const json = decoding.readVarString(d);
      if (!Number.isSafeInteger(clientId) || !Number.isSafeInteger(clock)) return decodeError('malformed', 'client or clock out of range');
      if (json.length > MAX_STATE_CHARS) return decodeError('oversized', `state of ${json.length} characters`);
      const state: unknown = JSON.parse(json);
      if (state !== null && !isWireState(state)) return decodeError('malformed', `not a presence: ${json.slice(0, 80)}`);
      if (state?.cursor && !(isTextPosition(state.cursor.anchor) && isTextPosition(state.cursor.head))) {
        return decodeError('malformed', 'cursor is not a position in the text');
      }
      entries.push({ clientId, clock });
    }
    if (decoding.hasContent(d)) return decodeError('malformed', 'trailing bytes after the entries');
    return { ok: true, value: entries };
  } catch (err) {
    return decodeError('malformed', err instanceof Error ? err.message : String(err));
  }
}

function isWireState(value: unknown): value is WireState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const cursor = v.cursor as Record<string, unknown> | null | undefined;
  const isBytes = (b: unknown): b is number[] =>
    Array.isArray(b) && b.length <= 64 && b.every((x) => Number.isInteger(x) && x >= 0 && x <= 255);
  return (
    typeof v.name === 'string' &&
    v.name.length >= 1 &&
    v.name.length <= MAX_NAME_CHARS &&
    typeof v.colour === 'string' &&
    COLOUR.test(v.colour) &&
    (cursor === null || (typeof cursor === 'object' && cursor !== undefined && isBytes(cursor.anchor) && isBytes(cursor.head)))
  );
}

/** Decodes (throws otherwise), and names our root text: resolving another root name would create it. */
function isTextPosition(bytes: number[]): boolean {
  const position = Y.decodeRelativePosition(Uint8Array.from(bytes));
  return position.type === null && (position.tname === null ? position.item !== null : position.tname === TEXT_NAME);
}
