import { NODE_ID_PATTERN } from '../../../signaling/protocol.ts';
import type { DeliveryMode } from '../../../core/chat.ts';
import type { Direction } from '../../../core/fault-settings.ts';
import type { ChatMessageView, FaultDirection, PeerInfo, TabmeshApi } from '../api-types.ts';
import type { BrowserNode } from './browser-node.ts';
import { deleteText, insertText } from './text-ops.ts';

/**
 * window.tabmesh over one BrowserNode. Every argument is checked before anything changes: a bad
 * call throws a TypeError or RangeError that names the problem, and does nothing else.
 */
const DIRECTIONS: readonly FaultDirection[] = ['out', 'in', 'both'];

export function createTabmeshApi(bn: BrowserNode): TabmeshApi {
  const { node, chat, kv, yjs, signaling, mesh } = bn;

  function peers(): PeerInfo[] {
    const names = new Map<string, string>();
    for (const m of node.membership.members()) if (m.id !== bn.id) names.set(m.id, m.name);
    for (const [id, name] of signaling.members()) if (!names.has(id)) names.set(id, name);
    return [...names.keys()].sort().map((id) => ({
      id,
      name: names.get(id) ?? '',
      link: mesh.status(id),
      alive: node.membership.status(id) === 'alive',
    }));
  }

  /** A peer id this node knows (from gossip or signaling), never itself. */
  function checkPeer(id: unknown): string {
    if (typeof id !== 'string') throw new TypeError(`peer id must be a string, got ${typeof id}`);
    if (id === bn.id) throw new RangeError(`${id} is this node's own id; faults apply to links to other nodes`);
    if (!NODE_ID_PATTERN.test(id)) throw new RangeError(`${JSON.stringify(id)} is not a node id`);
    if (!peers().some((p) => p.id === id)) throw new RangeError(`unknown peer ${id}; known peers: ${peers().map((p) => p.id).join(', ') || 'none'}`);
    return id;
  }

  function checkPeers(ids: unknown): string[] {
    if (!Array.isArray(ids)) throw new TypeError('peer ids must be an array of strings');
    return ids.map(checkPeer);
  }

  const view = (m: { id: string; from: string; text: string; vc: Readonly<Record<string, number>> }): ChatMessageView => ({
    id: m.id,
    from: m.from,
    text: m.text,
    vc: { ...m.vc },
  });

  return {
    id: bn.id,
    name: bn.name,
    room: bn.room,
    ready: () => signaling.ready,
    peers,
    setFaults(peerId, faults, direction = 'both') {
      const peer = checkPeer(peerId);
      if (!DIRECTIONS.includes(direction)) throw new TypeError(`direction must be 'out', 'in' or 'both', got ${String(direction)}`);
      // The node validates the patch in full before applying any of it.
      node.setFaults(peer, faults, direction as Direction);
    },
    partition(peerIds) {
      node.partition(checkPeers(peerIds));
    },
    heal(peerIds) {
      node.heal(peerIds === undefined ? undefined : checkPeers(peerIds));
    },
    stats: () => bn.linkStats.totals(),
    clock() {
      const { lamport, vector } = node.clock();
      return { lamport, vector: { ...vector } };
    },
    chat: {
      send(text) {
        chat.send(text);
      },
      messages: () => chat.messages().map(view),
      held: () => chat.held().map((m) => ({ ...view(m), waitingFor: m.waitingFor.map((d) => ({ ...d })) })),
      setMode(mode) {
        chat.setMode(mode as DeliveryMode);
      },
    },
    kv: {
      put: (key, value) => kv.put(key, value),
      get: (key) => kv.get(key),
      delete: (key) => kv.delete(key),
    },
    text: {
      value: () => yjs.text().toString(),
      insert: (index, s) => insertText(yjs.text(), index, s),
      delete: (index, length) => deleteText(yjs.text(), index, length),
    },
  };
}
