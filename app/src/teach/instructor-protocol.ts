import { isId, isRecord, isSeq, isText, parseAll, parseFrameWith, parseMember, type Fields, type Member } from '../net/signaling-protocol.ts';

/**
 * The frames an instructor's socket receives (signaling/PROTOCOL.md, "Instructor control
 * plane"), checked field by field like a student's. Reports are passed on as plain objects:
 * they come from student sockets, and runtime/control-report.ts parses them one by one.
 */
export type InstructorServerFrame =
  | { readonly type: 'instructor-joined'; readonly room: string; readonly members: Member[] }
  | { readonly type: 'member-joined'; readonly member: Member }
  | { readonly type: 'member-left'; readonly id: string; readonly reason: string }
  | { readonly type: 'control-sent'; readonly seq: number; readonly to: string[]; readonly command: Fields }
  | { readonly type: 'report'; readonly from: string; readonly data: Fields }
  | { readonly type: 'error'; readonly code: string; readonly reason: string }
  | { readonly type: 'pong' };

export type InstructorClientFrame =
  | { readonly type: 'instructor'; readonly room: string; readonly key: string }
  | { readonly type: 'control'; readonly to: 'all' | readonly string[]; readonly command: Readonly<Record<string, unknown>> }
  | { readonly type: 'leave' }
  | { readonly type: 'ping' };

const parseId = (v: unknown): string | null => (isId(v) ? v : null);

function toFrame(v: Fields): InstructorServerFrame | null {
  switch (v.type) {
    case 'instructor-joined': {
      const members = parseAll(v.members, parseMember);
      return isId(v.room) && members ? { type: 'instructor-joined', room: v.room, members } : null;
    }
    case 'member-joined': {
      const member = parseMember(v.member);
      return member ? { type: 'member-joined', member } : null;
    }
    case 'member-left':
      return isId(v.id) && isText(v.reason) ? { type: 'member-left', id: v.id, reason: v.reason } : null;
    case 'control-sent': {
      const to = parseAll(v.to, parseId);
      return isSeq(v.seq) && to && isRecord(v.command) ? { type: 'control-sent', seq: v.seq, to, command: v.command } : null;
    }
    case 'report':
      return isId(v.from) && isRecord(v.data) ? { type: 'report', from: v.from, data: v.data } : null;
    case 'error':
      return isText(v.code) && isText(v.reason) ? { type: 'error', code: v.code, reason: v.reason } : null;
    case 'pong':
      return { type: 'pong' };
    default:
      return null;
  }
}

export function parseInstructorFrame(raw: unknown): { ok: true; frame: InstructorServerFrame } | { ok: false; reason: string } {
  return parseFrameWith(raw, toFrame);
}
