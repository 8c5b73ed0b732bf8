import { createRng, type Rng } from '../core/rng.ts';

/**
 * A seeded nemesis schedule, Jepsen style: a list of faults, each held for a few seconds and
 * then undone, with calm gaps between. Pure: the same seed and shape give the same plan, so a
 * failing run is replayed by its seed (timing in real browsers still varies; the plan does not).
 * Nodes are named by slot (0..nodes-1); a crashed slot is restarted as a new tab in its place.
 */
export type Pair = readonly [number, number];

export type Fault =
  | { readonly kind: 'halves'; readonly left: readonly number[]; readonly right: readonly number[] }
  | { readonly kind: 'isolate'; readonly node: number }
  /** Both sides reach the bridge; the sides cannot reach each other. */
  | { readonly kind: 'bridge'; readonly left: readonly number[]; readonly bridge: number; readonly right: readonly number[] }
  | { readonly kind: 'drop'; readonly links: readonly Pair[]; readonly drop: number }
  | { readonly kind: 'delay'; readonly links: readonly Pair[]; readonly delayMs: number; readonly jitterMs: number }
  /**
   * Close the tab; undoing it opens a new tab in the same browser with the same name. With
   * isolateFirstMs the node is cut off that long before it dies, so what it writes meanwhile
   * is never acknowledged and may be lost.
   */
  | { readonly kind: 'crash'; readonly node: number; readonly isolateFirstMs: number };

export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = ['halves', 'isolate', 'bridge', 'drop', 'delay', 'crash'];

export interface NemesisStep {
  /** Milliseconds from the start of the run. */
  readonly at: number;
  readonly holdMs: number;
  readonly fault: Fault;
}

export interface PlanShape {
  readonly nodes: number;
  readonly durationMs: number;
  readonly holdMs?: readonly [number, number];
  readonly calmMs?: readonly [number, number];
}

const between = (rng: Rng, [lo, hi]: readonly [number, number]): number => lo + rng.int(hi - lo + 1);

function links(rng: Rng, nodes: number): Pair[] {
  const all: Pair[] = [];
  for (let a = 0; a < nodes; a++) for (let b = a + 1; b < nodes; b++) all.push([a, b]);
  return rng.shuffle(all).slice(0, Math.max(1, Math.ceil(all.length / 3) + rng.int(Math.ceil(all.length / 3))));
}

function fault(rng: Rng, kind: FaultKind, nodes: number): Fault {
  const order = rng.shuffle(Array.from({ length: nodes }, (_, i) => i));
  const half = Math.floor(nodes / 2);
  switch (kind) {
    case 'halves':
      return { kind, left: order.slice(0, half).sort(), right: order.slice(half).sort() };
    case 'isolate':
      return { kind, node: rng.int(nodes) };
    case 'bridge': {
      const [bridge = 0, ...rest] = order;
      const cut = Math.floor(rest.length / 2);
      return { kind, bridge, left: rest.slice(0, cut).sort(), right: rest.slice(cut).sort() };
    }
    case 'drop':
      return { kind, links: links(rng, nodes), drop: Math.round((0.3 + 0.6 * rng.next()) * 100) / 100 };
    case 'delay':
      return { kind, links: links(rng, nodes), delayMs: 50 + rng.int(451), jitterMs: rng.int(101) };
    case 'crash':
      return { kind, node: rng.int(nodes), isolateFirstMs: rng.chance(0.5) ? 1000 + rng.int(1001) : 0 };
  }
}

/**
 * Faults start after a calm gap and follow one another until `durationMs`. The first ones are
 * every kind once in random order (a crash among the first three), so every run tries each;
 * then kinds are drawn at random.
 */
export function planNemesis(seed: number, shape: PlanShape): NemesisStep[] {
  if (!Number.isInteger(shape.nodes) || shape.nodes < 3) throw new RangeError(`a nemesis needs at least 3 nodes, got ${shape.nodes}`);
  const rng = createRng(seed);
  // With these defaults every kind fits once into 45 s (6 x 7 s at most, after a 2 s calm).
  const hold = shape.holdMs ?? [2500, 5000];
  const calm = shape.calmMs ?? [800, 2000];
  // A crash among the first three, so a run that falls behind its plan still restarts a tab.
  const kinds: FaultKind[] = rng.shuffle(FAULT_KINDS.filter((k) => k !== 'crash'));
  kinds.splice(rng.int(3), 0, 'crash');
  const steps: NemesisStep[] = [];
  let at = between(rng, calm);
  // Bounded: every step advances `at` by at least the shortest hold.
  while (at + hold[0] <= shape.durationMs) {
    const kind = kinds[steps.length] ?? rng.pick(FAULT_KINDS);
    const holdMs = Math.min(between(rng, hold), shape.durationMs - at);
    steps.push({ at, holdMs, fault: fault(rng, kind, shape.nodes) });
    at += holdMs + between(rng, calm);
  }
  return steps;
}

export function describeFault(f: Fault): string {
  const set = (xs: readonly number[]): string => `{${xs.join(',')}}`;
  switch (f.kind) {
    case 'halves':
      return `partition ${set(f.left)} | ${set(f.right)}`;
    case 'isolate':
      return `isolate ${f.node}`;
    case 'bridge':
      return `bridge ${set(f.left)} -${f.bridge}- ${set(f.right)}`;
    case 'drop':
      return `drop ${f.drop} on ${f.links.map(([a, b]) => `${a}-${b}`).join(' ')}`;
    case 'delay':
      return `delay ${f.delayMs}±${f.jitterMs} ms on ${f.links.map(([a, b]) => `${a}-${b}`).join(' ')}`;
    case 'crash':
      return f.isolateFirstMs > 0 ? `isolate ${f.node} for ${f.isolateFirstMs} ms, then crash it` : `crash ${f.node}`;
  }
}
