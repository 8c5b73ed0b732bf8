import type { LinkState } from './link.ts';
import type { Rng } from './rng.ts';

/**
 * Which links a node should open or close, decided from a snapshot; the mesh manager applies it.
 *
 * A room of at most degree + 1 nodes is a full mesh. A larger room is a random partial mesh:
 * each node tops up toward `degree` links on every plan (not only when a link closes), so a
 * room never stays stuck below its target.
 *
 * Glare: of two nodes, only the smaller id (string order) makes the WebRTC offer. The other
 * side still counts a planned link as wanted: the manager creates the answering end and asks
 * the initiator, through signaling, to offer. Both ends must agree for a link to exist, so an
 * answering node admits offers up to degree + ACCEPT_SLACK (see shouldAccept): a little above
 * its own target, so initiators are not starved by nodes that have just filled up, yet bounded.
 * A request that is never answered ends as a connect timeout, backs off, and frees the slot.
 */
export const ACCEPT_SLACK = 2;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;

export interface LinkInfo {
  readonly state: LinkState;
  /** When the link entered its current state. */
  readonly since: number;
}

export interface Backoff {
  /** Consecutive failed attempts. */
  readonly failures: number;
  /** No new attempt before this time. */
  readonly retryAt: number;
}

export interface PlanInput {
  readonly self: string;
  /** Live members known from signaling or membership; self may be included. */
  readonly members: readonly string[];
  readonly links: ReadonlyMap<string, LinkInfo>;
  readonly degree: number;
  readonly backoff: ReadonlyMap<string, Backoff>;
  readonly now: number;
  readonly rng: Rng;
  readonly connectTimeoutMs?: number;
}

export interface Plan {
  /** Create a link to each (offering if isInitiator, else answering and asking for an offer). */
  readonly connect: string[];
  /** Close each of these links. */
  readonly disconnect: string[];
  /** New backoff entries for links that timed out; merge them into the manager's map. */
  readonly backoff: ReadonlyMap<string, Backoff>;
}

/** The node that sends the WebRTC offer for a pair, the same answer on both sides. */
export const isInitiator = (self: string, other: string): boolean => self < other;

/** Delay before retry number `failures` (1 = after the first failure): exponential, capped, jittered. */
export function nextBackoff(failures: number, rng: Rng): number {
  if (!Number.isSafeInteger(failures) || failures < 1) throw new RangeError(`failures must be a positive integer, got ${failures}`);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 30));
  // Half fixed, half random: retries still grow, but peers that failed together spread apart.
  return ceiling / 2 + rng.next() * (ceiling / 2);
}

/** The backoff entry after one more failure. */
export function recordFailure(previous: Backoff | undefined, now: number, rng: Rng): Backoff {
  const failures = (previous?.failures ?? 0) + 1;
  return { failures, retryAt: now + nextBackoff(failures, rng) };
}

/** Whether to admit a link that `from` started (its offer, or its request for one), given the links held. */
export function shouldAccept(links: ReadonlyMap<string, LinkInfo>, degree: number, from: string): boolean {
  const live = [...links].filter(([id, l]) => id !== from && l.state !== 'closed').length;
  return live < degree + ACCEPT_SLACK;
}

export function planMesh(input: PlanInput): Plan {
  const { self, links, degree, backoff, now, rng } = input;
  const connectTimeoutMs = input.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (!Number.isSafeInteger(degree) || degree < 1) throw new RangeError(`degree must be a positive integer, got ${degree}`);
  if (!(connectTimeoutMs > 0)) throw new RangeError(`connectTimeoutMs must be positive, got ${connectTimeoutMs}`);

  // Sorted so that the plan depends on the set of members and the rng, not on input order.
  const members = [...new Set(input.members)].filter((id) => id !== self).sort();
  const memberSet = new Set(members);
  const disconnect: string[] = [];
  const failed = new Map<string, Backoff>();
  const live: [string, LinkInfo][] = [];

  for (const [id, link] of [...links].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (link.state === 'closed') continue;
    if (!memberSet.has(id)) {
      disconnect.push(id);
    } else if (link.state === 'connecting' && now - link.since > connectTimeoutMs) {
      disconnect.push(id);
      failed.set(id, recordFailure(backoff.get(id), now, rng));
    } else {
      live.push([id, link]);
    }
  }

  const blocked = (id: string): boolean => {
    const b = failed.get(id) ?? backoff.get(id);
    return b !== undefined && b.retryAt > now;
  };
  const liveIds = new Set(live.map(([id]) => id));
  const candidates = members.filter((id) => !liveIds.has(id) && !blocked(id));

  if (members.length <= degree) {
    return { connect: candidates, disconnect, backoff: failed };
  }

  const limit = degree + ACCEPT_SLACK;
  if (live.length > limit) {
    // Shed the newest links first, connecting before open, so the settled topology stays put.
    const byKeepOrder = live.slice().sort(([, a], [, b]) => rank(a) - rank(b) || a.since - b.since);
    for (const [id] of byKeepOrder.slice(limit)) disconnect.push(id);
  }
  const missing = Math.max(0, degree - live.length);
  return { connect: rng.shuffle(candidates).slice(0, missing), disconnect, backoff: failed };
}

const rank = (link: LinkInfo): number => (link.state === 'open' ? 0 : 1);
