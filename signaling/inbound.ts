import type { RawData } from 'ws';
import { accept, refuse, type Outcome } from './outcome.ts';
import { parseClientFrame, type ClientFrame } from './protocol.ts';
import { FORBIDDEN_CONTROL, type RoomRegistry } from './rooms.ts';
import type { TopicRegistry } from './ywebrtc.ts';

/**
 * One inbound WebSocket message in, one outcome out: size check, parse, the control plane's
 * gate, then the registry that owns the frame's dialect. Socket-free, so the server's only job
 * is to send what comes back.
 */
export interface Registries<P> {
  readonly rooms: RoomRegistry<P>;
  readonly topics: TopicRegistry<P>;
}

export interface InboundLimits<P> {
  readonly maxFrameBytes: number;
  readonly maxControlPerSecond: number;
  readonly maxReportsPerSecond: number;
  /** Spends one of the peer's tokens of that kind; false when it has none left. */
  take(peer: P, kind: 'control' | 'report'): boolean;
}

export function handleInbound<P>(registries: Registries<P>, limits: InboundLimits<P>, peer: P, data: RawData, isBinary: boolean): Outcome<P> {
  if (isBinary) return refuse('bad-frame', 'binary frames are not accepted; send JSON text');
  const bytes = toBuffer(data);
  if (bytes.length > limits.maxFrameBytes) {
    return refuse('too-large', `frame of ${bytes.length} bytes exceeds the ${limits.maxFrameBytes}-byte limit`);
  }
  const parsed = parseClientFrame(bytes.toString('utf8'));
  const closed = gate(registries.rooms, limits, peer, parsed.ok ? parsed.frame.type : parsed.type);
  if (closed !== undefined) return closed;
  if (!parsed.ok) return refuse(parsed.code, parsed.reason);
  return dispatch(registries, peer, parsed.frame);
}

/**
 * Authority and rate before shape: every control frame from a student socket is refused as
 * forged, malformed or not, so probing teaches it nothing; and a flood of malformed control
 * or report frames spends the same tokens as well-formed ones.
 */
function gate<P>(rooms: RoomRegistry<P>, limits: InboundLimits<P>, peer: P, type: ClientFrame['type'] | undefined): Outcome<P> | undefined {
  if (type === 'control') {
    if (!rooms.isInstructor(peer)) return refuse('forbidden', FORBIDDEN_CONTROL);
    if (!limits.take(peer, 'control')) {
      return refuse('rate-limited', `more than ${limits.maxControlPerSecond} control frames per second; this one was not relayed`);
    }
  }
  if (type === 'report' && !limits.take(peer, 'report')) {
    return refuse('rate-limited', `more than ${limits.maxReportsPerSecond} reports per second; this one was dropped`);
  }
  return undefined;
}

function dispatch<P>({ rooms, topics }: Registries<P>, peer: P, frame: ClientFrame): Outcome<P> {
  switch (frame.type) {
    case 'join':
      return rooms.join(peer, frame);
    case 'leave':
      return rooms.isJoined(peer) ? accept(rooms.leave(peer, 'left')) : refuse('not-joined', 'not in a room, so nothing to leave');
    case 'signal':
      return rooms.signal(peer, frame);
    case 'ping':
      return accept([{ to: [peer], frame: { type: 'pong' } }]);
    case 'subscribe':
      return topics.subscribe(peer, frame.topics);
    case 'unsubscribe':
      topics.unsubscribe(peer, frame.topics);
      return accept([]);
    case 'publish':
      return accept(topics.publish(frame));
    case 'instructor':
      return rooms.instruct(peer, frame);
    case 'control':
      return rooms.control(peer, frame);
    case 'report':
      return rooms.report(peer, frame);
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
