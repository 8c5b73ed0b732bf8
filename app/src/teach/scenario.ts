import type { DeliveryMode } from '../../../core/chat.ts';
import type { Direction, FaultPatch } from '../../../core/fault-settings.ts';
import { NODE_ID_PATTERN } from '../../../signaling/protocol.ts';
import { parseDirection, parseFaults, parseMode } from '../runtime/control-commands.ts';
import type { RoomAction } from './room-actions.ts';
import type { RoomPlan } from './room-plan.ts';

/**
 * A scenario: a small JSON file of timed steps the instructor view plays against the room
 * (README, "Teaching a class", has the format). Node ids are new on every page load, so a
 * step names members by number (1 = the first to join, in the member table's order) or by id,
 * and groups by their number on the board. Names are resolved when the step runs: a member
 * who has left is skipped, and the scenario goes on.
 */
export type MemberRef = string | number;

export type ScenarioAction =
  | { readonly op: 'partition-halves' }
  /** Without groups: the board's groups as the teacher arranged them. */
  | { readonly op: 'partition'; readonly groups?: readonly (readonly MemberRef[])[] }
  | { readonly op: 'isolate'; readonly member: MemberRef }
  | { readonly op: 'heal' }
  | { readonly op: 'faults'; readonly faults: FaultPatch; readonly direction: Direction; readonly scope: 'all' | { readonly group: number | readonly MemberRef[] } }
  | { readonly op: 'crash'; readonly member: MemberRef }
  /** Without a member: everyone crashed. */
  | { readonly op: 'revive'; readonly member?: MemberRef }
  | { readonly op: 'chat-mode'; readonly mode: DeliveryMode };

export interface ScenarioStep {
  /** Seconds from the start. */
  readonly at: number;
  readonly action: ScenarioAction;
}

export interface Scenario {
  readonly name: string;
  readonly explanation: string;
  readonly steps: readonly ScenarioStep[];
}

export type ParsedScenario = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly errors: readonly string[] };

export const SCENARIO_LIMITS = { maxSteps: 200, maxSeconds: 86_400, maxNameChars: 80, maxExplanationChars: 4000, maxFileBytes: 64 * 1024 } as const;
const MAX_MEMBER_NUMBER = 64;

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v)?.slice(0, 60) ?? String(v)));

function only(o: Fields, allowed: readonly string[]): void {
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new RangeError(`unexpected field "${extra}" (allowed: ${allowed.join(', ')})`);
}

function memberRef(v: unknown, what: string): MemberRef {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_MEMBER_NUMBER) return v;
  if (typeof v === 'string' && NODE_ID_PATTERN.test(v)) return v;
  throw new RangeError(`${what} must be a member number (1-${MAX_MEMBER_NUMBER}, in join order) or a member id, got ${show(v)}`);
}

function refList(v: unknown, what: string): MemberRef[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_MEMBER_NUMBER) throw new RangeError(`${what} must be a list of 1-${MAX_MEMBER_NUMBER} members, got ${show(v)}`);
  return v.map((m, i) => memberRef(m, `${what}[${i}]`));
}

function scope(v: unknown): 'all' | { group: number | MemberRef[] } {
  if (v === undefined || v === 'all') return 'all';
  if (isRecord(v) && Object.keys(v).length === 1 && typeof v.group === 'number' && Number.isInteger(v.group) && v.group >= 1) return { group: v.group };
  if (isRecord(v) && Object.keys(v).length === 1 && Array.isArray(v.group)) return { group: refList(v.group, '"scope.group"') };
  throw new RangeError(`"scope" must be "all", {"group": N} (a group on the board) or {"group": [members]}, got ${show(v)}`);
}

function action(v: unknown): ScenarioAction {
  if (!isRecord(v)) throw new RangeError(`must be an object with an "op", got ${show(v)}`);
  switch (v.op) {
    case 'partition-halves':
    case 'heal':
      only(v, ['op']);
      return { op: v.op };
    case 'partition': {
      only(v, ['op', 'groups']);
      if (v.groups === undefined) return { op: 'partition' };
      if (!Array.isArray(v.groups) || v.groups.length < 2) throw new RangeError(`"groups" must be a list of at least 2 groups, got ${show(v.groups)}`);
      return { op: 'partition', groups: v.groups.map((g, i) => refList(g, `"groups[${i}]"`)) };
    }
    case 'isolate':
    case 'crash':
      only(v, ['op', 'member']);
      return { op: v.op, member: memberRef(v.member, '"member"') };
    case 'revive':
      only(v, ['op', 'member']);
      return v.member === undefined ? { op: 'revive' } : { op: 'revive', member: memberRef(v.member, '"member"') };
    case 'faults':
      only(v, ['op', 'faults', 'direction', 'scope']);
      return { op: 'faults', faults: parseFaults(v.faults), direction: parseDirection(v.direction), scope: scope(v.scope) };
    case 'chat-mode':
      only(v, ['op', 'mode']);
      return { op: 'chat-mode', mode: parseMode(v.mode) };
    default:
      throw new RangeError(`unknown "op" ${show(v.op)}; one of partition-halves, partition, isolate, heal, faults, crash, revive, chat-mode`);
  }
}

