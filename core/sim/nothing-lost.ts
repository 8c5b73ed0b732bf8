import { describe, expect, it } from 'vitest';
import { SimNetwork } from './sim-network.ts';

/**
 * The core acceptance run, in the style of a Jepsen test: a workload of broadcasts, a nemesis
 * of drops, jitter, duplicates, partitions and a crash, then a final heal, a quiet period and a
 * checker (nothing broadcast by a live node may be missing on any live node).
 */

const CONFIG = {
  shareTopology: false,
  heartbeatMs: 1000,
  membership: { suspectAfterMs: 2500, deadAfterMs: 5000, forgetAfterMs: 60_000, maxEntries: 256 },
  gossip: { fanout: 2, maxHops: 32, antiEntropyMs: 500, maxBatch: 256, ephemeralMemory: 4096 },
};

const NOISE = { drop: 0.3, jitterMs: 200, duplicate: 0.1 };
/** A broadcast every STEP_MS for WORKLOAD_MS: 40 broadcasts, checked on 50 nodes = 2000 deliveries a seed. */
const WORKLOAD_MS = 4800;
const STEP_MS = 120;
const QUIET_MS = 3500;

export function runNothingLost(seed: number) {
  const net = new SimNetwork({ seed, nodes: 50, topology: { kind: 'regular', k: 4 }, latencyMs: 5, config: CONFIG, journal: false });
  const rng = net.rng.fork();
  const ids = net.ids();
  const sent: { origin: string; seq: number }[] = [];
  const delivered = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  for (const id of ids) net.node(id).gossip.onBroadcast('chat', (m) => delivered.get(id)?.add(m.id));

  net.run(500);
  net.setAllFaults(NOISE);
  const victim = rng.pick(ids);
  const crashAt = 1000 + rng.int(2000);
  const restartAt = crashAt + 2000 + rng.int(1500);
  let partitioned = false;
  for (let t = 0; t < WORKLOAD_MS; t += STEP_MS) {
    if (t === crashAt - (crashAt % STEP_MS)) net.crash(victim);
    if (t === restartAt - (restartAt % STEP_MS)) net.restart(victim);
    if (t % 1000 === 0) {
      // Every second the nemesis either splits the nodes in two random groups or heals them.
      if (partitioned || rng.chance(0.5)) {
        net.heal();
        net.setAllFaults(NOISE);
        partitioned = false;
      } else {
        const shuffled = rng.shuffle(ids);
        const cut = 10 + rng.int(30);
        net.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
        partitioned = true;
      }
    }
    const running = net.running();
    const origin = rng.pick(running);
    const m = net.node(origin).gossip.broadcast('chat', new TextEncoder().encode(`${origin}@${t}`));
    sent.push({ origin, seq: m.seq });
    net.run(STEP_MS);
  }
  net.restart(victim);
  net.heal();
  net.run(QUIET_MS);

  const missing: string[] = [];
  for (const id of net.running()) {
    const got = delivered.get(id) as Set<string>;
    for (const s of sent) if (!got.has(`${s.origin}:${s.seq}`)) missing.push(`${id} lacks ${s.origin}:${s.seq}`);
  }
  return { net, sent, missing, victim };
}

/**
 * Registers one vitest case running `count` seeds from `base`. The 200 acceptance seeds are
 * spread over four test files so vitest runs them on both cores; TABMESH_SEED_BASE and
 * TABMESH_SEEDS replay a chosen range instead (each file then runs it once).
 */
export function nothingLostSuite(base: number, count: number): void {
  const envBase = process.env.TABMESH_SEED_BASE;
  const from = envBase === undefined ? base : Number(envBase);
  const seeds = envBase === undefined ? count : Number(process.env.TABMESH_SEEDS ?? 1);
  describe('gossip under a nemesis: nothing acknowledged is lost', () => {
    it(`${seeds} seeds from ${from}: every broadcast reaches every live node after the final heal`, () => {
      for (let seed = from; seed < from + seeds; seed++) {
        const { missing, sent } = runNothingLost(seed);
        expect(sent.length).toBe(WORKLOAD_MS / STEP_MS);
        expect(missing, `seed ${seed} (rerun: TABMESH_SEED_BASE=${seed} TABMESH_SEEDS=1 npx vitest run core/sim/nothing-lost-a)`).toEqual([]);
      }
    }, 600_000);
  });
}
