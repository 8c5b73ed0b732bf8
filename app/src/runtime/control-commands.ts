import { DELIVERY_MODES, type DeliveryMode } from '../../../core/chat.ts';
import { validatePatch, type Direction, type FaultPatch } from '../../../core/fault-settings.ts';
import { CONTROL_OPS } from '../../../signaling/control-frames.ts';
import { NODE_ID_PATTERN } from '../../../signaling/protocol.ts';

/**
 * The instructor's commands as every node reads them (signaling/PROTOCOL.md, "Instructor control
 * plane"). The server checks only the op and the size; the fields are checked here, field by
 * field, because a command that half-applies would leave a room in a state nobody asked for.
 * The instructor view builds commands with the same types, so both ends agree on one shape.
 */
export type FaultScope = 'all' | { readonly group: readonly string[] };

export type NodeCommand =
  /** Each node cuts its links to every member it shares no group with; a node in no group is cut off from all. */
  | { readonly op: 'partition'; readonly groups: readonly (readonly string[])[] }
  /** Clears every fault on every link, the instructor's and the student's own. */
  | { readonly op: 'heal' }
  /** Merges `faults` into this node's links to members in scope (see control-plane.ts). */
  | { readonly op: 'faults'; readonly faults: FaultPatch; readonly direction: Direction; readonly scope: FaultScope }
  | { readonly op: 'crash' }
  | { readonly op: 'revive' }
  | { readonly op: 'chat-mode'; readonly mode: DeliveryMode }
  | { readonly op: 'report'; readonly on: boolean; readonly intervalMs: number };

export type CommandOp = NodeCommand['op'];

/** The server relays at most 2 reports a second per member; a room of 64 at 1/s is 64 frames/s to the teacher. */
export const REPORT_INTERVAL_MS = { min: 500, max: 60_000, default: 1000 } as const;
/** A room holds at most 64 members, so more groups or ids than this is not a room's partition. */
export const MAX_GROUPS = 64;
export const MAX_GROUP_MEMBERS = 256;
/**
 * A room-wide fault applies from the sending end only unless asked otherwise: with 'both', each
 * message would cross the delay twice (its sender's out, its receiver's in), and "300 ms
 * everywhere" would mean 600 ms.
 */
export const DEFAULT_FAULT_DIRECTION: Direction = 'out';

const DIRECTIONS: readonly Direction[] = ['out', 'in', 'both'];

export type ParsedCommand = { readonly ok: true; readonly command: NodeCommand } | { readonly ok: false; readonly reason: string };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 60) ?? String(v));

/** Throws a RangeError naming the first bad field; parseCommand turns it into a reason. */
function fields(o: Fields, allowed: readonly string[]): void {
  const extra = Object.keys(o).find((k) => k !== 'op' && !allowed.includes(k));
  if (extra !== undefined) throw new RangeError(`unexpected field "${extra}"`);
}

export function parseIdList(v: unknown, what: string, max = MAX_GROUP_MEMBERS): string[] {
  if (!Array.isArray(v) || v.length > max) throw new RangeError(`${what} must be an array of at most ${max} member ids, got ${show(v)}`);
  for (const id of v) if (typeof id !== 'string' || !NODE_ID_PATTERN.test(id)) throw new RangeError(`${what} holds ${show(id)}, which is not a member id`);
  return [...(v as string[])];
}

export function parseGroups(v: unknown): string[][] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_GROUPS) throw new RangeError(`"groups" must be an array of 1-${MAX_GROUPS} groups, got ${show(v)}`);
  return v.map((g, i) => parseIdList(g, `"groups[${i}]"`));
}

export function parseDirection(v: unknown): Direction {
  if (v === undefined) return DEFAULT_FAULT_DIRECTION;
  if (!DIRECTIONS.includes(v as Direction)) throw new RangeError(`"direction" must be "out", "in" or "both", got ${show(v)}`);
  return v as Direction;
}

export function parseMode(v: unknown): DeliveryMode {
  if (!(DELIVERY_MODES as readonly unknown[]).includes(v)) throw new RangeError(`"mode" must be one of ${DELIVERY_MODES.join(', ')}, got ${show(v)}`);
  return v as DeliveryMode;
}

/** A fault patch as validatePatch sees it, with the field named in the message. */
export function parseFaults(v: unknown): FaultPatch {
  try {
    const patch = validatePatch(v);
    if (Object.keys(patch).length === 0) throw new RangeError('no settings given');
    return patch;
  } catch (err) {
    throw new RangeError(`"faults": ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parseScope(v: unknown): FaultScope {
  if (v === 'all') return 'all';
  if (isRecord(v) && Object.keys(v).length === 1 && 'group' in v) return { group: parseIdList(v.group, '"scope.group"') };
  throw new RangeError(`"scope" must be "all" or {"group": [member ids]}, got ${show(v)}`);
}

function parseInterval(v: unknown): number {
  if (v === undefined) return REPORT_INTERVAL_MS.default;
  const { min, max } = REPORT_INTERVAL_MS;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new RangeError(`"intervalMs" must be an integer from ${min} to ${max}, got ${show(v)}`);
  return v;
}

function toCommand(o: Fields): NodeCommand {
  switch (o.op) {
    case 'partition':
      fields(o, ['groups']);
      return { op: 'partition', groups: parseGroups(o.groups) };
    case 'faults':
      fields(o, ['faults', 'direction', 'scope']);
      return { op: 'faults', faults: parseFaults(o.faults), direction: parseDirection(o.direction), scope: parseScope(o.scope) };
    case 'chat-mode':
      fields(o, ['mode']);
      return { op: 'chat-mode', mode: parseMode(o.mode) };
    case 'report':
      fields(o, ['on', 'intervalMs']);
      if (typeof o.on !== 'boolean') throw new RangeError(`"on" must be true or false, got ${show(o.on)}`);
      return { op: 'report', on: o.on, intervalMs: parseInterval(o.intervalMs) };
    case 'heal':
    case 'crash':
    case 'revive':
      fields(o, []);
      return { op: o.op };
    default:
      throw new RangeError(`"op" must be one of ${CONTROL_OPS.join(', ')}, got ${show(o.op)}`);
  }
}

/** A command, or why it is not one; never throws, whatever arrives. */
export function parseCommand(raw: unknown): ParsedCommand {
  if (!isRecord(raw)) return { ok: false, reason: `a command must be an object, got ${show(raw)}` };
  try {
    return { ok: true, command: toCommand(raw) };
  } catch (err) {
    const op = typeof raw.op === 'string' ? `${raw.op.slice(0, 20)}: ` : '';
    return { ok: false, reason: `${op}${err instanceof Error ? err.message : String(err)}` };
  }
}
