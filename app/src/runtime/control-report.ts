import { DELIVERY_MODES, type DeliveryMode } from '../../../core/chat.ts';
import type { Liveness } from '../../../core/membership.ts';
import { MAX_REPORT_BYTES } from '../../../signaling/control-frames.ts';
import type { LinkStats } from '../api-types.ts';
import type { ControlStats } from './control-plane.ts';

/**
 * A node's overview for the instructor view: liveness of every member as this node sees it, its
 * degree, a clock summary, per-link counters and its links (the room's topology is the union of
 * what members report). Built here, parsed by the instructor with parseNodeReport: a report
 * comes from a student's socket, so the teacher's page trusts none of it.
 */
export type Counters = readonly [sent: number, received: number, dropped: number, duplicated: number, delayed: number];

/** A type, not an interface, so it passes as the JSON object a report frame carries. */
export type NodeReport = {
  readonly name: string;
  readonly crashed: boolean;
  readonly partitioned: boolean;
  readonly mode: DeliveryMode;
  /** Open links. */
  readonly degree: number;
  /** `own`: this node's vector entry; `sum`: of all entries; `entries`: how many members the clock names. */
  readonly clock: { readonly lamport: number; readonly own: number; readonly sum: number; readonly entries: number };
  /** Every member this node knows, by its failure detector. */
  readonly members: Readonly<Record<string, Liveness>>;
  /** Peers with an open link. */
  readonly links: readonly string[];
  /** Peers this node cuts (in either direction), linked or not. */
  readonly cut: readonly string[];
  /** Per peer; left out (and only totals kept) when the report would not fit the server's limit. */
  readonly counters: Readonly<Record<string, Counters>>;
  readonly totals: Counters;
  readonly commands: ControlStats;
};

export interface ReportInputs {
  readonly self: string;
  readonly name: string;
  readonly crashed: boolean;
  readonly partitioned: boolean;
  readonly mode: DeliveryMode;
  readonly clock: { readonly lamport: number; readonly vector: Readonly<Record<string, number>> };
  readonly members: readonly { readonly id: string; readonly status: Liveness }[];
  readonly openLinks: readonly string[];
  readonly cut: readonly string[];
  readonly stats: Readonly<Record<string, LinkStats>>;
  readonly commands: ControlStats;
}

const counters = (s: LinkStats): Counters => [s.sent, s.received, s.dropped, s.duplicated, s.delayed];
const sum = (a: Counters, b: Counters): Counters => [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4]];
const bytes = (v: unknown): number => new TextEncoder().encode(JSON.stringify(v)).length;

export function buildReport(i: ReportInputs, maxBytes = MAX_REPORT_BYTES): NodeReport {
  const vector = Object.values(i.clock.vector);
  const perPeer = Object.fromEntries(Object.entries(i.stats).map(([peer, s]) => [peer, counters(s)]));
  const report: NodeReport = {
    name: i.name,
    crashed: i.crashed,
    partitioned: i.partitioned,
    mode: i.mode,
    degree: i.openLinks.length,
    clock: { lamport: i.clock.lamport, own: i.clock.vector[i.self] ?? 0, sum: vector.reduce((a, b) => a + b, 0), entries: vector.length },
    members: Object.fromEntries(i.members.filter((m) => m.id !== i.self).map((m) => [m.id, m.status])),
    links: [...i.openLinks],
    cut: [...i.cut],
    counters: perPeer,
    totals: Object.values(perPeer).reduce(sum, [0, 0, 0, 0, 0]),
    commands: i.commands,
  };
  if (bytes(report) <= maxBytes) return report;
  // Per-link counters are the bulk of a large room's report; the totals still say how busy it is.
  const lean = { ...report, counters: {} };
  if (bytes(lean) <= maxBytes) return lean;
  // Only a room far past 64 members gets here: the node's own state still fits.
  return { ...lean, members: {}, cut: [] };
}

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const LIVENESS: readonly unknown[] = ['alive', 'suspected', 'dead'];
/** Ids as the server admits them; anything else in a report is junk to drop. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;

function parseCounters(v: unknown): Counters | null {
  return Array.isArray(v) && v.length === 5 && v.every(count) ? (v as unknown as Counters) : null;
}

function ids(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && ID.test(x)) ? (v as string[]) : null;
}

/** A report as the instructor reads it, or null if anything in it is off. */
export function parseNodeReport(v: unknown): NodeReport | null {
  if (!isRecord(v)) return null;
  const { name, crashed, partitioned, mode, degree, clock, members, links, cut, totals, commands } = v;
  if (typeof name !== 'string' || name.length > 64 || typeof crashed !== 'boolean' || typeof partitioned !== 'boolean') return null;
  if (!(DELIVERY_MODES as readonly unknown[]).includes(mode) || !count(degree)) return null;
  if (!isRecord(clock) || !count(clock.lamport) || !count(clock.own) || !count(clock.sum) || !count(clock.entries)) return null;
  if (!isRecord(members) || !Object.entries(members).every(([id, s]) => ID.test(id) && LIVENESS.includes(s))) return null;
  const linkIds = ids(links);
  const cutIds = ids(cut);
  const total = parseCounters(totals);
  if (!linkIds || !cutIds || !total || !isRecord(v.counters)) return null;
  const perPeer: Record<string, Counters> = {};
  for (const [id, c] of Object.entries(v.counters)) {
    const parsed = parseCounters(c);
    if (!ID.test(id) || !parsed) return null;
    perPeer[id] = parsed;
  }
  if (!isRecord(commands) || !count(commands.applied) || !count(commands.refused) || !count(commands.lastSeq)) return null;
  return {
    name,
    crashed,
    partitioned,
    mode: mode as DeliveryMode,
    degree,
    clock: { lamport: clock.lamport, own: clock.own, sum: clock.sum, entries: clock.entries },
    members: members as Record<string, Liveness>,
    links: linkIds,
    cut: cutIds,
    counters: perPeer,
    totals: total,
    commands: { applied: commands.applied, refused: commands.refused, lastSeq: commands.lastSeq },
  };
}
