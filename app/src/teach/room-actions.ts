import type { DeliveryMode } from '../../../core/chat.ts';
import type { Direction, FaultPatch } from '../../../core/fault-settings.ts';
import type { NodeCommand } from '../runtime/control-commands.ts';
import { addMember, halves, moveMember, partitionGroups, reconcile, type RoomPlan } from './room-plan.ts';

/**
 * What the instructor does to the room, from a button or a scenario step, turned into the plan
 * that follows and the commands to send. Members are ids of members present now; actions that
 * name a member who has gone are skipped with a note, never sent (the server would refuse a
 * command naming a non-member, whole).
 */
export type RoomAction =
  | { readonly op: 'partition-groups' }
  | { readonly op: 'partition-halves' }
  /** Explicit groups: absent ids are dropped, present members left out are placed by the late-joiner rule. */
  | { readonly op: 'partition'; readonly groups: readonly (readonly string[])[] }
  /** Toggles: an isolated member rejoins its group. */
  | { readonly op: 'isolate'; readonly member: string }
  | { readonly op: 'move'; readonly member: string; readonly group: number }
  | { readonly op: 'heal' }
  | { readonly op: 'faults'; readonly faults: FaultPatch; readonly direction: Direction; readonly scope: 'all' | { readonly group: readonly string[] } }
  | { readonly op: 'crash'; readonly member: string }
  /** `all` revives whoever is crashed. */
  | { readonly op: 'revive'; readonly member: string | 'all' }
  | { readonly op: 'chat-mode'; readonly mode: DeliveryMode };

export interface Outgoing {
  readonly to: 'all' | readonly string[];
  readonly command: NodeCommand;
}

export interface Outcome {
  readonly plan: RoomPlan;
  readonly send: readonly Outgoing[];
  /** Why nothing (or less) was sent, for the log. */
  readonly note?: string;
}

/** The partition command that puts `plan` in force, or nothing in an empty room. */
export function partitionOutgoing(plan: RoomPlan, members: readonly string[]): Outgoing[] {
  const groups = partitionGroups(plan, members);
  return groups.length === 0 ? [] : [{ to: 'all', command: { op: 'partition', groups } }];
}

function inForce(plan: RoomPlan, members: readonly string[]): Outcome {
  const next = { ...plan, inForce: true };
  return { plan: next, send: partitionOutgoing(next, members) };
}

const gone = (plan: RoomPlan, member: string): Outcome => ({ plan, send: [], note: `${member} is not in the room; skipped` });

export function perform(plan: RoomPlan, members: readonly string[], action: RoomAction): Outcome {
  const present = (id: string): boolean => members.includes(id);
  switch (action.op) {
    case 'partition-groups':
      return inForce({ ...plan, partitioned: true }, members);
    case 'partition-halves':
      return inForce({ ...halves(plan, members), partitioned: true }, members);
    case 'partition': {
      const groups = action.groups.map((g) => g.filter(present));
      const next: RoomPlan = { ...plan, groups: groups.length >= 2 ? groups : [...groups, []], partitioned: true };
      return inForce(reconcile(next, members), members);
    }
    case 'isolate': {
      if (!present(action.member)) return gone(plan, action.member);
      const isolated = plan.isolated.includes(action.member) ? plan.isolated.filter((m) => m !== action.member) : [...plan.isolated, action.member];
      return inForce({ ...plan, isolated }, members);
    }
    case 'move': {
      if (!present(action.member)) return gone(plan, action.member);
      const next = moveMember(plan, action.member, action.group);
      // While the board is in force, it is the partition: a move takes effect at once.
      return next.partitioned && next.inForce ? inForce(next, members) : { plan: next, send: [] };
    }
    case 'heal':
      return { plan: { ...plan, partitioned: false, isolated: [], inForce: false }, send: [{ to: 'all', command: { op: 'heal' } }] };
    case 'faults': {
      const scope = action.scope === 'all' ? 'all' : { group: action.scope.group.filter(present) };
      if (scope !== 'all' && scope.group.length === 0) return { plan, send: [], note: 'nobody of that group is in the room; skipped' };
      return { plan, send: [{ to: 'all', command: { op: 'faults', faults: action.faults, direction: action.direction, scope } }] };
    }
    case 'crash':
      return present(action.member) ? { plan, send: [{ to: [action.member], command: { op: 'crash' } }] } : gone(plan, action.member);
    case 'revive':
      if (action.member === 'all') return { plan, send: [{ to: 'all', command: { op: 'revive' } }] };
      return present(action.member) ? { plan, send: [{ to: [action.member], command: { op: 'revive' } }] } : gone(plan, action.member);
    case 'chat-mode':
      return { plan, send: [{ to: 'all', command: { op: 'chat-mode', mode: action.mode } }] };
  }
}

/** A member joined: placed by the late-joiner rule, and the partition sent again if one stands. */
export function memberJoined(plan: RoomPlan, members: readonly string[], id: string): Outcome {
  const next = addMember(plan, id);
  return { plan: next, send: next.inForce ? partitionOutgoing(next, members) : [] };
}
