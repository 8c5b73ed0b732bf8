import { fnvString } from './fnv.ts';
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
 * answering node admits offers up to acceptLimit(degree) (see shouldAccept): above its own
 * target, so initiators are not starved by nodes that have just filled up, yet bounded.
 * A request that is never answered ends as a connect timeout, backs off, and frees the slot.
 *
 * That slack can strand a node: in the first seconds of a room everyone picks at random, some
 * nodes fill up to the limit, and a node left short finds every member it is not linked to full
 * (16 tabs at degree 8 stalled at 5 or 6 links for good). Two things use the open links every
 * member announces in its heartbeat. Top-ups go to the members announcing the fewest links, so
 * full ones are asked last. And while some member announces fewer than `degree`, a link whose
 * two ends both hold more than `degree` is shed (see linkToShed), which frees a slot at each end
 * without sending either below its target. A refusal is not a failure either: the manager asks
 * a peer that refused again after a few seconds (recordRefusal), not after a growing backoff.
 */
/**
 * Spare links a node keeps for good: once no member is short, a link whose two ends both hold
 * more than degree + KEEP_SLACK is trimmed (see linkToShed).
 */
export const KEEP_SLACK = 2;
/**
 * How many links a node admits: half its degree again (at least KEEP_SLACK more). A class opens
 * its tabs within seconds, and the first nine tabs of a room at degree 8 form a full mesh before
 * the others arrive; with only 2 spare slots each, the late tabs were refused by full nodes and
 * waited for shedding, and 16 tabs formed in 14.6 s at the median (mesh-formation.test.ts, 50
 * seeds; bench:mesh measured 14.5 s). Admitting 4 spares and trimming later forms them in 7 s
 * (bench:mesh: 5–6 s, once the page stopped mounting mid-formation; app/src/runtime/mount-gate.ts).
 */
export const acceptLimit = (degree: number): number => degree + Math.max(KEEP_SLACK, Math.ceil(degree / 2));
/**
 * A handshake is given up after this long without news from the peer (see `heardAt`). Counted
 * from the last signal, not from the start: a peer whose page was busy for several seconds
 * (a laptop loading the app, 16 tabs on 2 cores in bench:mesh) answers late but answers, and
 * cutting such a handshake just after its answer arrived wasted it on both ends.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** However chatty the peer, a handshake ends after this many connect timeouts: a peer that keeps signalling must not hold a slot for ever. */
export const CONNECT_CAP_FACTOR = 3;
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;
/** Longest wait before asking a peer that refused again (see recordRefusal). */
export const REFUSAL_BACKOFF_MS = 4000;
/** How long a link must have been open before it may be shed: two default heartbeats, so both ends have announced it. */
export const SHED_SETTLE_MS = 1000;

