import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CHUNK, FRAME_HEADER_BYTES } from '../../../core/chunking.ts';
import { createPeerLink, HIGH_WATER_BYTES, MAX_PENDING_SIGNALS, type PeerLink, type PeerSignal } from './peer-link.ts';

/**
 * Stand-ins for the browser's RTCPeerConnection and RTCDataChannel, enough of them for one data
 * channel with trickle ICE: a pair "connects" once each side has both descriptions and one of the
 * other's candidates, and a channel hands each frame to its twin as a fresh ArrayBuffer.
 */
class FakeChannel {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = 'blob';
  /** While set, frames stay in the buffer (bufferedAmount) instead of reaching the twin. */
  stalled = false;
  private readonly buffered: ArrayBuffer[] = [];
  twin: FakeChannel | null = null;
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onbufferedamountlow: (() => void) | null = null;
  send(data: Uint8Array | string): void {
    if (this.readyState !== 'open') throw new DOMException('channel is not open', 'InvalidStateError');
    if (typeof data === 'string') return this.twin?.onmessage?.({ data });
    const copy = data.slice().buffer;
    this.buffered.push(copy);
    this.bufferedAmount += copy.byteLength;
    if (!this.stalled) this.flush();
  }
  flush(): void {
    for (const frame of this.buffered.splice(0)) this.twin?.onmessage?.({ data: frame });
    const was = this.bufferedAmount;
    this.bufferedAmount = 0;
    if (was > this.bufferedAmountLowThreshold) this.onbufferedamountlow?.();
  }
  open(): void {
    this.readyState = 'open';
    this.onopen?.(new Event('open'));
  }
  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    const twin = this.twin;
    if (twin && twin.readyState !== 'closed') {
      twin.readyState = 'closed';
      twin.onclose?.();
    }
  }
}

type Description = { type: string; sdp: string };

class FakeConnection {
  localDescription: Description | null = null;
  remoteDescription: Description | null = null;
  connectionState: RTCPeerConnectionState = 'new';
  iceConnectionState: RTCIceConnectionState = 'new';
  channel: FakeChannel | null = null;
  readonly candidates: RTCIceCandidateInit[] = [];
  closed = false;
  onicecandidate: ((e: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null = null;
  ondatachannel: ((e: { channel: FakeChannel }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  constructor(
    readonly net: FakeNet,
    readonly config: RTCConfiguration,
  ) {
    net.connections.push(this);
  }
  createDataChannel(): FakeChannel {
    this.channel = new FakeChannel();
    return this.channel;
  }
  async createOffer(): Promise<Description> {
    return { type: 'offer', sdp: 'v=0 offer' };
  }
  async createAnswer(): Promise<Description> {
    if (!this.remoteDescription) throw new DOMException('no remote offer', 'InvalidStateError');
    return { type: 'answer', sdp: 'v=0 answer' };
  }
  async setLocalDescription(d: Description): Promise<void> {
    this.localDescription = d;
    // Gathering starts now; its events are tasks, after this promise settles.
    setTimeout(() => {
      this.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: `candidate:${d.type}`, sdpMid: '0', sdpMLineIndex: 0 }) } });
      this.onicecandidate?.({ candidate: null });
    }, 0);
  }
  async setRemoteDescription(d: Description): Promise<void> {
    if (d.sdp.includes('broken')) throw new DOMException('failed to parse the SDP', 'OperationError');
    this.remoteDescription = d;
  }
  async addIceCandidate(c: RTCIceCandidateInit): Promise<void> {
    if (!this.remoteDescription) throw new DOMException('no remote description', 'InvalidStateError');
    if (c.candidate === 'candidate:bogus') throw new DOMException('bad candidate', 'OperationError');
    this.candidates.push(c);
    this.net.maybeConnect();
  }
  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
    this.channel?.close();
  }
  fail(): void {
    this.connectionState = 'failed';
    this.onconnectionstatechange?.();
  }
}

