/**
 * Init script for y-webrtc's pages in the loss bench: y-webrtc has no fault layer, so loss is
 * injected where its messages leave the tab. Every `RTCDataChannel.prototype.send` call (simple-
 * peer calls it once per y-webrtc message: sync steps, updates, awareness) is dropped with
 * probability `p` while the bench has it on, decided by a seeded mulberry32 generator per tab;
 * the data channel itself stays reliable, as tabmesh's links do under its own `drop` fault.
 * Self-contained: Playwright sends its source.
 */
export interface ChannelDrop {
  set(p: number): void;
  stats(): { sent: number; dropped: number };
}

declare global {
  interface Window {
    __benchDrop?: ChannelDrop;
  }
}

export function installChannelDrop(seed: number): void {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let p = 0;
  let sent = 0;
  let dropped = 0;
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function sendOrDrop(this: RTCDataChannel, data: never): void {
    // Counted like tabmesh's link counters: every message offered, dropped or not.
    sent += 1;
    if (p > 0 && next() < p) {
      dropped += 1;
      return;
    }
    send.call(this, data);
  } as typeof send;
  window.__benchDrop = {
    set(x) {
      p = x;
    },
    stats: () => ({ sent, dropped }),
  };
}
