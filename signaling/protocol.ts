import {
  parseControl,
  parseInstructor,
  parseReport,
  type ControlCommand,
  type ControlFrame,
  type InstructorFrame,
  type ReportFrame,
} from './control-frames.ts';
import { matches, NODE_ID_PATTERN, onlyKeys, ROOM_PATTERN, show, type Fields, type Parsed } from './frame-fields.ts';
import type { IceServer } from './ice-servers.ts';
import { isJsonObject, isPlainObject, tryParseJson, type JsonObject } from './json.ts';

export { NODE_ID_PATTERN, ROOM_PATTERN } from './frame-fields.ts';

/**
 * The signaling wire protocol: JSON text frames on the `/signal` WebSocket. Two dialects share
 * the endpoint and never see each other's state: tabmesh (join/signal/leave, plus the
 * instructor control plane of control-frames.ts) and y-webrtc's (subscribe/unsubscribe/
 * publish). `ping` belongs to both. Parsing is total: any text yields a typed frame or an
 * error code with a reason that names the offending field.
 */

export const ERROR_CODES = [
  'bad-json',
  'bad-frame',
  'too-large',
  'unknown-type',
  'not-joined',
  'rate-limited',
  'too-many-rooms',
  'room-full',
  'wrong-password',
  'unknown-peer',
  'duplicate-id',
  'too-many-sockets',
  'no-instructor',
  'bad-key',
  'forbidden',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** 1-64 code points, no control/format/unassigned characters, not blank. */
const NAME_PATTERN = /^(?=.*\S)[^\p{C}]{1,64}$/u;
const PASSWORD_PATTERN = /^[^\p{C}]{1,128}$/u;
/** y-webrtc topics are its room names, which users type freely. */
const TOPIC_PATTERN = /^[^\p{C}]{1,256}$/u;
export const MAX_TOPICS_PER_FRAME = 64;

export interface Member {
  readonly id: string;
  readonly name: string;
}

export interface JoinFrame {
  readonly type: 'join';
  readonly room: string;
  readonly id: string;
  readonly name: string;
  readonly password?: string;
}
export interface SignalFrame {
  readonly type: 'signal';
  readonly to: string;
  readonly data: JsonObject;
}
export interface LeaveFrame {
  readonly type: 'leave';
}
export interface PingFrame {
  readonly type: 'ping';
}
export interface SubscribeFrame {
  readonly type: 'subscribe' | 'unsubscribe';
  readonly topics: readonly string[];
}
/** `fields` is the whole frame as received: y-webrtc relays it verbatim with `clients` set to the subscriber count. */
export interface PublishFrame {
  readonly type: 'publish';
  readonly topic: string;
  readonly fields: JsonObject;
}
export type ClientFrame =
  | JoinFrame
  | SignalFrame
  | LeaveFrame
  | PingFrame
  | SubscribeFrame
  | PublishFrame
  | InstructorFrame
  | ControlFrame
  | ReportFrame;

export type LeaveReason = 'left' | 'closed' | 'timeout';

export type ServerFrame =
  | {
      readonly type: 'joined';
      readonly room: string;
      readonly id: string;
      readonly members: readonly Member[];
      readonly iceServers: readonly IceServer[];
    }
  | { readonly type: 'member-joined'; readonly member: Member }
  | { readonly type: 'member-left'; readonly id: string; readonly reason: LeaveReason }
  | { readonly type: 'signal'; readonly from: string; readonly data: JsonObject }
  | { readonly type: 'pong' }
  | { readonly type: 'error'; readonly code: ErrorCode; readonly reason: string }
  | { readonly type: 'instructor-joined'; readonly room: string; readonly members: readonly Member[] }
  | { readonly type: 'control'; readonly command: ControlCommand; readonly seq: number }
  | { readonly type: 'control-sent'; readonly seq: number; readonly to: readonly string[]; readonly command: ControlCommand }
  | { readonly type: 'report'; readonly from: string; readonly data: JsonObject }
  | PublishedFrame;
export type PublishedFrame = JsonObject & { readonly type: 'publish'; readonly topic: string; readonly clients: number };

export type ParseResult =
  | { readonly ok: true; readonly frame: ClientFrame }
  | {
      readonly ok: false;
      readonly code: 'bad-json' | 'bad-frame' | 'unknown-type' | 'too-large';
      readonly reason: string;
      /** The frame's type when it is a known one, so authority can be checked before shape. */
      readonly type?: ClientFrame['type'];
    };

const PARSERS: Record<ClientFrame['type'], (o: Fields) => Parsed<ClientFrame>> = {
  join: parseJoin,
  signal: parseSignal,
  leave: (o) => onlyKeys(o, []) ?? { type: 'leave' },
  ping: (o) => onlyKeys(o, []) ?? { type: 'ping' },
  subscribe: (o) => parseTopics(o, 'subscribe'),
  unsubscribe: (o) => parseTopics(o, 'unsubscribe'),
  publish: parsePublish,
  instructor: parseInstructor,
  control: parseControl,
  report: parseReport,
};

export function parseClientFrame(text: string): ParseResult {
  const value = tryParseJson(text);
  if (value === undefined) return { ok: false, code: 'bad-json', reason: 'frame is not valid JSON' };
  if (!isPlainObject(value)) return { ok: false, code: 'bad-frame', reason: 'frame must be a JSON object' };
  const { type } = value;
  if (typeof type !== 'string') return { ok: false, code: 'bad-frame', reason: 'frame has no string "type" field' };
  if (!isFrameType(type)) return { ok: false, code: 'unknown-type', reason: `unknown frame type ${show(type)}` };
  const parsed = PARSERS[type](value);
  if (typeof parsed === 'string') return { ok: false, code: 'bad-frame', reason: `${type}: ${parsed}`, type };
  if ('tooLarge' in parsed) return { ok: false, code: 'too-large', reason: `${type}: ${parsed.tooLarge}`, type };
  return { ok: true, frame: parsed };
}

function parseJoin(o: Fields): Parsed<JoinFrame> {
  const extra = onlyKeys(o, ['room', 'id', 'name', 'password']);
  if (extra !== undefined) return extra;
  const { room, id, name, password } = o;
  if (!matches(room, ROOM_PATTERN)) return `"room" must be 1-64 characters from A-Z a-z 0-9 _ . -, got ${show(room)}`;
  if (!matches(id, NODE_ID_PATTERN)) return `"id" must be 1-64 characters from A-Z a-z 0-9 _ -, got ${show(id)}`;
  if (!matches(name, NAME_PATTERN)) return `"name" must be 1-64 printable characters, got ${show(name)}`;
  if (password === undefined) return { type: 'join', room, id, name };
  if (!matches(password, PASSWORD_PATTERN)) return '"password" must be 1-128 printable characters';
  return { type: 'join', room, id, name, password };
}

function parseSignal(o: Fields): Parsed<SignalFrame> {
  const extra = onlyKeys(o, ['to', 'data']);
  if (extra !== undefined) return extra;
  const { to, data } = o;
  if (!matches(to, NODE_ID_PATTERN)) return `"to" must be a node id (1-64 characters from A-Z a-z 0-9 _ -), got ${show(to)}`;
  if (!isJsonObject(data)) return '"data" must be a JSON object nested at most 32 levels deep';
  return { type: 'signal', to, data };
}

function parseTopics(o: Fields, type: SubscribeFrame['type']): Parsed<SubscribeFrame> {
  const extra = onlyKeys(o, ['topics']);
  if (extra !== undefined) return extra;
  const { topics } = o;
  if (!Array.isArray(topics)) return `"topics" must be an array of strings, got ${show(topics)}`;
  if (topics.length > MAX_TOPICS_PER_FRAME) return `at most ${MAX_TOPICS_PER_FRAME} topics per frame`;
  const checked: string[] = [];
  for (const topic of topics) {
    if (!matches(topic, TOPIC_PATTERN)) return `each topic must be 1-256 printable characters, got ${show(topic)}`;
    checked.push(topic);
  }
  return { type, topics: checked };
}

function parsePublish(o: Fields): Parsed<PublishFrame> {
  const { topic } = o;
  if (!matches(topic, TOPIC_PATTERN)) return `"topic" must be 1-256 printable characters, got ${show(topic)}`;
  if (!isJsonObject(o)) return 'frame must be nested at most 32 levels deep';
  return { type: 'publish', topic, fields: o };
}

function isFrameType(type: string): type is ClientFrame['type'] {
  return Object.hasOwn(PARSERS, type);
}
