import SimplePeer from 'simple-peer';
import { createChunker, createReassembler, DEFAULT_MAX_CHUNK, type ReassemblerStats } from '../../../core/chunking.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../core/codec.ts';
import { Listeners, type Link, type LinkState } from '../../../core/link.ts';

/** What one end of a WebRTC handshake hands the other, as simple-peer produces and consumes it. */
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
}

export interface PeerLinkStats extends ReassemblerStats {
  readonly messagesSent: number;
  readonly framesSent: number;
  readonly framesReceived: number;
  /** Signals refused before reaching WebRTC. */
  readonly badSignals: number;
}

export interface PeerLink extends Link {
  /** Feeds a signal from the remote end; false (and nothing else happens) if it is not a valid one. */
  signal(data: unknown): boolean;
  stats(): PeerLinkStats;
}

const MAX_SDP_CHARS = 64 * 1024;
const STALE_PARTIAL_MS = 30_000;

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

  const peer = new SimplePeer({
    initiator,
    trickle: true,
    config: { iceServers: [...(options.iceServers ?? [])] },
  });

  const finish = (reason: string): void => {
    if (state === 'closed') return;
    state = 'closed';
    peer.destroy();
    closes.emit(reason);
    messages.clear();
    opens.clear();
    closes.clear();
  };

  peer.on('signal', (data: unknown) => {
    const valid = parseSignal(data);
    if (valid) onSignal(valid);
  });
  peer.on('connect', () => {
    if (state !== 'connecting') return;
    state = 'open';
    opens.emit();
  });
  peer.on('data', (data: unknown) => {
    framesReceived++;
    // simple-peer hands over Buffers (or strings, if the far end sent text, which the reassembler
    // counts as malformed); what it delivers is a fresh plain Uint8Array.
    const result = reassembler.push(data);
    if (result.ok && result.message) messages.emit(result.message);
  });
  peer.on('error', (err: Error & { code?: unknown }) => {
    finish(typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message);
  });
  peer.on('close', () => finish('closed by peer'));

  return {
    local,
    remote,
    get state() {
      return state;
    },
    send(bytes) {
      if (state !== 'open') return false;
      const frames = chunker.split(bytes);
      // write(), unlike send(), waits for the channel's buffer to drain instead of overfilling it.
      for (const frame of frames) peer.write(frame);
      messagesSent++;
      framesSent += frames.length;
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
      if (!valid) {
        badSignals++;
        return false;
      }
      try {
        // @types/simple-peer asks for an RTCIceCandidate, but simple-peer itself takes (and emits) the init dict.
        peer.signal(valid as SimplePeer.SignalData);
        return true;
      } catch {
        // simple-peer is destroyed a microtask before it reports why; the link closes then.
        badSignals++;
        return false;
      }
    },
    stats: () => ({ ...reassembler.stats(), messagesSent, framesSent, framesReceived, badSignals }),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Only offers, answers and ICE candidates pass: simple-peer tears the connection down on anything else. */
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
