import type { VectorClock } from './vector-clock.ts';

/**
 * A node's Lamport and vector clock, kept mutable because they change on every message: with
 * fifty members a copied 50-entry record per event dominated a simulation run. Snapshots are
 * plain records, built only when someone reads them and shared until the clock next moves.
 */
export class NodeClock {
  private lamportTime = 0;
  private readonly counts = new Map<string, number>();
  private cached: VectorClock | null = null;

  constructor(private readonly self: string) {}

  /** A local or send event. */
  tick(): void {
    this.lamportTime += 1;
    this.counts.set(this.self, (this.counts.get(this.self) ?? 0) + 1);
    this.cached = null;
  }

  /** A receive event: fast-forward past the sender's times, then count the event itself. */
  receive(lamport: number, vc: VectorClock): void {
    this.lamportTime = Math.max(this.lamportTime, lamport);
    for (const node in vc) {
      const n = vc[node] as number;
      if (n > (this.counts.get(node) ?? 0)) this.counts.set(node, n);
    }
    this.tick();
  }

  get lamport(): number {
    return this.lamportTime;
  }

  /** The live entries, for encoding without a copy. Do not keep it. */
  entries(): ReadonlyMap<string, number> {
    return this.counts;
  }

  snapshot(): VectorClock {
    if (!this.cached) {
      const out: Record<string, number> = {};
      for (const [node, n] of this.counts) out[node] = n;
      this.cached = out;
    }
    return this.cached;
  }
}
