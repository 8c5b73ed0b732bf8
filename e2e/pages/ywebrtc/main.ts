import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import type { YWebrtcPageApi } from './yw-api.ts';

/**
 * A stock y-webrtc client, as its README sets one up, pointed at a tabmesh signaling server.
 * Nothing here is tabmesh code: the page shows that the server's y-webrtc dialect is enough for
 * the real WebrtcProvider to find peers and sync a document.
 */
function start(search: string): YWebrtcPageApi {
  const q = new URLSearchParams(search);
  const room = q.get('room');
  const signaling = q.get('signaling');
  if (!room) throw new RangeError('?room is missing: name the y-webrtc room to join');
  if (!signaling || !/^wss?:\/\/[^/]/.test(signaling)) {
    throw new RangeError(`?signaling must be a ws:// or wss:// URL of a signaling server, got ${JSON.stringify(signaling)}`);
  }
  const doc = new Y.Doc();
  // No ICE servers: simple-peer's public STUN defaults are unreachable here and leak addresses.
  const provider = new WebrtcProvider(room, doc, { signaling: [signaling], peerOpts: { config: { iceServers: [] } } });
  const text = doc.getText('text');
  // y-webrtc enters a connection in webrtcConns while it is still negotiating; count open ones.
  const peers = (): number => [...(provider.room?.webrtcConns.values() ?? [])].filter((c) => c.connected).length;

  const peersOut = document.getElementById('peers');
  const textOut = document.getElementById('text');
  const show = (): void => {
    if (peersOut) peersOut.textContent = String(peers());
    if (textOut) textOut.textContent = text.toString();
  };
  provider.on('peers', show);
  doc.on('update', show);
  window.addEventListener('pagehide', () => provider.destroy());

  return {
    insert: (s) => text.insert(text.length, s),
    value: () => text.toString(),
    peers,
  };
}

try {
  window.yw = start(location.search);
} catch (err) {
  document.body.textContent = `y-webrtc page could not start: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
}
