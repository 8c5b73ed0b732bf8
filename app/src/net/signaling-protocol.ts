/**
 * The frames the signaling server sends, checked field by field. The server is ours, but a
 * proxy, an old server version or a bug can still put anything on the socket; one bad frame
 * is counted and ignored, never trusted.
 */
export interface Member {
  readonly id: string;
  readonly name: string;
}

export interface JoinRequest {
  readonly room: string;
  readonly id: string;
  readonly name: string;
  readonly password?: string;
}

export type ServerFrame =
  | { readonly type: 'joined'; readonly room: string; readonly id: string; readonly members: Member[]; readonly iceServers: RTCIceServer[] }
  | { readonly type: 'member-joined'; readonly member: Member }
  | { readonly type: 'member-left'; readonly id: string; readonly reason: string }
  | { readonly type: 'signal'; readonly from: string; readonly data: unknown }
  | { readonly type: 'error'; readonly code: string; readonly reason: string }
  /** An instructor's command (signaling/PROTOCOL.md); its fields are checked by runtime/control-commands.ts. */
  | { readonly type: 'control'; readonly command: Readonly<Record<string, unknown>>; readonly seq: number }
  | { readonly type: 'pong' };

export type ClientFrame =
  | ({ readonly type: 'join' } & JoinRequest)
  | { readonly type: 'signal'; readonly to: string; readonly data: unknown }
  | { readonly type: 'leave' }
  | { readonly type: 'report'; readonly data: unknown }
  | { readonly type: 'ping' };

export const MAX_FRAME_CHARS = 1024 * 1024;

export type Fields = Record<string, unknown>;

export const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;
export const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= 4096;
export const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

export function parseMember(v: unknown): Member | null {
  if (!isRecord(v) || !isId(v.id) || !isText(v.name)) return null;
  return { id: v.id, name: v.name };
}

function parseIceServer(v: unknown): RTCIceServer | null {
  if (!isRecord(v)) return null;
  const { urls, username, credential } = v;
  const urlList = typeof urls === 'string' ? [urls] : urls;
  if (!Array.isArray(urlList) || urlList.length === 0 || !urlList.every((u) => isText(u) && u.length > 0)) return null;
  if (username !== undefined && !isText(username)) return null;
  if (credential !== undefined && !isText(credential)) return null;
  return {
    urls: urlList as string[],
    ...(username !== undefined ? { username } : {}),
    ...(credential !== undefined ? { credential } : {}),
  };
}

/** Every element parsed, or null if any one is bad. */
export function parseAll<T>(v: unknown, parse: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(v)) return null;
  const out: T[] = [];
  for (const item of v) {
    const parsed = parse(item);
    if (parsed === null) return null;
    out.push(parsed);
  }
  return out;
}

/** A server frame, or why it is not one. */
export function parseServerFrame(raw: unknown): { ok: true; frame: ServerFrame } | { ok: false; reason: string } {
  return parseFrameWith(raw, toFrame);
}

/** Parses a text frame with `toFrame`; shared with the instructor's client, which knows other frames. */
export function parseFrameWith<F>(raw: unknown, toFrame: (v: Fields) => F | null): { ok: true; frame: F } | { ok: false; reason: string } {
  if (typeof raw !== 'string') return { ok: false, reason: 'binary frame' };
  if (raw.length > MAX_FRAME_CHARS) return { ok: false, reason: `frame of ${raw.length} characters` };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const frame = isRecord(v) ? toFrame(v) : null;
  if (frame) return { ok: true, frame };
  const type = isRecord(v) && typeof v.type === 'string' ? v.type.slice(0, 40) : typeof v;
  return { ok: false, reason: `bad ${JSON.stringify(type)} frame` };
}

function toFrame(v: Fields): ServerFrame | null {
  switch (v.type) {
    case 'joined': {
      const members = parseAll(v.members, parseMember);
      const iceServers = parseAll(v.iceServers, parseIceServer);
      if (!isId(v.room) || !isId(v.id) || !members || !iceServers) return null;
      return { type: 'joined', room: v.room, id: v.id, members, iceServers };
    }
    case 'member-joined': {
      const member = parseMember(v.member);
      return member ? { type: 'member-joined', member } : null;
    }
    case 'member-left':
      return isId(v.id) && isText(v.reason) ? { type: 'member-left', id: v.id, reason: v.reason } : null;
    case 'signal':
      return isId(v.from) && v.data !== undefined ? { type: 'signal', from: v.from, data: v.data } : null;
    case 'error':
      return isText(v.code) && isText(v.reason) ? { type: 'error', code: v.code, reason: v.reason } : null;
    case 'control':
      return isRecord(v.command) && isSeq(v.seq) ? { type: 'control', command: v.command, seq: v.seq } : null;
    case 'pong':
      return { type: 'pong' };
    default:
      return null;
  }
}
