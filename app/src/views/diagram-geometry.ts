import type { Arrow, PlacedEvent, SpaceTimeModel } from '../trace/space-time-model.ts';

/**
 * Where the diagram draws things, and how the keyboard moves between events. The model says
 * what happened; this only turns lane indices and times into coordinates.
 */
export interface DiagramScale {
  laneX(lane: number): number;
  /** Vertical position of a time; time flows down. */
  y(t: number): number;
}

export type ArrowEnding = 'head' | 'cross' | 'open';

export interface ArrowShape {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** 'head' delivered, 'cross' dropped, 'open' fate unknown (not in the traces shown). */
  readonly ending: ArrowEnding;
}

/** Pixels an arrow of unknown start or end is drawn over, so it still points somewhere. */
const STUB = 14;

export function arrowShape(a: Arrow, s: DiagramScale): ArrowShape {
  const fromX = s.laneX(a.from);
  const toX = s.laneX(a.to);
  const endY = a.end.type === 'unknown' ? null : s.y(a.end.y);
  const x1 = fromX;
  const y1 = a.start.type === 'sent' ? s.y(a.start.y) : (endY ?? 0) - STUB;
  if (a.end.type === 'delivered') return { x1, y1, x2: toX, y2: s.y(a.end.y), ending: 'head' };
  if (a.end.type === 'dropped') {
    // Lost on the way out: the cross sits part way to the receiver, just after the send.
    if (a.end.where === 'out') return { x1, y1, x2: x1 + (toX - x1) * 0.4, y2: s.y(a.end.y) + STUB, ending: 'cross' };
    return { x1, y1, x2: toX, y2: s.y(a.end.y), ending: 'cross' };
  }
  return { x1, y1, x2: x1 + (toX - x1) * 0.85, y2: y1 + STUB, ending: 'open' };
}

/** A one-line description of an event, with names for node ids. */
export function describeEvent(p: PlacedEvent, nameOf: (id: string) => string): string {
  const e = p.event;
  const peer = nameOf(e.peer);
  switch (e.type) {
    case 'send':
      return `send ${e.kind} to ${peer}`;
    case 'deliver':
      return `deliver ${e.kind} from ${peer}`;
    case 'drop':
      return `drop ${e.kind} ${e.dir === 'out' ? `to ${peer}` : `from ${peer}`} (${e.detail ?? 'drop'})`;
    case 'duplicate':
      return `duplicate ${e.kind} ${e.dir === 'out' ? `to ${peer}` : `from ${peer}`}`;
    case 'delay':
      return `delay ${e.kind} ${e.dir === 'out' ? `to ${peer}` : `from ${peer}`} by ${e.detail ?? '?'} ms`;
  }
}

export type Step = 'up' | 'down' | 'left' | 'right' | 'first' | 'last';

/**
 * The event the keyboard moves to from `key`: up and down along its lane in time, left and
 * right to the nearest-in-time event on the next lane that has one; with no current event,
 * the latest. Null when the diagram has no events.
 */
export function stepEvent(model: SpaceTimeModel, key: string | null, step: Step): string | null {
  const events = model.events;
  const last = events[events.length - 1];
  if (!last) return null;
  const current = key === null ? undefined : model.byKey.get(key);
  if (step === 'first') return (events[0] as PlacedEvent).key;
  if (step === 'last' || !current) return last.key;
  const lane = events.filter((p) => p.lane === current.lane);
  const at = lane.indexOf(current);
  if (step === 'up') return (lane[Math.max(0, at - 1)] as PlacedEvent).key;
  if (step === 'down') return (lane[Math.min(lane.length - 1, at + 1)] as PlacedEvent).key;
  const dir = step === 'left' ? -1 : 1;
  for (let l = current.lane + dir; l >= 0 && l < model.lanes.length; l += dir) {
    let best: PlacedEvent | null = null;
    for (const p of events) if (p.lane === l && (best === null || Math.abs(p.y - current.y) < Math.abs(best.y - current.y))) best = p;
    if (best) return best.key;
  }
  return current.key;
}
