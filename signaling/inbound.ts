import type { RawData } from 'ws';
import { accept, refuse, type Outcome } from './outcome.ts';
import { parseClientFrame, type ClientFrame } from './protocol.ts';
import type { RoomRegistry } from './rooms.ts';
import type { TopicRegistry } from './ywebrtc.ts';

/**
 * One inbound WebSocket message in, one outcome out: size check, parse, then the registry that
 * owns the frame's dialect. Socket-free, so the server's only job is to send what comes back.
 */
export interface Registries<P> {
  readonly rooms: RoomRegistry<P>;
  readonly topics: TopicRegistry<P>;
}

export function handleInbound<P>(
  registries: Registries<P>,
  peer: P,
  data: RawData,
  isBinary: boolean,
  maxFrameBytes: number,
): Outcome<P> {
  if (isBinary) return refuse('bad-frame', 'binary frames are not accepted; send JSON text');
  const bytes = toBuffer(data);
  if (bytes.length > maxFrameBytes) {
    return refuse('too-large', `frame of ${bytes.length} bytes exceeds the ${maxFrameBytes}-byte limit`);
  }
  const parsed = parseClientFrame(bytes.toString('utf8'));
  if (!parsed.ok) return refuse(parsed.code, parsed.reason);
  return dispatch(registries, peer, parsed.frame);
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
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