function text(v: unknown, what: string, min: number, max: number): string {
  if (typeof v !== 'string' || v.trim().length < min || v.length > max) throw new RangeError(`${what} must be text of ${min}-${max} characters, got ${show(v)}`);
  return v;
}

/** Every problem in the file, each with where it is, so one fix-and-reload round is enough. */
export function parseScenario(v: unknown): ParsedScenario {
  if (!isRecord(v)) return { ok: false, errors: [`a scenario must be a JSON object with name, explanation and steps, got ${show(v)}`] };
  const errors: string[] = [];
  const attempt = <T>(what: string, f: () => T): T | undefined => {
    try {
      return f();
    } catch (err) {
      errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  attempt('scenario', () => only(v, ['name', 'explanation', 'steps']));
  const name = attempt('name', () => text(v.name, '"name"', 1, SCENARIO_LIMITS.maxNameChars));
  const explanation = attempt('explanation', () => text(v.explanation ?? '', '"explanation"', 0, SCENARIO_LIMITS.maxExplanationChars));
  const { maxSteps, maxSeconds } = SCENARIO_LIMITS;
  if (!Array.isArray(v.steps) || v.steps.length === 0 || v.steps.length > maxSteps) {
    errors.push(`steps: must be a list of 1-${maxSteps} steps, got ${show(v.steps)}`);
    return { ok: false, errors };
  }
  const steps: ScenarioStep[] = [];
  let previous = 0;
  v.steps.forEach((raw: unknown, i) => {
    const where = `steps[${i}]`;
    if (!isRecord(raw)) return void errors.push(`${where}: must be {"at": seconds, "action": {...}}, got ${show(raw)}`);
    attempt(where, () => only(raw, ['at', 'action']));
    const at = attempt(`${where}.at`, () => {
      if (typeof raw.at !== 'number' || !(raw.at >= 0 && raw.at <= maxSeconds)) throw new RangeError(`must be seconds from 0 to ${maxSeconds}, got ${show(raw.at)}`);
      if (raw.at < previous) throw new RangeError(`${raw.at} s comes before the previous step's ${previous} s; list steps in time order`);
      return raw.at;
    });
    if (at !== undefined) previous = at;
    const act = attempt(`${where}.action`, () => action(raw.action));
    if (at !== undefined && act !== undefined) steps.push({ at, action: act });
  });
  if (errors.length > 0 || name === undefined || explanation === undefined) return { ok: false, errors };
  return { ok: true, scenario: { name, explanation, steps } };
}

/** A file's text as a scenario; a file that is not JSON says where it stops being JSON. */
export function parseScenarioText(textContent: string): ParsedScenario {
  if (textContent.length > SCENARIO_LIMITS.maxFileBytes) return { ok: false, errors: [`the file is over ${SCENARIO_LIMITS.maxFileBytes / 1024} KiB; a scenario is a small file`] };
  let v: unknown;
  try {
    v = JSON.parse(textContent);
  } catch (err) {
    return { ok: false, errors: [`not JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  return parseScenario(v);
}

/** The member a reference names now, or undefined if there is none (left, or never joined). */
function lookup(ref: MemberRef, members: readonly string[]): string | undefined {
  if (typeof ref === 'number') return members[ref - 1];
  return members.includes(ref) ? ref : undefined;
}

const describeRef = (ref: MemberRef): string => (typeof ref === 'number' ? `member ${ref}` : ref);

/** The room action a step means now, or why it is skipped. */
export function resolveAction(a: ScenarioAction, members: readonly string[], plan: RoomPlan): RoomAction | { readonly skip: string } {
  const ids = (refs: readonly MemberRef[]): string[] => refs.map((r) => lookup(r, members)).filter((id): id is string => id !== undefined);
  const one = (ref: MemberRef, make: (id: string) => RoomAction): RoomAction | { skip: string } => {
    const id = lookup(ref, members);
    return id === undefined ? { skip: `${describeRef(ref)} is not in the room` } : make(id);
  };
  switch (a.op) {
    case 'partition-halves':
    case 'heal':
      return { op: a.op };
    case 'partition':
      return a.groups === undefined ? { op: 'partition-groups' } : { op: 'partition', groups: a.groups.map(ids) };
    case 'isolate': {
      // The view's isolate toggles; a scenario's only ever isolates.
      const id = lookup(a.member, members);
      if (id !== undefined && plan.isolated.includes(id)) return { skip: `${describeRef(a.member)} is already isolated` };
      return one(a.member, (member) => ({ op: 'isolate', member }));
    }
    case 'crash':
      return one(a.member, (id) => ({ op: 'crash', member: id }));
    case 'revive':
      return a.member === undefined ? { op: 'revive', member: 'all' } : one(a.member, (id) => ({ op: 'revive', member: id }));
    case 'chat-mode':
      return { op: 'chat-mode', mode: a.mode };
    case 'faults': {
      const { scope: s } = a;
      if (s === 'all') return { op: 'faults', faults: a.faults, direction: a.direction, scope: 'all' };
      const group = typeof s.group === 'number' ? plan.groups[s.group - 1] : ids(s.group);
      if (group === undefined) return { skip: `there is no group ${String(s.group)} on the board` };
      return { op: 'faults', faults: a.faults, direction: a.direction, scope: { group } };
    }
  }
}
