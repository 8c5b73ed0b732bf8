import type { MessageKind } from '../../../core/envelope.ts';
import type { JournalEvent } from '../../../core/journal.ts';
import { merge, type VectorClock } from '../../../core/vector-clock.ts';
import { matchArrows, type Arrow } from './space-time-arrows.ts';

export type { Arrow, ArrowEnd, ArrowStart } from './space-time-arrows.ts';
export { causalCone, type CausalCone } from './causal-cone.ts';

/**
 * The model behind the space-time diagram: one lane per node, each journal event a point on
 * its node's lane at its time, and each message an arrow from its send to its delivery — or
 * to a cross where it was dropped, or to the edge of a lane whose trace we do not have. Pure
 * data; the view only scales and draws it.
 *
 * Input is the local journal plus what other nodes shared (core/trace-share.ts), so the same
 * message appears as a send in one trace and a delivery in another, and either may be absent.
 */
export interface SpaceTimeOptions {
  /** Show only these kinds (all when absent). */
  readonly kinds?: ReadonlySet<MessageKind>;
  /** Show only events in [from, to] (ms) and the arrows crossing it. */
  readonly window?: { readonly from: number; readonly to: number };
  /** Lane order: as first seen in the input (default), by id, or these ids first, then the rest as first seen. */
  readonly lanes?: 'first-seen' | 'sorted' | readonly string[];
}

export interface Lane {
  readonly node: string;
  readonly index: number;
  /** False when none of the node's own events is in the input (its trace was not shared). */
  readonly traced: boolean;
}

export interface PlacedEvent {
  /** `${node}#${n}`: unique, since each node's events come from its own journal. */
  readonly key: string;
  readonly lane: number;
  /** The event's time; the view maps it to a vertical position. */
  readonly y: number;
  readonly event: JournalEvent;
  /**
   * What this event had seen, as a vector clock. For a send or delivery it is its clock. A
   * drop, duplicate or delay is recorded with the clock of the send it happened to (the
   * sender's, even on the receiving lane), so what it had seen is that clock joined with the
   * clock of the last send or delivery before it on its own lane.
   */
  readonly knows: VectorClock;
  /** The tick of its node's clock a send or delivery is; null for drop, duplicate and delay records, which are no ticks. */
  readonly tick: number | null;
}

export interface SpaceTimeModel {
  readonly lanes: readonly Lane[];
  /** Events passing the filters, by time, then lane. */
  readonly events: readonly PlacedEvent[];
  readonly arrows: readonly Arrow[];
  readonly byKey: ReadonlyMap<string, PlacedEvent>;
  /** Earliest and latest time among the shown events and arrow ends; null when nothing is shown. */
  readonly span: { readonly from: number; readonly to: number } | null;
}

export const eventKey = (e: JournalEvent): string => `${e.node}#${e.n}`;
const isTick = (e: JournalEvent): boolean => e.type === 'send' || e.type === 'deliver';
const own = (vc: VectorClock, node: string): number => (Object.hasOwn(vc, node) ? (vc[node] ?? 0) : 0);

export function buildSpaceTime(input: readonly JournalEvent[], options: SpaceTimeOptions = {}): SpaceTimeModel {
  // A node's events may reach us twice (its trace shared, and the simulator's shared journal): keep one.
  const unique = new Map<string, JournalEvent>();
  for (const e of input) if (!unique.has(eventKey(e))) unique.set(eventKey(e), e);
  const all = [...unique.values()];
  const lanes = laneOrder(all, options.lanes ?? 'first-seen');
  const laneOf = new Map(lanes.map((l) => [l.node, l.index]));

  const placed = placeAll(all, laneOf);
  const kinds = options.kinds;
  const shown = kinds ? placed.filter((p) => kinds.has(p.event.kind)) : placed;
  let arrows = matchArrows(shown, laneOf);
  let events = shown;
  const window = options.window;
  if (window) {
    events = shown.filter((p) => p.y >= window.from && p.y <= window.to);
    arrows = arrows.filter((a) => {
      const ys = arrowYs(a);
      return Math.min(...ys) <= window.to && Math.max(...ys) >= window.from;
    });
  }
  events = events.slice().sort((a, b) => a.y - b.y || a.lane - b.lane || a.event.n - b.event.n);
  // A loop, not Math.min(...ys): a spread of a hundred thousand times overflows the stack.
  let span: { from: number; to: number } | null = null;
  for (const y of [...events.map((p) => p.y), ...arrows.flatMap(arrowYs)]) {
    span = span === null ? { from: y, to: y } : { from: Math.min(span.from, y), to: Math.max(span.to, y) };
  }
  return { lanes, events, arrows, byKey: new Map(events.map((p) => [p.key, p])), span };
}

function arrowYs(a: Arrow): number[] {
  return [...(a.start.type === 'sent' ? [a.start.y] : []), ...(a.end.type === 'unknown' ? [] : [a.end.y])];
}

function laneOrder(events: readonly JournalEvent[], order: NonNullable<SpaceTimeOptions['lanes']>): Lane[] {
  const seen: string[] = [];
  const known = new Set<string>();
  const traced = new Set<string>();
  const add = (node: string): void => {
    if (!known.has(node)) {
      known.add(node);
      seen.push(node);
    }
  };
  for (const e of events) {
    traced.add(e.node);
    add(e.node);
    add(e.peer);
  }
  let nodes = seen;
  if (order === 'sorted') nodes = [...seen].sort();
  else if (Array.isArray(order)) nodes = [...new Set([...order, ...seen])];
  return nodes.map((node, index) => ({ node, index, traced: traced.has(node) }));
}

/** Places every event, with its causal position read from its own lane in journal order. */
function placeAll(events: readonly JournalEvent[], laneOf: ReadonlyMap<string, number>): PlacedEvent[] {
  const byNode = new Map<string, JournalEvent[]>();
  for (const e of events) {
    let list = byNode.get(e.node);
    if (!list) byNode.set(e.node, (list = []));
    list.push(e);
  }
  const out: PlacedEvent[] = [];
  for (const [node, list] of byNode) {
    list.sort((a, b) => a.n - b.n);
    let previous: VectorClock | null = null;
    for (const e of list) {
      const tick = isTick(e);
      const knows = tick || previous === null ? e.vc : merge(e.vc, previous);
      if (tick) previous = e.vc;
      out.push({ key: eventKey(e), lane: laneOf.get(node) ?? 0, y: e.t, event: e, knows, tick: tick ? own(e.vc, node) : null });
    }
  }
  return out;
}