class FakeNet {
  readonly connections: FakeConnection[] = [];
  maybeConnect(): void {
    const [a, b] = this.connections;
    if (!a || !b || a.channel?.twin) return;
    const ready = (c: FakeConnection): boolean => c.localDescription !== null && c.remoteDescription !== null && c.candidates.length > 0;
    if (!ready(a) || !ready(b)) return;
    const offerer = a.channel ? a : b;
    const answerer = offerer === a ? b : a;
    const mine = offerer.channel as FakeChannel;
    const theirs = new FakeChannel();
    mine.twin = theirs;
    theirs.twin = mine;
    answerer.channel = theirs;
    for (const c of [a, b]) c.connectionState = c.iceConnectionState = 'connected';
    setTimeout(() => {
      answerer.ondatachannel?.({ channel: theirs });
      mine.open();
      theirs.open();
    }, 0);
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
async function settle(rounds = 8): Promise<void> {
  for (let i = 0; i < rounds; i++) await tick();
}

interface End {
  link: PeerLink;
  pc: FakeConnection;
  /** Signals this end produced, not yet relayed. */
  outbox: PeerSignal[];
  received: Uint8Array[];
  closedWith: string[];
  opened: number;
}

function pair(): { a: End; b: End; net: FakeNet; relay: () => Promise<void> } {
  const net = new FakeNet();
  const end = (local: string, remote: string, initiator: boolean): End => {
    const e = { outbox: [], received: [], closedWith: [], opened: 0 } as unknown as End;
    e.link = createPeerLink({
      local,
      remote,
      initiator,
      onSignal: (s) => e.outbox.push(s),
      createConnection: (config) => new FakeConnection(net, config) as unknown as RTCPeerConnection,
    });
    e.pc = net.connections.at(-1) as FakeConnection;
    e.link.onMessage((m) => e.received.push(m));
    e.link.onOpen(() => e.opened++);
    e.link.onClose((r) => e.closedWith.push(r));
    return e;
  };
  const a = end('a', 'b', true);
  const b = end('b', 'a', false);
  /** Relays every signal both ways until nothing is left to relay. */
  const relay = async (): Promise<void> => {
    for (let round = 0; round < 10; round++) {
      await settle();
      if (a.outbox.length === 0 && b.outbox.length === 0) return;
      for (const s of a.outbox.splice(0)) b.link.signal(s);
      for (const s of b.outbox.splice(0)) a.link.signal(s);
    }
  };
  return { a, b, net, relay };
}

const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

describe('createPeerLink', () => {
  it('opens both ends through relayed offer, answer and candidates, and carries messages both ways', async () => {
    const { a, b, relay } = pair();
    expect(a.link.state).toBe('connecting');
    expect(a.pc.config).toEqual({ iceServers: [] });
    await relay();
    await settle();
    expect([a.link.state, b.link.state]).toEqual(['open', 'open']);
    expect([a.opened, b.opened]).toEqual([1, 1]);
    expect(a.link.send(bytes(10))).toBe(true);
    // 40 kB crosses as three 16 KiB frames and arrives as one message.
    expect(b.link.send(bytes(40_000, 7))).toBe(true);
    expect(b.received).toEqual([bytes(10)]);
    expect(a.received).toEqual([bytes(40_000, 7)]);
    expect(b.link.stats()).toMatchObject({ messagesSent: 1, framesSent: 3, framesReceived: 1, badSignals: 0 });
  });

  it('holds candidates that arrive before the offer until the offer is taken', async () => {
    const { a, b } = pair();
    await settle();
    const [offer, ...candidates] = a.outbox.splice(0);
    expect(offer?.type).toBe('offer');
    expect(candidates.length).toBeGreaterThan(0);
    for (const c of candidates) expect(b.link.signal(c)).toBe(true);
    b.link.signal(offer);
    await settle();
    for (const s of b.outbox.splice(0)) a.link.signal(s);
    await settle();
    expect([a.link.state, b.link.state]).toEqual(['open', 'open']);
    expect(b.link.stats().badSignals).toBe(0);
  });

  it('refuses malformed and out-of-turn signals, counts them, and still connects', async () => {
    const { a, b, relay } = pair();
    const refused = [
      [a, { type: 'offer', sdp: 'v=0' }], // the initiator takes no offer
      [b, { type: 'answer', sdp: 'v=0' }], // the other end takes no answer
      [b, { type: 'offer', sdp: 'x'.repeat(70_000) }],
      [b, { type: 'candidate', candidate: { candidate: 7 } }],
      [b, { type: 'renegotiate' }],
      [b, 'offer'],
      [b, null],
    ] as const;
    for (const [end, signal] of refused) expect(end.link.signal(signal)).toBe(false);
    await relay();
    expect([a.link.state, b.link.state]).toEqual(['open', 'open']);
    // A second offer, after the first, is renegotiation, which tabmesh does not do.
    expect(b.link.signal({ type: 'offer', sdp: 'v=0 again' })).toBe(false);
    expect(a.link.stats().badSignals + b.link.stats().badSignals).toBe(refused.length + 1);
  });

  it('refuses candidates past the bound while no offer came, and still connects', async () => {
    const { a, b } = pair();
    await settle();
    const candidate = (i: number) => ({ type: 'candidate', candidate: { candidate: `candidate:${i}`, sdpMid: '0' } });
    for (let i = 0; i < MAX_PENDING_SIGNALS; i++) expect(b.link.signal(candidate(i))).toBe(true);
    // Applied while waiting for the offer, they still count against the bound.
    await settle();
    expect(b.link.signal(candidate(-1))).toBe(false);
    expect(b.link.stats().badSignals).toBe(1);
    const [offer, ...rest] = a.outbox.splice(0);
    expect(b.link.signal(offer)).toBe(true);
    await settle();
    for (const s of rest) b.link.signal(s);
    for (const s of b.outbox.splice(0)) a.link.signal(s);
    await settle();
    expect([a.link.state, b.link.state]).toEqual(['open', 'open']);
  });

  it('a candidate WebRTC rejects is counted and the link goes on', async () => {
    const { a, b, relay } = pair();
    await settle();
    b.link.signal(a.outbox.shift());
    expect(b.link.signal({ type: 'candidate', candidate: { candidate: 'candidate:bogus', sdpMid: '0' } })).toBe(true);
    await relay();
    expect([a.link.state, b.link.state]).toEqual(['open', 'open']);
    expect(b.link.stats().badSignals).toBe(1);
  });

  it('closes with the reason when the offer cannot be taken', async () => {
    const { b } = pair();
    expect(b.link.signal({ type: 'offer', sdp: 'v=0 broken' })).toBe(true);
    await settle();
    expect(b.link.state).toBe('closed');
    expect(b.closedWith).toEqual(['could not take the offer: OperationError: failed to parse the SDP']);
    expect(b.pc.closed).toBe(true);
  });

  it("holds frames while the channel's buffer is full and sends them in order once it drains", async () => {
    const { a, b, relay } = pair();
    await relay();
    const channel = a.pc.channel as FakeChannel;
    channel.stalled = true;
    // Fills the buffer past the high mark: 20 frames of 16 KiB.
    const big = bytes(20 * 16_000, 3);
    const frames = Math.ceil(big.length / (DEFAULT_MAX_CHUNK - FRAME_HEADER_BYTES)) + 1;
    expect(a.link.send(big)).toBe(true);
    expect(a.link.send(bytes(5, 9))).toBe(true);
    const framesOut = a.link.stats().framesSent;
    expect(channel.bufferedAmount).toBeGreaterThan(HIGH_WATER_BYTES);
    expect(framesOut).toBeLessThan(frames);
    expect(b.received).toEqual([]);
    channel.stalled = false;
    for (let i = 0; i < 10 && a.link.stats().framesSent < frames; i++) channel.flush();
    channel.flush();
    expect(a.link.stats().framesSent).toBe(frames);
    expect(b.received).toEqual([big, bytes(5, 9)]);
  });

  it('closing one end closes the other, once, and sends nothing after', async () => {
    const { a, b, relay } = pair();
    await relay();
    a.link.close('leaving');
    expect(a.closedWith).toEqual(['leaving']);
    expect(b.closedWith).toEqual(['closed by peer']);
    expect(a.pc.closed && b.link.state === 'closed').toBe(true);
    a.link.close('again');
    expect(a.closedWith).toEqual(['leaving']);
    expect(a.link.send(bytes(3))).toBe(false);
    expect(b.link.signal({ type: 'candidate', candidate: { candidate: 'candidate:late' } })).toBe(false);
  });

  it('a failed connection closes the link with the reason', async () => {
    const { a, relay } = pair();
    await relay();
    a.pc.fail();
    expect(a.link.state).toBe('closed');
    expect(a.closedWith).toEqual(['connection failed']);
  });

  it('counts a text frame as malformed and delivers nothing from it', async () => {
    const { a, b, relay } = pair();
    await relay();
    (a.pc.channel as FakeChannel).send('hello');
    expect(b.received).toEqual([]);
    expect(b.link.stats().errors.malformed).toBe(1);
    expect(b.link.state).toBe('open');
  });

  it('a send the channel refuses closes the link and says so', async () => {
    const { a, relay } = pair();
    await relay();
    (a.pc.channel as FakeChannel).readyState = 'closing';
    expect(a.link.send(bytes(3))).toBe(false);
    expect(a.link.state).toBe('closed');
    expect(a.closedWith).toEqual(['data channel send failed: InvalidStateError: channel is not open']);
  });

  it('uses the configured ICE servers and none by default', () => {
    const net = new FakeNet();
    const iceServers = [{ urls: 'stun:127.0.0.1:3478' }];
    createPeerLink({ local: 'a', remote: 'b', initiator: true, iceServers, onSignal: () => {}, createConnection: (config) => new FakeConnection(net, config) as unknown as RTCPeerConnection });
    expect(net.connections[0]?.config).toEqual({ iceServers });
  });
});
