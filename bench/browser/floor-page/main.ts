import Peer from 'simple-peer/simplepeer.min.js';
import type { FloorMeshApi, FloorPageApi, MeshSignal } from './floor-api.ts';

/**
 * The floor of the browser benches: bare WebRTC data channels with nothing on top, opened with
 * simple-peer, the library under y-webrtc (tabmesh opens the same kind of channel through the
 * browser's RTCPeerConnection directly). `window.floor` is the edit-latency bench's single link
 * between two pages; `window.floorMesh` the idle bench's many links per page. simple-peer's
 * browser bundle, as y-webrtc imports it, so no Node shims are needed.
 */
type SimplePeer = InstanceType<typeof Peer>;
type SignalData = Parameters<SimplePeer['signal']>[0];

// No ICE servers: public STUN is unreachable here and would leak addresses.
const newPeer = (initiator: boolean): SimplePeer => new Peer({ initiator, trickle: true, config: { iceServers: [] } });

function createFloor(): FloorPageApi {
  let peer: SimplePeer | undefined;
  let open = false;
  let received = '';
  let pending: unknown[] = [];
  const need = (): SimplePeer => {
    if (peer === undefined) throw new Error('call start() first');
    return peer;
  };
  return {
    start(initiator) {
      if (peer !== undefined) throw new Error('already started');
      peer = newPeer(initiator);
      peer.on('signal', (data: unknown) => pending.push(data));
      peer.on('connect', () => (open = true));
      peer.on('data', (data: Uint8Array | string) => (received += typeof data === 'string' ? data : new TextDecoder().decode(data)));
      peer.on('close', () => (open = false));
    },
    takeSignals() {
      const out = pending;
      pending = [];
      return out;
    },
    signal: (data) => need().signal(data as SignalData),
    connected: () => open,
    send: (s) => need().send(s),
    value: () => received,
  };
}

function createFloorMesh(): FloorMeshApi {
  const peers = new Map<string, SimplePeer>();
  const open = new Set<string>();
  const pending: MeshSignal[] = [];
  return {
    open(name, initiator) {
      if (peers.has(name)) throw new Error(`already open to ${name}`);
      const peer = newPeer(initiator);
      peers.set(name, peer);
      peer.on('signal', (data: unknown) => pending.push({ peer: name, data }));
      peer.on('connect', () => open.add(name));
      peer.on('close', () => open.delete(name));
    },
    takeSignals: () => pending.splice(0),
    signal(name, data) {
      const peer = peers.get(name);
      if (peer === undefined) throw new Error(`no connection to ${name}; call open() first`);
      peer.signal(data as SignalData);
    },
    openCount: () => open.size,
  };
}

window.floor = createFloor();
window.floorMesh = createFloorMesh();
