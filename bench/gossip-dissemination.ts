import { SimNetwork } from '../core/sim/sim-network.ts';

/**
 * One broadcast through a simulated mesh, measured in rounds: each hop takes one round (the
 * wire latency) and anti-entropy runs once per round, so "rounds" is the time until the last
 * node has the message divided by the round length.
 */
export interface DisseminationRun {
  readonly n: number;
  readonly fanout: number;
  readonly degree: number;
  readonly seed: number;
  /** Forward to every neighbour on first receipt, no anti-entropy (the baseline). */
  readonly flood?: boolean;
}

export interface DisseminationResult {
  readonly rounds: number;
  /** Messages that carried the broadcast (pushes and repairs), per node. */
  readonly messagesPerNode: number;
  /** Anti-entropy digests per node until the last node had it. */
  readonly digestsPerNode: number;
  readonly reachedAll: boolean;
}

const ROUND_MS = 100;

export function disseminate(run: DisseminationRun): DisseminationResult {
  const { n, fanout, degree, seed, flood = false } = run;
  const net = new SimNetwork({
    seed,
    nodes: Array.from({ length: n }, (_, i) => `n${i}`),
    topology: { kind: 'regular', k: Math.min(degree, n - 1 - ((n - 1) % 2 === 0 ? 0 : 0)) },
    latencyMs: ROUND_MS,
    journal: false,
    config: {
      // Membership is not under test here: heartbeats effectively off. Classic gossip: the origin
      // pushes to `fanout` neighbours too (tabmesh tabs push their own broadcasts to all).
      heartbeatMs: 1e9,
      gossip: { fanout: flood ? degree : fanout, originFanout: flood ? degree : fanout, maxHops: 64, antiEntropyMs: flood ? 1e9 : ROUND_MS, maxBatch: 256, ephemeralMemory: 16 },
    },
  });
  // Let the wires open (one latency) before the broadcast.
  net.run(ROUND_MS + 1);
  const have = new Set<string>();
  let lastAt = 0;
  const start = net.scheduler.now();
  for (const id of net.ids()) {
    net.node(id).gossip.onBroadcast('chat', () => {
      have.add(id);
      lastAt = net.scheduler.now();
    });
  }
  const before = totals(net);
  const origin = net.ids()[0] as string;
  net.node(origin).gossip.broadcast('chat', new Uint8Array(8));
  for (let r = 0; r < 200 && have.size < n; r++) net.run(ROUND_MS);
  const after = totals(net);
  return {
    rounds: Math.ceil((lastAt - start) / ROUND_MS - 1e-9),
    messagesPerNode: (after.carried - before.carried) / n,
    digestsPerNode: (after.digests - before.digests) / n,
    reachedAll: have.size === n,
  };
}

function totals(net: SimNetwork): { carried: number; digests: number } {
  let carried = 0;
  let digests = 0;
  for (const id of net.ids()) {
    const s = net.node(id).gossip.stats;
    carried += s.forwarded + s.repaired;
    digests += s.digests;
  }
  return { carried, digests };
}
