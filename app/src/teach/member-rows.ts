import type { Member } from '../net/signaling-protocol.ts';
import type { Counters, NodeReport } from '../runtime/control-report.ts';
import { groupOf, type RoomPlan } from './room-plan.ts';

/**
 * The instructor's member table, one row per member in join order, from the latest reports.
 * Liveness has two sides: whether the member itself still reports (its control-plane socket),
 * and whether the others' failure detectors see it alive (its data plane).
 */
export type Presence = 'up' | 'crashed' | 'silent' | 'waiting';

export interface ReceivedReport {
  readonly report: NodeReport;
  /** When it arrived, in the page's clock. */
  readonly at: number;
}

export interface MemberRow {
  readonly id: string;
  readonly name: string;
  /** 1-based, as scenarios name members. */
  readonly number: number;
  /** Board group, 0-based. */
  readonly group: number;
  readonly isolated: boolean;
  readonly presence: Presence;
  /** How many other reporting members list this one alive, out of how many report at all. */
  readonly aliveFor: number;
  readonly reporters: number;
  readonly degree: number | null;
  readonly clock: NodeReport['clock'] | null;
  readonly totals: Counters | null;
  readonly mode: NodeReport['mode'] | null;
}

/** A member whose report is this late has lost its signaling socket, or its tab is frozen. */
export const SILENT_AFTER_MS = 3500;

export function memberRows(members: readonly Member[], reports: ReadonlyMap<string, ReceivedReport>, plan: RoomPlan, now: number): MemberRow[] {
  return members.map((m, i) => {
    const got = reports.get(m.id);
    const others = members.filter((o) => o.id !== m.id && reports.has(o.id));
    const aliveFor = others.filter((o) => reports.get(o.id)?.report.members[m.id] === 'alive').length;
    const presence: Presence = !got ? 'waiting' : got.report.crashed ? 'crashed' : now - got.at > SILENT_AFTER_MS ? 'silent' : 'up';
    return {
      id: m.id,
      name: m.name,
      number: i + 1,
      group: groupOf(plan, m.id),
      isolated: plan.isolated.includes(m.id),
      presence,
      aliveFor,
      reporters: others.length,
      degree: got?.report.degree ?? null,
      clock: got?.report.clock ?? null,
      totals: got?.report.totals ?? null,
      mode: got?.report.mode ?? null,
    };
  });
}
