import Peer from 'simple-peer/simplepeer.min.js';
import type { FloorPageApi } from './floor-api.ts';

/**
 * The floor of the edit-latency bench: two pages joined by one simple-peer data channel, the
 * library both tabmesh and y-webrtc put under their protocols, with nothing on top. simple-peer's
 * browser bundle, as y-webrtc imports it, so no Node shims are needed.
 */
function createFloor(): FloorPageApi {
  let peer: InstanceType<typeof Peer> | undefined;
  let open = false;
  let received = '';
  let pending: unknown[] = [];
  const need = (): InstanceType<typeof Peer> => {
    if (peer === undefined) throw new Error('call start() first');
    return peer;
  };
  return {
    start(initiator) {
      if (peer !== undefined) throw new Error('already started');
      // No ICE servers: public STUN is unreachable here and would leak addresses.
      peer = new Peer({ initiator, trickle: true, config: { iceServers: [] } });
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
    signal: (data) => need().signal(data as Parameters<InstanceType<typeof Peer>['signal']>[0]),
    connected: () => open,
    send: (s) => need().send(s),
    value: () => received,
  };
}

window.floor = createFloor();
