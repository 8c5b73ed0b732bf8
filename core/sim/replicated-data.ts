import type { DeliveryMode } from '../chat.ts';
import { attachReplicas, type Replicas } from '../replicas.ts';
import { compare, dominates, type VectorClock } from '../vector-clock.ts';
import { SimNetwork } from './sim-network.ts';

/**
 * Workload, nemesis and checker for the three replicated data types, in the style of a Jepsen
 * test. Every node writes chat messages, KV puts on a few shared keys and text inserts while
 * the nemesis partitions, drops, delays, duplicates and reorders; then a final heal, a quiet
 * period, and the checks. Text inserts go at either end of the text so each stays one
 * contiguous token, which makes "contains every acknowledged insert" a substring check.
 */
export interface RunOptions {
  readonly seed: number;
  readonly chatMode: DeliveryMode;
  /** Faults while the workload runs. */
  readonly noise: { drop: number; delayMs: number; jitterMs: number; duplicate: number; reorder: number };
  readonly partitions: boolean;
}

export interface Write {
  readonly key: string;
  readonly value: string;
  readonly vc: VectorClock;
}

const CONFIG = {
  heartbeatMs: 250,
  membership: { suspectAfterMs: 1000, deadAfterMs: 2500, forgetAfterMs: 60_000, maxEntries: 256 },
  gossip: { fanout: 2, maxHops: 32, antiEntropyMs: 400, maxBatch: 256, ephemeralMemory: 4096 },
};
const KEYS = ['k0', 'k1', 'k2'];

export function runReplicatedData(options: RunOptions) {
  const replicas = new Map<string, Replicas>();
  const net = new SimNetwork({
    seed: options.seed,
    nodes: 8,
    topology: { kind: 'regular', k: 4 },
    config: CONFIG,
    journal: false,
    setup: (node, _rng, scheduler) => {
      replicas.set(node.id, attachReplicas(node, scheduler, { chatMode: options.chatMode, yjsResyncMs: 2000 }));
    },
  });
  const rng = net.rng.fork();
  const ids = net.ids();
  const r = (id: string) => replicas.get(id) as Replicas;
  const chatSent: string[] = [];
  const writes: Write[] = [];
  const inserts: string[] = [];

  net.run(500);
  net.setAllFaults(options.noise);
  for (let step = 0; step < 60; step++) {
    if (options.partitions && step % 15 === 0) {
      net.heal();
      net.setAllFaults(options.noise);
      if (step < 45) {
        const shuffled = rng.shuffle(ids);
        net.partition([shuffled.slice(0, 4), shuffled.slice(4)]);
      }
    }
    const id = rng.pick(ids);
    const action = rng.int(3);
    if (action === 0) {
      chatSent.push(r(id).chat.send(`${id}#${step}`).id);
    } else if (action === 1) {
      const key = rng.pick(KEYS);
      const value = `${id}@${step}`;
      r(id).kv.put(key, value);
      const mine = r(id).kv.versions(key).find((v) => v.value === value);
      if (mine) writes.push({ key, value, vc: mine.vc });
    } else {
      const token = `<${id}.${step}>`;
      const text = r(id).yjs.text();
      text.insert(rng.chance(0.5) ? 0 : text.length, token);
      inserts.push(token);
    }
    net.run(100);
  }
  net.heal();
  net.run(8000);
  return { net, ids, replicas: r, chatSent, writes, inserts, problems: check(ids, r, chatSent, writes, inserts) };
}

export interface Problems {
  readonly causal: string[];
  readonly chat: string[];
  readonly kv: string[];
  readonly text: string[];
}

function check(ids: string[], r: (id: string) => Replicas, chatSent: string[], writes: Write[], inserts: string[]): Problems {
  const causal: string[] = [];
  const chat: string[] = [];
  const kv: string[] = [];
  const text: string[] = [];
  for (const id of ids) {
    const delivered = r(id).chat.messages();
    causal.push(...causalViolations(delivered).map((v) => `${id}: ${v}`));
    const counted = new Map<string, number>();
    for (const m of delivered) counted.set(m.id, (counted.get(m.id) ?? 0) + 1);
    for (const m of chatSent) if (counted.get(m) !== 1) chat.push(`${id} delivered ${m} ${counted.get(m) ?? 0} times`);
    if (delivered.length !== chatSent.length) chat.push(`${id} delivered ${delivered.length} of ${chatSent.length}`);
  }
  const reference = JSON.stringify(r(ids[0] as string).kv.snapshot());
  for (const id of ids) if (JSON.stringify(r(id).kv.snapshot()) !== reference) kv.push(`${id} KV differs from ${ids[0]}`);
  for (const key of KEYS) {
    const mine = writes.filter((w) => w.key === key);
    // The survivors must be exactly the writes that no other write saw (the maximal ones).
    const maximal = mine.filter((w) => !mine.some((o) => o !== w && dominates(o.vc, w.vc))).map((w) => w.value).sort();
    const got = r(ids[0] as string).kv.get(key);
    if (JSON.stringify(got) !== JSON.stringify(maximal)) kv.push(`${key}: siblings ${JSON.stringify(got)}, expected ${JSON.stringify(maximal)}`);
  }
  const first = r(ids[0] as string).yjs.text().toString();
  for (const id of ids) if (r(id).yjs.text().toString() !== first) text.push(`${id} text differs`);
  for (const token of inserts) if (!first.includes(token)) text.push(`insert ${token} missing`);
  return { causal, chat, kv, text };
}

/** Pairs delivered in an order that contradicts happened-before (a later-delivered message that the earlier one depends on). */
export function causalViolations(delivered: readonly { id: string; vc: VectorClock }[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < delivered.length; i++) {
    for (let j = i + 1; j < delivered.length; j++) {
      const a = delivered[i] as { id: string; vc: VectorClock };
      const b = delivered[j] as { id: string; vc: VectorClock };
      if (compare(b.vc, a.vc) === 'before') out.push(`${a.id} delivered before ${b.id}, which happened before it`);
    }
  }
  return out;
}
