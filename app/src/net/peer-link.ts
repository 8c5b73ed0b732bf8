import { createChunker, createReassembler, DEFAULT_MAX_CHUNK, type ReassemblerStats } from '../../../core/chunking.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../core/codec.ts';
import { Listeners, type Link, type LinkState } from '../../../core/link.ts';

/**
 * One WebRTC data channel to another tab, as a core `Link`, on the browser's own
 * RTCPeerConnection. It replaced simple-peer, whose Node-stream layer (readable-stream and the
 * buffer, process and events shims it needs) was 117 kB of the page's 410 kB of JavaScript and
 * ran a stream pipeline for every message received (bench:mesh, bench:idle).
 *
 * The handshake is the usual one with trickle ICE: the initiator opens the channel and offers,
 * the other end answers, and both pass on their ICE candidates as they come. The signals are
 * the dictionaries simple-peer exchanged, so the relay and its checks are unchanged.
 */
export type PeerSignal =
  | { readonly type: 'offer' | 'answer'; readonly sdp: string }
  | { readonly type: 'candidate'; readonly candidate: RTCIceCandidateInit };

export interface PeerLinkOptions {
  readonly local: string;
  readonly remote: string;
  /** Whether this end makes the offer (see isInitiator in core/mesh-planner.ts). */
  readonly initiator: boolean;
  /** No STUN/TURN unless configured: public defaults are unreachable here and leak addresses. */
  readonly iceServers?: readonly RTCIceServer[];
  /** Called with each signal to relay to the remote end. */
  readonly onSignal: (data: PeerSignal) => void;
  /** Largest data-channel frame, header included. */
  readonly chunkSize?: number;
  readonly maxMessageBytes?: number;
  readonly now?: () => number;
  /** Makes the peer connection: the browser's RTCPeerConnection unless a test passes a stand-in. */
  readonly createConnection?: (config: RTCConfiguration) => RTCPeerConnection;
}

export interface PeerLinkStats extends ReassemblerStats {
  readonly messagesSent: number;
  readonly framesSent: number;
  readonly framesReceived: number;
  /** Signals refused: malformed, out of turn, or rejected by WebRTC. */
  readonly badSignals: number;
}

export interface PeerLink extends Link {
  /** Feeds a signal from the remote end; false (and nothing else happens) if it is not a valid one. */
  signal(data: unknown): boolean;
  stats(): PeerLinkStats;
}

const MAX_SDP_CHARS = 64 * 1024;
const STALE_PARTIAL_MS = 30_000;
/**
 * Frames wait in the link while the channel holds this much unsent, and go out again once it
 * is down to the low mark: Chromium closes a channel whose buffer overflows (16 MiB), and a
 * channel kept short also keeps a slow link's latency visible instead of hidden in a buffer.
 */
export const HIGH_WATER_BYTES = 256 * 1024;
export const LOW_WATER_BYTES = 64 * 1024;
/**
 * Candidates waiting for WebRTC to take them, those held for the offer included; a peer that
 * floods more is refused. A description comes once, so it needs no bound.
 */
export const MAX_PENDING_SIGNALS = 256;

