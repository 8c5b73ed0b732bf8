import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { decodeError, type Decoded } from './codec.ts';

/**
 * Gossip-style failure detection (van Renesse, Minsky and Hayden, 1998). Each node increments
 * its own heartbeat counter every interval and sends its whole member table to its direct
 * neighbours; a node adopts any counter higher than the one it knows. A member is alive while
 * its counter keeps rising here, suspected after `suspectAfterMs` without a rise, dead after
 * `deadAfterMs`. Chosen over SWIM's direct probing because in a partial mesh most members are
 * not neighbours: counters travel across hops, and a partition shows up on both sides as
 * counters that stop rising, with no extra probe traffic.
 */
export type Liveness = 'alive' | 'suspected' | 'dead';

export interface Member {
  readonly id: string;
  readonly name: string;
  /** The member's own counter; rises while it runs. */
  readonly heartbeat: number;
  readonly status: Liveness;
  /** Local time when the counter last rose here. */
  readonly lastRise: number;
  /**
   * The member's open links as of its latest counter, when members share their topology: every
   * node can then draw the whole mesh, not only its own links.
   */
  readonly links: readonly string[];
}

/** Table rows are updated in place: every beat raises most counters, and copies were the cost. */
type Row = { -readonly [K in keyof Member]: Member[K] };

export interface MembershipConfig {
  readonly suspectAfterMs: number;
  readonly deadAfterMs: number;
  /** A dead member is forgotten this long after it died (it is not gossiped once suspected). */
  readonly forgetAfterMs: number;
  /** Most entries in one heartbeat message; larger rooms gossip a random subset each beat. */
  readonly maxEntries: number;
}

export const DEFAULT_MEMBERSHIP: MembershipConfig = {
  suspectAfterMs: 2500,
  deadAfterMs: 6000,
  forgetAfterMs: 60_000,
  maxEntries: 256,
};

export interface HeartbeatEntry {
  readonly id: string;
  readonly name: string;
  readonly heartbeat: number;
  readonly links: readonly string[];
}

/**
 * One heartbeat message: the sender's member table, and the fingerprint of the broadcasts it
 * holds (Gossip.fingerprint), which lets its neighbours skip anti-entropy while in step with it.
 */
export interface Heartbeat {
  readonly fingerprint: number;
  readonly entries: readonly HeartbeatEntry[];
}

export class Membership {
  private readonly table = new Map<string, Row>();
  private readonly listeners = new Set<() => void>();
  /** When sweep last ran, and the latest stretch this node did not run (see sweep). */
  private lastSweep: number;
  private pause = { from: 0, to: 0 };

  constructor(
    readonly self: string,
    selfName: string,
    private readonly config: MembershipConfig,
    private readonly now: () => number,
    initialHeartbeat = 0,
  ) {
    this.lastSweep = now();
    this.table.set(self, { id: self, name: selfName, heartbeat: initialHeartbeat, status: 'alive', lastRise: this.lastSweep, links: [] });
  }

  /** Advances this node's own counter (with its current links); returns the entries to send to neighbours. */
  beat(pickSubset: (ids: string[], n: number) => string[], links: readonly string[] = []): HeartbeatEntry[] {
    const me = this.table.get(this.self) as Row;
    me.heartbeat += 1;
    me.lastRise = this.now();
    me.links = links;
    return this.entries(pickSubset);
  }

  /** The table as a heartbeat carries it, without advancing the counter (a greeting on a new link). */
  entries(pickSubset: (ids: string[], n: number) => string[]): HeartbeatEntry[] {
    // Only members this node holds alive: an entry is taken as proof of life by a node that has
    // never heard of the member. Passing on a suspected one made a tab that joined just after
    // a crash list the crashed tab alive for a suspicion timeout (e2e/failure.spec.ts).
    const gossipable = [...this.table.values()].filter((m) => m.status === 'alive');
    const chosen =
      gossipable.length <= this.config.maxEntries
        ? gossipable
        : [this.self, ...pickSubset(gossipable.map((m) => m.id).filter((id) => id !== this.self), this.config.maxEntries - 1)].map(
            (id) => this.table.get(id) as Row,
          );
    return chosen.map(({ id, name, heartbeat, links: l }) => ({ id, name, heartbeat, links: l }));
  }

  /** Merges a neighbour's table: a higher counter is proof of life. */
  merge(entries: readonly HeartbeatEntry[]): void {
    const t = this.now();
    let changed = false;
    for (const e of entries) {
      if (e.id === this.self) continue;
      const known = this.table.get(e.id);
      if (!known) {
        this.table.set(e.id, { id: e.id, name: e.name, heartbeat: e.heartbeat, status: 'alive', lastRise: t, links: e.links });
        changed = true;
      } else if (e.heartbeat > known.heartbeat) {
        if (known.status !== 'alive' || known.name !== e.name) changed = true;
        if (known.links.join() !== e.links.join()) changed = true;
        known.heartbeat = e.heartbeat;
        known.name = e.name;
        known.links = e.links;
        known.status = 'alive';
        known.lastRise = t;
      }
    }
    if (changed) this.emit();
  }