export interface LinkInfo {
  readonly state: LinkState;
  /** When the link entered its current state. */
  readonly since: number;
  /** While connecting: when a handshake signal last came from the peer (unset: never). */
  readonly heardAt?: number;
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
  /** Each member's open links as it last announced them in its heartbeat; a member missing here has not announced yet. */
  readonly announcedLinks?: ReadonlyMap<string, readonly string[]>;
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

/**
 * The backoff entry after `peer` refused a link. A refusal says the peer is full, not that links
 * to it fail: the failure count stays, and the wait is short and flat, because a shed link or
 * a closed one can free a slot there at any moment.
 */
export function recordRefusal(previous: Backoff | undefined, now: number, rng: Rng): Backoff {
  return { failures: previous?.failures ?? 0, retryAt: now + REFUSAL_BACKOFF_MS / 2 + rng.next() * (REFUSAL_BACKOFF_MS / 2) };
}

/** Whether to admit a link that `from` started (its offer, or its request for one), given the links held. */
export function shouldAccept(links: ReadonlyMap<string, LinkInfo>, degree: number, from: string): boolean {
  const live = [...links].filter(([id, l]) => id !== from && l.state !== 'closed').length;
  return live < acceptLimit(degree);
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
    } else if (link.state === 'connecting' && stalled(link, now, connectTimeoutMs)) {
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

  const announced = input.announcedLinks ?? new Map<string, readonly string[]>();
  const limit = acceptLimit(degree);
  if (live.length > limit) {
    // Shed the newest links first, connecting before open, so the settled topology stays put.
    const byKeepOrder = live.slice().sort(([, a], [, b]) => rank(a) - rank(b) || a.since - b.since);
    for (const [id] of byKeepOrder.slice(limit)) disconnect.push(id);
  } else {
    const shed = linkToShed(self, members, live, announced, degree, now);
    if (shed !== undefined) disconnect.push(shed);
  }
  const missing = Math.max(0, degree - live.length);
  // A member that has announced nothing yet is most likely a tab that has just joined, which
  // holds no links: counting it as empty sends the others to it first. The sort is stable, so
  // the shuffle decides among equal counts, and full members come last.
  const load = (id: string): number => announced.get(id)?.length ?? 0;
  const ranked = rng.shuffle(candidates).sort((a, b) => load(a) - load(b));
  return { connect: ranked.slice(0, missing), disconnect, backoff: failed };
}

/**
 * A settled open link to close because both of its ends hold more than `degree` links: neither
 * end tops up afterwards, so closing it cannot start a close-and-reconnect cycle, and it frees
 * a slot at two nodes that a short node may be being refused by. That is while some member
 * announces fewer than `degree` links (one that has announced nothing is no evidence); once
 * none does, only links whose ends both hold more than degree + KEEP_SLACK go, which trims what
 * acceptLimit let in during formation: a few spare links cost little, and a closed one is a
 * link some message was about to use.
 *
 * Every node decides at once, on announcements of different ages, so a node could lose several
 * links in one round and drop below `degree`. Hence a link goes only when it is the choice of
 * both of its ends (the other end with the most links, then a per-pair hash), which either end
 * can work out from the other's announced neighbours: on the same announcements a node loses at
 * most one link per round (on differing ones, rarely two), and the best such link in the room
 * is the choice of both its ends, so shedding goes on until no two linked nodes are both over
 * the level that applies. Counts are all taken
 * from announcements, this node's own too, so that both ends compute the same choices. Only
 * links open for SHED_SETTLE_MS count: this node keeps that many settled links, and the other
 * end has had time to announce the link.
 */
function linkToShed(
  self: string,
  members: readonly string[],
  live: readonly [string, LinkInfo][],
  announced: ReadonlyMap<string, readonly string[]>,
  degree: number,
  now: number,
): string | undefined {
  const short = members.some((id) => (announced.get(id)?.length ?? degree) < degree);
  const keep = short ? degree : degree + KEEP_SLACK;
  const settled = live.filter(([, l]) => l.state === 'open' && now - l.since >= SHED_SETTLE_MS).map(([id]) => id);
  if (settled.length <= keep) return undefined;
  const count = (id: string): number => announced.get(id)?.length ?? 0;
  const choice = (node: string, neighbours: readonly string[]): string | undefined => {
    let best: string | undefined;
    for (const id of neighbours) {
      if (count(id) <= keep) continue;
      if (best === undefined || count(id) > count(best) || (count(id) === count(best) && pairKey(node, id) < pairKey(node, best))) best = id;
    }
    return best;
  };
  const mine = choice(self, settled);
  return mine !== undefined && choice(mine, announced.get(mine) ?? []) === self ? mine : undefined;
}

/**
 * The same number for a pair seen from either end, scattered (FNV-1a) rather than in id order:
 * in id order a clique of equal counts has one mutual choice per round, scattered it has many.
 */
function pairKey(a: string, b: string): number {
  return fnvString(a < b ? `${a} ${b}` : `${b} ${a}`);
}

/** A handshake with no news from the peer for a connect timeout, or going on for too long. */
function stalled(link: LinkInfo, now: number, connectTimeoutMs: number): boolean {
  const news = Math.max(link.since, link.heardAt ?? link.since);
  return now - news > connectTimeoutMs || now - link.since > CONNECT_CAP_FACTOR * connectTimeoutMs;
}

const rank = (link: LinkInfo): number => (link.state === 'open' ? 0 : 1);
