import type { PlacedEvent, SpaceTimeModel } from './space-time-model.ts';

/**
 * The causal past and future of one event among those a model shows: what could have
 * influenced it, and what it could influence. Events in neither are concurrent with it (or,
 * for a multicast, are the same tick: its sends to the other peers).
 */
export interface CausalCone {
  readonly past: ReadonlySet<string>;
  readonly future: ReadonlySet<string>;
}

/**
 * Whether a happened before b, by vector clocks. A send or delivery is before b when b has
 * seen its tick (for two sends or deliveries, exactly compare(a.vc, b.vc) === 'before'). A
 * drop, duplicate or delay record is no tick of its node's clock: nothing on any lane took
 * notice of it (the receiver's clock never saw a dropped message), so it is before nothing,
 * and after what it had seen — its send and what came before on its own lane.
 */
export function happenedBefore(a: PlacedEvent, b: PlacedEvent): boolean {
  if (a.tick === null || a.tick < 1) return false;
  if (b.tick === a.tick && b.event.node === a.event.node) return false;
  const seen = Object.hasOwn(b.knows, a.event.node) ? (b.knows[a.event.node] ?? 0) : 0;
  return seen >= a.tick;
}

/** Throws RangeError for a key the model does not show (filtered out, or never there). */
export function causalCone(model: SpaceTimeModel, eventKey: string): CausalCone {
  const x = model.byKey.get(eventKey);
  if (!x) throw new RangeError(`no event ${eventKey} in this diagram`);
  const past = new Set<string>();
  const future = new Set<string>();
  for (const e of model.events) {
    if (e === x) continue;
    if (happenedBefore(e, x)) past.add(e.key);
    else if (happenedBefore(x, e)) future.add(e.key);
  }
  return { past, future };
}
