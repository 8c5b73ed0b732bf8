import type { Direction, FaultPatch } from '../fault-settings.ts';
import { createJournal, type Journal } from '../journal.ts';
import { TabmeshNode, type NodeConfigInput } from '../node.ts';
import { createRng, type Rng } from '../rng.ts';
import { createSimWire } from './sim-link.ts';
import { buildEdges, type Edge, type Topology } from './topology.ts';
import { createVirtualScheduler, type VirtualScheduler } from './virtual-scheduler.ts';

export interface SimNetworkOptions {
  readonly seed: number;
  /** Node count (ids n00, n01, ...) or explicit ids. */
  readonly nodes: number | readonly string[];
  readonly topology?: Topology;
  /** One-way latency of every wire, before injected faults. */
  readonly latencyMs?: number;
  readonly config?: NodeConfigInput;
  /** Keep a journal of every message event (default true; large checker-only runs turn it off). */
  readonly journal?: boolean;
  /** Called once per node after creation: attach protocols (chat, kv, yjs) here. */
  readonly setup?: (node: TabmeshNode, rng: Rng, scheduler: VirtualScheduler) => void;
}

/**
 * N tabmesh nodes on simulated wires, one virtual clock and one seeded RNG: the same seed gives
 * the same run, byte for byte. The nemesis methods only change fault settings on the nodes'
 * own links (and crash/restart nodes), exactly what a tab's control panel or an instructor does.
 */
export class SimNetwork {
  readonly scheduler: VirtualScheduler = createVirtualScheduler();
  readonly rng: Rng;
  readonly journal: Journal | null;
  readonly nodes = new Map<string, TabmeshNode>();
  readonly edges: readonly Edge[];
  private readonly latencyMs: number;

  constructor(options: SimNetworkOptions) {
    this.rng = createRng(options.seed);
    this.latencyMs = options.latencyMs ?? 5;
    this.journal = options.journal === false ? null : createJournal();
    const ids = typeof options.nodes === 'number' ? Array.from({ length: options.nodes }, (_, i) => `n${String(i).padStart(2, '0')}`) : options.nodes.slice();
    if (new Set(ids).size !== ids.length) throw new RangeError('node ids must be unique');
    this.edges = buildEdges(ids, options.topology ?? { kind: 'full' }, this.rng);
    for (const id of ids) {
      const nodeRng = this.rng.fork();
      const node = new TabmeshNode({ id, name: id, scheduler: this.scheduler, rng: nodeRng, journal: this.journal, config: options.config ?? {} });
      options.setup?.(node, nodeRng.fork(), this.scheduler);
      this.nodes.set(id, node);
    }
    for (const node of this.nodes.values()) node.start();
    for (const [a, b] of this.edges) this.connect(a, b);
  }

  node(id: string): TabmeshNode {
    const node = this.nodes.get(id);
    if (!node) throw new RangeError(`no node ${id}`);
    return node;
  }

  ids(): string[] {
    return [...this.nodes.keys()];
  }

  /** Ids of nodes that are running (not crashed). */
  running(): string[] {
    return this.ids().filter((id) => this.node(id).running);
  }

  neighboursOf(id: string): string[] {
    return this.edges.flatMap(([a, b]) => (a === id ? [b] : b === id ? [a] : []));
  }

  run(ms: number): void {
    this.scheduler.runFor(ms);
  }

  /** Every node cuts its links to every node outside its own group. Nodes in no group keep all links. */
  partition(groups: readonly (readonly string[])[]): void {
    const groupOf = new Map<string, number>();
    groups.forEach((g, i) => g.forEach((id) => groupOf.set(id, i)));
    for (const [id, node] of this.nodes) {
      const mine = groupOf.get(id);
      if (mine === undefined) continue;
      node.partition(this.ids().filter((other) => groupOf.has(other) && groupOf.get(other) !== mine));
    }
  }

  /** Clears every fault on every node. */
  heal(): void {
    for (const node of this.nodes.values()) node.heal();
  }

  isolate(id: string): void {
    this.partition([[id], this.ids().filter((other) => other !== id)]);
  }

  /** Faults on `from`'s end of its link to `to`. */
  setFaults(from: string, to: string, patch: FaultPatch, direction: Direction = 'both'): void {
    this.node(from).setFaults(to, patch, direction);
  }

  /**
   * The same faults on both ends of every wire. 'out' (the default) makes each message cross
   * exactly one faulty lane, so a drop of 0.3 loses 30 % of messages, not 51 %.
   */
  setAllFaults(patch: FaultPatch, direction: Direction = 'out'): void {
    for (const [a, b] of this.edges) {
      this.node(a).setFaults(b, patch, direction);
      this.node(b).setFaults(a, patch, direction);
    }
  }

  crash(id: string): void {
    this.node(id).stop();
  }

  /** Restarts a crashed node with its durable state and reconnects its wires to running neighbours. */
  restart(id: string): void {
    const node = this.node(id);
    if (node.running) return;
    node.start();
    for (const other of this.neighboursOf(id)) if (this.node(other).running) this.connect(id, other);
  }

  private connect(a: string, b: string): void {
    const [endA, endB] = createSimWire(this.scheduler, a, b, this.latencyMs);
    this.node(a).attach(endA);
    this.node(b).attach(endB);
  }
}
