/**
 * What the y-webrtc compatibility page exposes on `window.yw`, for e2e tests and the y-webrtc
 * comparison benchmark: a stock WebrtcProvider on one Y.Doc, signaling through a tabmesh server.
 */
export interface YWebrtcPageApi {
  /** Appends to the shared Y.Text. */
  insert(s: string): void;
  value(): string;
  /** Open WebRTC connections of the provider's room (its webrtcConns; BroadcastChannel peers not counted). */
  peers(): number;
}

/** The page's query string: `?room=<y-webrtc room>&signaling=<ws://host:port/signal>`. */
export function yWebrtcPageSearch(room: string, signalingUrl: string): string {
  return `?${new URLSearchParams({ room, signaling: signalingUrl })}`;
}

declare global {
  interface Window {
    yw: YWebrtcPageApi;
  }
}