export function createPeerLink(options: PeerLinkOptions): PeerLink {
  const { local, remote, initiator, onSignal } = options;
  const now = options.now ?? (() => performance.now());
  const chunker = createChunker(options.chunkSize ?? DEFAULT_MAX_CHUNK);
  // The channel is reliable and ordered, so at most one message is ever partly received.
  const reassembler = createReassembler({
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxPendingMessages: 2,
    now,
    staleAfterMs: STALE_PARTIAL_MS,
  });
  const messages = new Listeners<[Uint8Array]>();
  const opens = new Listeners<[]>();
  const closes = new Listeners<[string]>();
  let state: LinkState = 'connecting';
  let messagesSent = 0;
  let framesSent = 0;
  let framesReceived = 0;
  let badSignals = 0;
  let channel: RTCDataChannel | null = null;
  /** Frames held back while the channel's buffer is full, oldest first. */
  const held: Uint8Array<ArrayBuffer>[] = [];
  /** The remote description was accepted; a second one (renegotiation) is not part of this protocol. */
  let described = false;
  /** WebRTC's calls are asynchronous and must not overlap; signals are applied one after another. */
  let applying: Promise<void> = Promise.resolve();
  let pendingSignals = 0;

  const config: RTCConfiguration = { iceServers: [...(options.iceServers ?? [])] };
  const pc = options.createConnection ? options.createConnection(config) : new RTCPeerConnection(config);

  const finish = (reason: string): void => {
    if (state === 'closed') return;
    state = 'closed';
    held.length = 0;
    if (channel) {
      channel.onopen = channel.onmessage = channel.onclose = channel.onerror = channel.onbufferedamountlow = null;
      channel.close();
    }
    pc.onicecandidate = pc.ondatachannel = pc.onconnectionstatechange = pc.oniceconnectionstatechange = null;
    pc.close();
    closes.emit(reason);
    messages.clear();
    opens.clear();
    closes.clear();
  };
  const failWith = (what: string) => (err: unknown): void => finish(`${what}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);

  const emit = (data: unknown): void => {
    const valid = parseSignal(data);
    if (valid && state !== 'closed') onSignal(valid);
  };
  const emitDescription = (): void => {
    const d = pc.localDescription;
    if (d) emit({ type: d.type, sdp: d.sdp });
  };

  /** Sends held frames while the channel has room. */
  const drain = (): void => {
    while (channel && held.length > 0 && channel.bufferedAmount <= HIGH_WATER_BYTES) {
      if (!put(held.shift() as Uint8Array<ArrayBuffer>)) return;
    }
  };
  const put = (frame: Uint8Array<ArrayBuffer>): boolean => {
    try {
      (channel as RTCDataChannel).send(frame);
      framesSent++;
      return true;
    } catch (err) {
      failWith('data channel send failed')(err);
      return false;
    }
  };

  const attach = (ch: RTCDataChannel): void => {
    if (channel) {
      // One channel per link: a second one is not ours to carry.
      ch.close();
      return;
    }
    channel = ch;
    ch.binaryType = 'arraybuffer';
    ch.bufferedAmountLowThreshold = LOW_WATER_BYTES;
    ch.onopen = () => {
      if (state !== 'connecting') return;
      state = 'open';
      opens.emit();
    };
    ch.onmessage = (event: MessageEvent<unknown>) => {
      framesReceived++;
      // Binary frames arrive as ArrayBuffers; text (which no tabmesh peer sends) reaches the
      // reassembler as it is, and is counted as malformed there.
      const result = reassembler.push(event.data instanceof ArrayBuffer ? new Uint8Array(event.data) : event.data);
      if (result.ok && result.message) messages.emit(result.message);
    };
    ch.onbufferedamountlow = drain;
    ch.onclose = () => finish('closed by peer');
    // An error is followed by close; its message says why.
    ch.onerror = (event: Event) => {
      const error = (event as Partial<RTCErrorEvent>).error;
      finish(`data channel error${error ? `: ${error.message}` : ''}`);
    };
    if (ch.readyState === 'open') ch.onopen(new Event('open'));
  };

  pc.onicecandidate = (event) => {
    // null marks the end of gathering; the far end needs nothing for it.
    if (event.candidate) emit({ type: 'candidate', candidate: event.candidate.toJSON() });
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'failed') finish('connection failed');
    else if (pc.connectionState === 'closed') finish('connection closed');
  };
  // Browsers without connectionState still report ICE failing.
  pc.oniceconnectionstatechange = () => {
    if (pc.iceConnectionState === 'failed') finish('ICE connection failed');
  };
  if (initiator) {
    attach(pc.createDataChannel('tabmesh'));
    applying = pc
      .createOffer()
      .then((offer) => pc.setLocalDescription(offer))
      .then(emitDescription, failWith('could not make an offer'));
  } else {
    pc.ondatachannel = (event) => attach(event.channel);
  }

  /** Candidates that came before the remote description, which they need. */
  const early: RTCIceCandidateInit[] = [];
  // A candidate WebRTC rejects costs only itself, not the link.
  const addCandidate = (candidate: RTCIceCandidateInit): Promise<void> => pc.addIceCandidate(candidate).catch(() => void badSignals++);

  /** Applies one signal once those before it are done. */
  const apply = (signal: PeerSignal): void => {
    pendingSignals++;
    applying = applying.then(async () => {
      pendingSignals--;
      if (state === 'closed') return;
      if (signal.type === 'candidate') {
        if (pc.remoteDescription) await addCandidate(signal.candidate);
        else early.push(signal.candidate);
        return;
      }
      try {
        await pc.setRemoteDescription(signal);
        for (const candidate of early.splice(0)) await addCandidate(candidate);
        if (signal.type === 'offer') {
          await pc.setLocalDescription(await pc.createAnswer());
          emitDescription();
        }
      } catch (err) {
        failWith(`could not take the ${signal.type}`)(err);
      }
    });
  };

  return {
    local,
    remote,
    get state() {
      return state;
    },
    send(bytes) {
      if (state !== 'open' || !channel) return false;
      const frames = chunker.split(bytes);
      for (const frame of frames) {
        if (held.length > 0 || channel.bufferedAmount > HIGH_WATER_BYTES) held.push(frame);
        else if (!put(frame)) return false;
      }
      messagesSent++;
      return true;
    },
    onMessage: (handler) => messages.add(handler),
    onOpen: (handler) => opens.add(handler),
    onClose: (handler) => closes.add(handler),
    close(reason = 'closed locally') {
      finish(reason);
    },
    signal(data) {
      const valid = state === 'closed' ? null : parseSignal(data);
      // Candidates up to the bound, queued ones and those held for the offer counted; only the
      // initiator takes an answer, only the other end an offer, and each only once.
      const inTurn =
        valid !== null &&
        (valid.type === 'candidate' ? pendingSignals + early.length < MAX_PENDING_SIGNALS : !described && valid.type === (initiator ? 'answer' : 'offer'));
      if (!valid || !inTurn) {
        badSignals++;
        return false;
      }
      if (valid.type !== 'candidate') described = true;
      apply(valid);
      return true;
    },
    stats: () => ({ ...reassembler.stats(), messagesSent, framesSent, framesReceived, badSignals }),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Only offers, answers and ICE candidates of sane size pass. */
export function parseSignal(data: unknown): PeerSignal | null {
  if (!isRecord(data)) return null;
  if (data.type === 'offer' || data.type === 'answer') {
    return typeof data.sdp === 'string' && data.sdp.length <= MAX_SDP_CHARS ? { type: data.type, sdp: data.sdp } : null;
  }
  if (data.type !== 'candidate' || !isRecord(data.candidate)) return null;
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = data.candidate;
  if (typeof candidate !== 'string' || candidate.length > MAX_SDP_CHARS) return null;
  if (sdpMid !== undefined && sdpMid !== null && typeof sdpMid !== 'string') return null;
  if (sdpMLineIndex !== undefined && sdpMLineIndex !== null && !Number.isSafeInteger(sdpMLineIndex)) return null;
  if (usernameFragment !== undefined && usernameFragment !== null && typeof usernameFragment !== 'string') return null;
  return {
    type: 'candidate',
    candidate: {
      candidate,
      ...(typeof sdpMid === 'string' || sdpMid === null ? { sdpMid } : {}),
      ...(typeof sdpMLineIndex === 'number' || sdpMLineIndex === null ? { sdpMLineIndex } : {}),
      ...(typeof usernameFragment === 'string' || usernameFragment === null ? { usernameFragment } : {}),
    },
  };
}
