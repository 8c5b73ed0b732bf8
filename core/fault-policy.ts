import { NO_FAULTS, applyPatch, validatePatch, type Direction, type FaultPatch, type FaultSettings } from './fault-settings.ts';
import type { FaultyLink } from './faulty-link.ts';

/**
 * The fault settings a node wants on its link to each peer, kept apart from the links
 * themselves: a partition must also cover a link that is reopened or opened later, and a
 * link replaced after a WebRTC failure must come back with the same faults.
 */
export class FaultPolicy {
  private readonly byPeer = new Map<string, { out: FaultSettings; in: FaultSettings }>();

  get(peer: string): { out: FaultSettings; in: FaultSettings } {
    return this.byPeer.get(peer) ?? { out: NO_FAULTS, in: NO_FAULTS };
  }

  set(peer: string, patch: FaultPatch, direction: Direction): void {
    const valid = validatePatch(patch);
    const current = this.get(peer);
    this.byPeer.set(peer, {
      out: direction === 'in' ? current.out : applyPatch(current.out, valid),
      in: direction === 'out' ? current.in : applyPatch(current.in, valid),
    });
  }

  clear(peer: string): void {
    this.byPeer.delete(peer);
  }

  peers(): string[] {
    return [...this.byPeer.keys()];
  }

  applyTo(peer: string, link: FaultyLink): void {
    const { out, in: inbound } = this.get(peer);
    link.setFaults(out, 'out');
    link.setFaults(inbound, 'in');
  }
}
