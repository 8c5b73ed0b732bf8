import { jsonBytes, matches, NODE_ID_PATTERN, onlyKeys, ROOM_PATTERN, show, type Fields, type Parsed } from './frame-fields.ts';
import { isJsonObject, type JsonObject } from './json.ts';

/**
 * The instructor control plane's client frames. An `instructor` frame turns a socket into an
 * instructor of one room, `control` carries a command from such a socket to that room's
 * members, and `report` carries a member's overview to the room's instructors. The server
 * checks shape and size only; nodes interpret commands and reports, each through its own
 * fault injector. Browser-safe, so the app can share these types and limits.
 */

/** Commands nodes understand; the server refuses any other op so a typo fails at the teacher's desk. */
export const CONTROL_OPS = ['partition', 'heal', 'faults', 'crash', 'revive', 'chat-mode', 'report'] as const;
export type ControlOp = (typeof CONTROL_OPS)[number];
export type ControlCommand = JsonObject & { readonly op: ControlOp };

/** A command is a few fields plus at most a partition's member lists. */
export const MAX_COMMAND_BYTES = 8 * 1024;
/** A report holds one node's counters, clocks and links; a vector clock of 64 members fits easily. */
export const MAX_REPORT_BYTES = 16 * 1024;
export const MAX_CONTROL_TARGETS = 256;
const KEY_PATTERN = /^[^\p{C}]{1,256}$/u;

export interface InstructorFrame {
  readonly type: 'instructor';
  readonly room: string;
  readonly key: string;
}
export interface ControlFrame {
  readonly type: 'control';
  readonly to: 'all' | readonly string[];
  readonly command: ControlCommand;
}
export interface ReportFrame {
  readonly type: 'report';
  readonly data: JsonObject;
}

export function parseInstructor(o: Fields): Parsed<InstructorFrame> {
  const extra = onlyKeys(o, ['room', 'key']);
  if (extra !== undefined) return extra;
  const { room, key } = o;
  if (!matches(room, ROOM_PATTERN)) return `"room" must be 1-64 characters from A-Z a-z 0-9 _ . -, got ${show(room)}`;
  // Never echoed: a near miss of the key should not end up in a log or on a projected screen.
  if (!matches(key, KEY_PATTERN)) return '"key" must be 1-256 printable characters';
  return { type: 'instructor', room, key };
}

export function parseControl(o: Fields): Parsed<ControlFrame> {
  const extra = onlyKeys(o, ['to', 'command']);
  if (extra !== undefined) return extra;
  const { to, command } = o;
  const targets = parseTargets(to);
  if (targets === undefined) {
    return `"to" must be "all" or an array of 1-${MAX_CONTROL_TARGETS} distinct member ids, got ${show(to)}`;
  }
  if (!isJsonObject(command)) return '"command" must be a JSON object nested at most 32 levels deep';
  const { op } = command;
  if (!isControlOp(op)) return `"command.op" must be one of ${CONTROL_OPS.join(', ')}; got ${show(op)}`;
  const bytes = jsonBytes(command);
  if (bytes > MAX_COMMAND_BYTES) return { tooLarge: `"command" is ${bytes} bytes, over the ${MAX_COMMAND_BYTES}-byte limit` };
  return { type: 'control', to: targets, command: { ...command, op } };
}

export function parseReport(o: Fields): Parsed<ReportFrame> {
  const extra = onlyKeys(o, ['data']);
  if (extra !== undefined) return extra;
  const { data } = o;
  if (!isJsonObject(data)) return '"data" must be a JSON object nested at most 32 levels deep';
  const bytes = jsonBytes(data);
  if (bytes > MAX_REPORT_BYTES) return { tooLarge: `"data" is ${bytes} bytes, over the ${MAX_REPORT_BYTES}-byte limit` };
  return { type: 'report', data };
}

function parseTargets(to: unknown): 'all' | readonly string[] | undefined {
  if (to === 'all') return 'all';
  if (!Array.isArray(to) || to.length === 0 || to.length > MAX_CONTROL_TARGETS) return undefined;
  if (!to.every((id: unknown): id is string => matches(id, NODE_ID_PATTERN))) return undefined;
  // A repeated id is a client bug; relaying the command twice to one node would hide it.
  return new Set(to).size === to.length ? to : undefined;
}

function isControlOp(value: unknown): value is ControlOp {
  return typeof value === 'string' && (CONTROL_OPS as readonly string[]).includes(value);
}
