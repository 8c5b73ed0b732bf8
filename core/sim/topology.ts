import type { Rng } from '../rng.ts';

export type Edge = readonly [string, string];

export type Topology =
  | { readonly kind: 'full' }
  | { readonly kind: 'ring' }
  /** Every node has exactly k neighbours, chosen at random (n * k must be even, k < n). */
  | { readonly kind: 'regular'; readonly k: number }
  | { readonly kind: 'custom'; readonly edges: readonly Edge[] };

export function buildEdges(ids: readonly string[], topology: Topology, rng: Rng): Edge[] {
  const n = ids.length;
  switch (topology.kind) {
    case 'full': {
      const edges: Edge[] = [];
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([ids[i] as string, ids[j] as string]);
      return edges;
    }
    case 'ring':
      if (n < 2) return [];
      if (n === 2) return [[ids[0] as string, ids[1] as string]];
      return ids.map((id, i) => [id, ids[(i + 1) % n] as string] as const);
    case 'regular':
      return randomRegular(ids, topology.k, rng);
    case 'custom': {
      const known = new Set(ids);
      for (const [a, b] of topology.edges) {
        if (!known.has(a) || !known.has(b) || a === b) throw new RangeError(`custom edge ${a}-${b} names an unknown node or a self-loop`);
      }
      return topology.edges.slice();
    }
  }
}

/**
 * A random k-regular graph by pairing stubs (Steger and Wormald): k stubs per node, each step
 * joins two random stubs that form neither a self-loop nor a double edge, restarting on a dead
 * end. Plain all-at-once pairing almost never succeeds for k = 8. Connectedness is checked too,
 * because a disconnected "mesh" would make every gossip test meaningless.
 */
function randomRegular(ids: readonly string[], k: number, rng: Rng): Edge[] {
  const n = ids.length;
  if (!Number.isInteger(k) || k < 1 || k >= n || (n * k) % 2 !== 0) {
    throw new RangeError(`no ${k}-regular graph on ${n} nodes (need 1 <= k < n and n*k even)`);
  }
  const key = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);
  for (let attempt = 0; attempt < 200; attempt++) {
    const stubs = ids.flatMap((id) => Array<string>(k).fill(id));
    const seen = new Set<string>();
    const edges: Edge[] = [];
    while (stubs.length > 0) {
      let joined = false;
      for (let tries = 0; tries < 50 && !joined; tries++) {
        const i = rng.int(stubs.length);
        const j = rng.int(stubs.length);
        const a = stubs[i] as string;
        const b = stubs[j] as string;
        if (i === j || a === b || seen.has(key(a, b))) continue;
        seen.add(key(a, b));
        edges.push([a, b]);
        // Remove the higher index first so the lower one stays valid.
        stubs.splice(Math.max(i, j), 1);
        stubs.splice(Math.min(i, j), 1);
        joined = true;
      }
      if (!joined) break;
    }
    if (stubs.length === 0 && connected(ids, edges)) return edges;
  }
  throw new Error(`could not build a connected ${k}-regular graph on ${n} nodes`);
}

function connected(ids: readonly string[], edges: readonly Edge[]): boolean {
  const adj = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [a, b] of edges) {
    adj.get(a)?.push(b);
    adj.get(b)?.push(a);
  }
  const seen = new Set<string>([ids[0] as string]);
  const stack = [ids[0] as string];
  while (stack.length > 0) {
    for (const next of adj.get(stack.pop() as string) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen.size === ids.length;
}
