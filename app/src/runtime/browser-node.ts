import * as Y from 'yjs';
import { createAwarenessSync, type AwarenessSync } from '../../../core/awareness-sync.ts';
import { createChat, type Chat } from '../../../core/chat.ts';
import { createJournal } from '../../../core/journal.ts';
import { createKv, type Kv } from '../../../core/kv.ts';
import { Listeners, type Unsubscribe } from '../../../core/link.ts';
import { DEFAULT_MEMBERSHIP } from '../../../core/membership.ts';
import { DEFAULT_NODE, TabmeshNode } from '../../../core/node.ts';
import { createRng } from '../../../core/rng.ts';
import { every } from '../../../core/scheduler.ts';
import { createTraceShare, type TraceShare } from '../../../core/trace-share.ts';
import { createYjsSync, type YjsSync } from '../../../core/yjs-sync.ts';
import { takeEarlySocket } from '../net/early-socket.ts';
import { createPeerLink } from '../net/peer-link.ts';
import { createWorkerScheduler, type WorkerScheduler } from '../net/worker-scheduler.ts';
import { presenceColour } from './colour.ts';
import { createControlPlane, type ControlPlane } from './control-plane.ts';
import { buildReport } from './control-report.ts';
import { randomNodeId, randomSeed } from './ids.ts';
import { createLinkStatsBook, type LinkStatsBook } from './link-stats.ts';
import { createMeshManager, type MeshManager } from './mesh-manager.ts';
import { friendlyName } from './names.ts';
import type { BrowserNodeParams } from './params.ts';
import { createRoomSignaling, type RoomSignaling } from './room-signaling.ts';

/**
 * One tab's node: the core TabmeshNode with chat, KV and the shared Yjs text on top, WebRTC
 * links below it (every byte between tabs, even tabs of one browser, crosses a data channel and
 * the fault injector), and signaling only for handshakes. All timers run on the worker
 * scheduler, so a hidden tab keeps honest heartbeats and delays.
 */
export interface BrowserNode {
  readonly id: string;
  readonly name: string;
  readonly room: string;
  readonly node: TabmeshNode;
  readonly chat: Chat;
  readonly kv: Kv;
  readonly yjs: YjsSync;
  /** Presence (name, colour, text cursor) of everyone in the room, over ephemeral broadcasts. */
  readonly awareness: AwarenessSync;
  /** "Share my trace": this node's journal summaries out, other nodes' in (off until switched on). */
  readonly traceShare: TraceShare;
  readonly mesh: MeshManager;
  readonly signaling: RoomSignaling;
  readonly linkStats: LinkStatsBook;
  /** The instructor's commands to this node, and its reports back (classroom mode). */
  readonly control: ControlPlane;
  readonly scheduler: WorkerScheduler;
  /** Fires after anything a view shows may have changed, except counters (poll those). */
  onChange(listener: () => void): Unsubscribe;
  /** Leaves the room and closes every link; safe to call twice. */
  close(): void;
}

/**
 * A step1 exchange with one neighbour per period, in turn, repairs what the Yjs broadcast path
 * lost (gossip's anti-entropy already repairs lost broadcasts; this covers the rest) and
 * refreshes the "in sync with" indicator. One at a time rather than all: with 8 links the
 * all-neighbours round was a fifth of an idle tab's messages (bench:idle). A neighbour already
 * listed as in sync, whose last heartbeat also carried our gossip fingerprint (every Yjs update
 * is a broadcast, so neither has had one since), is left out: an exchange would change nothing.
 */
const YJS_RESYNC_MS = 3000;