  /**
   * Re-evaluates liveness against the clock; call on every beat, `intervalMs` apart. A sweep more
   * than one interval late means this node itself did not run meanwhile (a page busy for
   * seconds, a laptop waking from sleep, a crashed node revived), and what its neighbours sent
   * in that time may still be queued, unread. That stretch does not count as their silence, as
   * Cassandra's failure detector ignores a local pause, so waking up does not suspect everyone.
   * Only the latest pause is remembered.
   */
  sweep(intervalMs = 0): void {
    const t = this.now();
    if (intervalMs > 0 && t - this.lastSweep > 2 * intervalMs) this.pause = { from: this.lastSweep + intervalMs, to: t };
    this.lastSweep = t;
    let changed = false;
    for (const m of this.table.values()) {
      if (m.id === this.self) continue;
      const paused = Math.max(0, this.pause.to - Math.max(this.pause.from, m.lastRise));
      const silent = t - m.lastRise - paused;
      if (m.status === 'dead' && silent > this.config.deadAfterMs + this.config.forgetAfterMs) {
        this.table.delete(m.id);
        changed = true;
        continue;
      }
      const status: Liveness = silent > this.config.deadAfterMs ? 'dead' : silent > this.config.suspectAfterMs ? 'suspected' : 'alive';
      if (status !== m.status) {
        m.status = status;
        changed = true;
      }
    }
    if (changed) this.emit();
  }

  /** Every known member including this node, ordered by id. */
  members(): Member[] {
    return [...this.table.values()].map((m) => ({ ...m })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: string): Member | undefined {
    const m = this.table.get(id);
    return m && { ...m };
  }

  /** The links `id` announced with its latest counter (no copy: called for every relayed message). */
  linksOf(id: string): readonly string[] | undefined {
    return this.table.get(id)?.links;
  }

  status(id: string): Liveness | undefined {
    return this.table.get(id)?.status;
  }

  /** Ids of members currently alive here, this node included. */
  alive(): string[] {
    return [...this.table.values()]
      .filter((m) => m.status === 'alive')
      .map((m) => m.id)
      .sort();
  }

  heartbeat(): number {
    return (this.table.get(this.self) as Row).heartbeat;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

const MAX_NAME = 64;
/** A tab keeps at most 64 links (the largest ?degree=); more is not a real member. */
const MAX_LINKS = 64;

/**
 * A link to a member that has an entry in the same heartbeat is written as that entry's
 * position (plus one), any other as 0 and the id. In a room of nine, full link lists of ids
 * were two thirds of a 1.4 KB heartbeat, over the 1.2 KB a data-channel packet carries, so
 * every heartbeat went out as two packets (bench:idle); as positions the table fits one.
 */
export function encodeHeartbeat({ fingerprint, entries }: Heartbeat): Uint8Array {
  const position = new Map(entries.map((m, i) => [m.id, i]));
  const e = encoding.createEncoder();
  encoding.writeUint32(e, fingerprint);
  encoding.writeVarUint(e, entries.length);
  for (const m of entries) {
    encoding.writeVarString(e, m.id);
    encoding.writeVarString(e, m.name);
    encoding.writeVarUint(e, m.heartbeat);
    encoding.writeVarUint(e, m.links.length);
    for (const l of m.links) {
      const at = position.get(l);
      encoding.writeVarUint(e, at === undefined ? 0 : at + 1);
      if (at === undefined) encoding.writeVarString(e, l);
    }
  }
  return encoding.toUint8Array(e);
}

export function decodeHeartbeat(bytes: Uint8Array, maxEntries: number): Decoded<Heartbeat> {
  try {
    // lib0 reads a uint32 past the end without complaint.
    if (bytes.length < 4) return decodeError('malformed', 'heartbeat shorter than its fingerprint');
    const d = decoding.createDecoder(bytes);
    const fingerprint = decoding.readUint32(d);
    const n = decoding.readVarUint(d);
    if (n > maxEntries) return decodeError('malformed', `heartbeat with ${n} entries exceeds ${maxEntries}`);
    const rows: { id: string; name: string; heartbeat: number; links: (string | number)[] }[] = [];
    for (let i = 0; i < n; i++) {
      const id = decoding.readVarString(d);
      const name = decoding.readVarString(d);
      const heartbeat = decoding.readVarUint(d);
      const linkCount = decoding.readVarUint(d);
      if (id.length === 0 || id.length > 256 || name.length > MAX_NAME || !Number.isSafeInteger(heartbeat) || linkCount > MAX_LINKS) {
        return decodeError('malformed', 'heartbeat entry out of range');
      }
      const links: (string | number)[] = [];
      for (let j = 0; j < linkCount; j++) {
        const at = decoding.readVarUint(d);
        if (at > n) return decodeError('malformed', `heartbeat link to entry ${at} of ${n}`);
        if (at > 0) {
          links.push(at - 1);
          continue;
        }
        const l = decoding.readVarString(d);
        if (l.length === 0 || l.length > 256) return decodeError('malformed', 'heartbeat link id out of range');
        links.push(l);
      }
      rows.push({ id, name, heartbeat, links });
    }
    if (decoding.hasContent(d)) return decodeError('malformed', 'trailing bytes after heartbeat');
    // Positions may point forward, so they are resolved once every entry's id is known.
    const entries = rows.map((r) => ({ ...r, links: r.links.map((l) => (typeof l === 'number' ? (rows[l] as (typeof rows)[number]).id : l)) }));
    return { ok: true, value: { fingerprint, entries } };
  } catch (err) {
    return decodeError('malformed', err instanceof Error ? err.message : String(err));
  }
}