export function startBrowserNode(params: BrowserNodeParams): BrowserNode {
  const rng = createRng(randomSeed());
  const scheduler = createWorkerScheduler();
  const id = randomNodeId();
  const name = params.name ?? friendlyName(rng);
  // Created here rather than by the node, so trace sharing holds a journal that is never null.
  const journal = createJournal(DEFAULT_NODE.journalLimit);
  const node = new TabmeshNode({
    id,
    name,
    scheduler,
    journal,
    rng: rng.fork(),
    config: {
      heartbeatMs: params.heartbeatMs,
      membership: { ...DEFAULT_MEMBERSHIP, suspectAfterMs: params.suspectMs, deadAfterMs: params.deadMs },
    },
  });
  const onError = node.errors.sink;
  const chat = createChat({ self: id, dissemination: node.gossip, onError });
  const kv = createKv({ self: id, dissemination: node.gossip, onError });
  const doc = new Y.Doc();
  const yjs = createYjsSync({ self: id, doc, dissemination: node.gossip, neighbours: node.neighbours, onError });
  const awareness = createAwarenessSync({ self: id, doc, dissemination: node.gossip, neighbours: node.neighbours, scheduler, onError, presence: { name, colour: presenceColour(id) } });
  const traceShare = createTraceShare({ self: id, journal, dissemination: node.gossip, scheduler, onError });
  const linkStats = createLinkStatsBook();

  // The mesh and signaling refer to each other (signals in, signals out); this breaks the cycle.
  const relay: { mesh?: MeshManager } = {};
  const signaling = createRoomSignaling({
    room: params.room,
    id,
    name,
    scheduler,
    rng,
    onError,
    onSignal: (from, data) => relay.mesh?.receive(from, data),
    // index.html opened the first socket while this module loaded (early-socket.ts).
    createSocket: (url) => takeEarlySocket(window as unknown as Record<string, unknown>, url) ?? new WebSocket(url),
  });
  const mesh = createMeshManager({
    self: id,
    degree: params.degree,
    scheduler,
    rng: rng.fork(),
    onError,
    signaling: { joined: () => signaling.status() === 'joined', signal: (to, data) => signaling.client.signal(to, data) },
    members: () => {
      const ids = new Set(signaling.members().keys());
      // A link outlives a signaling outage; keep it while its peer is not known dead.
      for (const { peer } of node.allLinks()) if (node.membership.status(peer) !== 'dead') ids.add(peer);
      return [...ids];
    },
    announcedLinks: (peer) => node.membership.linksOf(peer),
    createLink: (remote, initiator, onSignal) => createPeerLink({ local: id, remote, initiator, onSignal, iceServers: signaling.iceServers() }),
    attach: (link) => linkStats.track(node.attach(link)),
  });
  relay.mesh = mesh;

  const knownPeers = (): string[] => {
    const ids = new Set(signaling.members().keys());
    for (const m of node.membership.members()) ids.add(m.id);
    for (const { peer } of node.allLinks()) ids.add(peer);
    ids.delete(id);
    return [...ids].sort();
  };
  const control = createControlPlane({
    scheduler,
    onError,
    target: {
      self: id,
      peers: knownPeers,
      setFaults: (peer, patch, direction) => node.setFaults(peer, patch, direction),
      healAll: () => node.heal(),
      // A stopped node neither sends nor delivers, and its heartbeat stops rising, so the others
      // suspect it and then declare it dead; its signaling seat stays, so a revive can reach it.
      crash: () => node.stop(),
      revive: () => node.start(),
      setChatMode: (mode) => chat.setMode(mode),
      report: () =>
        buildReport({
          self: id,
          name,
          crashed: control.crashed(),
          partitioned: control.partitioned(),
          mode: chat.mode(),
          clock: node.clock(),
          members: node.membership.members(),
          openLinks: node.allLinks().filter(({ link }) => link.state === 'open').map(({ peer }) => peer),
          cut: knownPeers().filter((peer) => {
            const faults = node.faultsFor(peer);
            return faults.out.cut || faults.in.cut;
          }),
          stats: linkStats.totals(),
          commands: control.stats(),
        }),
      sendReport: (data) => signaling.client.report(data),
    },
  });

  let resyncTurn = 0;
  const changed = new Listeners<[]>();
  const emit = (): void => changed.emit();
  const unsubscribe = [
    signaling.onChange(() => {
      control.notePeers();
      mesh.replan();
      emit();
    }),
    node.onLinksChange(() => {
      control.notePeers();
      emit();
    }),
    node.membership.onChange(() => {
      control.notePeers();
      mesh.replan();
      emit();
    }),
    signaling.client.on('control', ({ command, seq }) => {
      control.handle(command, seq);
      emit();
    }),
    chat.onChange(emit),
    kv.onChange(emit),
    awareness.onChange(emit),
    every(scheduler, YJS_RESYNC_MS, () => {
      const synced = new Set(yjs.syncedWith());
      const peers = node.neighbours.list().filter((p) => !(synced.has(p) && node.gossip.inStepWith(p))).sort();
      if (peers.length > 0) yjs.resync(peers[resyncTurn++ % peers.length]);
    }),
  ];
  yjs.doc.on('update', emit);
  node.start();

  let closed = false;
  return {
    id,
    name,
    room: params.room,
    node,
    chat,
    kv,
    yjs,
    awareness,
    traceShare,
    mesh,
    signaling,
    linkStats,
    control,
    scheduler,
    onChange: (listener) => changed.add(listener),
    close() {
      if (closed) return;
      closed = true;
      for (const off of unsubscribe) off();
      control.close();
      yjs.doc.off('update', emit);
      // Before the links close, so the departure (a null presence) can still go out.
      awareness.destroy();
      traceShare.destroy();
      mesh.close();
      node.stop();
      yjs.destroy();
      chat.close();
      kv.close();
      signaling.close();
      scheduler.close();
    },
  };
}
