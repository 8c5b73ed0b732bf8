import { describe, expect, it } from 'vitest';
import { acceptLimit, isInitiator, planMesh, recordFailure, recordRefusal, shouldAccept, type Backoff, type LinkInfo } from './mesh-planner.ts';
import { createRng, type Rng } from './rng.ts';
import { every } from './scheduler.ts';
import { createVirtualScheduler } from './sim/virtual-scheduler.ts';

/**
 * The planner, the accept rule and the manager's backoffs together, in virtual time, as tabs of
 * a room run them: signaling and connect delays, refusals, staggered joins and heartbeats heard
 * late (mesh-planner.test.ts has the planner's own rules).
 */
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${String(i).padStart(2, '0')}`);
const open = (since = 0): LinkInfo => ({ state: 'open', since });
const connecting = (since = 0): LinkInfo => ({ state: 'connecting', since });

describe('formation as tabs run it', () => {
  /** One end of a link as its node sees it; `attempt` ties both ends of one handshake together. */
  interface End {
    info: LinkInfo;
    attempt: number;
  }
  interface SimNode {
    readonly id: string;
    readonly links: Map<string, End>;
    readonly backoff: Map<string, Backoff>;
    readonly rng: Rng;
    replanQueued: boolean;
    /** The heartbeats this node has heard, each of its own age. */
    announced: ReadonlyMap<string, readonly string[]>;
  }
  interface Formation {
    /** Since when every node has held at least `degree` open links; undefined if not at the end. */
    formedAt: number | undefined;
    /** The last time a link opened or closed. */
    lastChange: number;
    /** Each node's open links at the end. */
    links: Map<string, string[]>;
  }

  const SIGNAL_MS = [30, 150] as const;
  const CONNECT_MS = [300, 1500] as const;
  const JOIN_SPREAD_MS = 3000;
  const PLAN_EVERY_MS = 1000;
  const BEAT_MS = 500;
  /** A node hears another's heartbeat up to this many beats late (gossip reaches some sooner). */
  const BEATS_LATE = 3;

  /**
   * The mesh manager's protocol in virtual time. An ask (an offer, or a request for one) crosses
   * signaling; the other end admits it by shouldAccept, or refuses and the refusal crosses back;
   * an admitted handshake opens both ends after a WebRTC-like delay; a closed end tells the
   * other, which backs off as after a failure. Backoffs and replans are the manager's. Every
   * node beats its open links every BEAT_MS, and plans with what it has heard of the others.
   */
  function form(n: number, degree: number, seed: number, horizonMs: number): Formation {
    const rng = createRng(seed);
    const scheduler = createVirtualScheduler();
    const between = ([lo, hi]: readonly [number, number]): number => lo + rng.next() * (hi - lo);
    const nodes = new Map<string, SimNode>();
    const result: Formation = { formedAt: undefined, lastChange: 0, links: new Map() };
    let attempts = 0;
    /** The latest beats, newest first. */
    let beats: ReadonlyMap<string, readonly string[]>[] = [];

    const openLinks = (node: SimNode): string[] => [...node.links].filter(([, e]) => e.info.state === 'open').map(([id]) => id);
    const infos = (node: SimNode): Map<string, LinkInfo> => new Map([...node.links].map(([id, e]) => [id, e.info]));
    const signal = (fn: () => void): void => void scheduler.after(between(SIGNAL_MS), fn);
    const hear = (node: SimNode): Map<string, readonly string[]> => {
      const heard = new Map<string, readonly string[]>();
      for (const id of nodes.keys()) {
        const links = beats[id === node.id ? 0 : node.rng.int(Math.min(beats.length, BEATS_LATE + 1))]?.get(id);
        if (links) heard.set(id, links);
      }
      return heard;
    };

    function changed(): void {
      result.lastChange = scheduler.now();
      const formed = nodes.size === n && [...nodes.values()].every((node) => openLinks(node).length >= degree);
      if (!formed) result.formedAt = undefined;
      else result.formedAt ??= scheduler.now();
    }

    function plan(node: SimNode): void {
      const now = scheduler.now();
      const p = planMesh({ self: node.id, members: [...nodes.keys()], links: infos(node), degree, backoff: node.backoff, now, rng: node.rng, announcedLinks: node.announced });
      for (const [id, b] of p.backoff) node.backoff.set(id, b);
      for (const id of p.disconnect) retire(node, id);
      for (const id of p.connect) ask(node, id);
    }

    function replan(node: SimNode): void {
      if (node.replanQueued) return;
      node.replanQueued = true;
      scheduler.after(0, () => {
        node.replanQueued = false;
        plan(node);
      });
    }

    function retire(node: SimNode, peer: string): void {
      const end = node.links.get(peer);
      if (!end) return;
      node.links.delete(peer);
      if (end.info.state === 'open') changed();
      signal(() => closedByPeer(nodes.get(peer), node.id, end.attempt));
    }

    function closedByPeer(node: SimNode | undefined, peer: string, attempt: number): void {
      const end = node?.links.get(peer);
      if (!node || end?.attempt !== attempt) return;
      node.links.delete(peer);
      if (end.info.state === 'open') changed();
      node.backoff.set(peer, recordFailure(node.backoff.get(peer), scheduler.now(), node.rng));
      replan(node);
    }

    function ask(node: SimNode, peer: string): void {
      const attempt = ++attempts;
      node.links.set(peer, { info: connecting(scheduler.now()), attempt });
      signal(() => asked(nodes.get(peer), node, attempt));
    }

    function asked(node: SimNode | undefined, from: SimNode, attempt: number): void {
      if (!node) return;
      const end = node.links.get(from.id);
      if (end?.info.state === 'connecting') {
        // Crossed asks: both ends complete the initiator's handshake.
        if (!isInitiator(from.id, node.id)) return;
        end.attempt = attempt;
        return handshake(node, from, attempt);
      }
      // An open end the asker no longer has: its close is still on the way; the new attempt replaces it.
      if (end) node.links.delete(from.id);
      if (!shouldAccept(infos(node), degree, from.id)) return signal(() => refused(from, node.id, attempt));
      node.links.set(from.id, { info: connecting(scheduler.now()), attempt });
      handshake(node, from, attempt);
    }

    function refused(node: SimNode, peer: string, attempt: number): void {
      const end = node.links.get(peer);
      if (end?.attempt !== attempt || end.info.state !== 'connecting') return;
      node.links.delete(peer);
      node.backoff.set(peer, recordRefusal(node.backoff.get(peer), scheduler.now(), node.rng));
      replan(node);
    }

    function handshake(a: SimNode, b: SimNode, attempt: number): void {
      scheduler.after(between(CONNECT_MS), () => {
        const ends = [a.links.get(b.id), b.links.get(a.id)];
        if (!ends.every((e) => e?.attempt === attempt && e.info.state === 'connecting')) return;
        for (const e of ends) if (e) e.info = open(scheduler.now());
        a.backoff.delete(b.id);
        b.backoff.delete(a.id);
        changed();
      });
    }

    for (const id of ids(n)) {
      scheduler.after(rng.next() * JOIN_SPREAD_MS, () => {
        const node: SimNode = { id, links: new Map(), backoff: new Map(), rng: rng.fork(), replanQueued: false, announced: new Map() };
        nodes.set(id, node);
        replan(node);
        every(scheduler, PLAN_EVERY_MS, () => plan(node));
        scheduler.after(node.rng.next() * BEAT_MS, () => every(scheduler, BEAT_MS, () => (node.announced = hear(node))));
      });
    }
    every(scheduler, BEAT_MS, () => {
      beats = [new Map([...nodes.values()].map((node) => [node.id, openLinks(node)])), ...beats].slice(0, BEATS_LATE + 1);
    });
    scheduler.runUntil(horizonMs);
    for (const node of nodes.values()) result.links.set(node.id, openLinks(node));
    return result;
  }

  const FORMATION_SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);
  /**
   * With uniform picks and refusals backed off as failures, 16 tabs at degree 8 never formed on
   * any of these seeds. With 2 spare slots per node and shedding after 5 s, they formed in
   * 14.6 s at the median and 18.3 s at worst (24 tabs: 10.4 s and 18.8 s). Now, with
   * acceptLimit's spares trimmed once nobody is short, the medians are 7.0 s (16 tabs) and 5.0 s
   * (24 tabs), the slowest forms at 10.9 s (12 tabs at degree 4) and the last link changes by
   * 16.7 s.
   */
  const FORMED_BY_MS = 20_000;
  const MEDIAN_FORMED_BY_MS = 10_000;
  const HORIZON_MS = 120_000;

  it.each([
    [16, 8],
    [12, 4],
    [24, 8],
  ])('%i tabs at degree %i: every tab reaches its degree within 20 s (10 s at the median), then no link opens or closes for 100 s', (n, degree) => {
    const times: number[] = [];
    for (const seed of FORMATION_SEEDS) {
      const { formedAt, lastChange, links } = form(n, degree, seed, HORIZON_MS);
      times.push(formedAt ?? Number.POSITIVE_INFINITY);
      const reached = new Set(['n00']);
      for (const id of reached) for (const peer of links.get(id) ?? []) reached.add(peer);
      const problems = [
        formedAt === undefined ? 'not every tab holds its degree at the end' : formedAt > FORMED_BY_MS ? `formed only at ${Math.round(formedAt)} ms` : '',
        lastChange > FORMED_BY_MS ? `a link opened or closed at ${Math.round(lastChange)} ms` : '',
        reached.size < n ? `only ${reached.size} tabs connected` : '',
        [...links.values()].some((l) => l.length > acceptLimit(degree)) ? 'a tab over its accept limit' : '',
      ].filter((p) => p !== '');
      if (problems.length > 0) throw new Error(`failed with seed ${seed} (rerun: make FORMATION_SEEDS [${seed}] in core/mesh-formation.test.ts): ${problems.join('; ')}`);
    }
    const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.POSITIVE_INFINITY;
    expect(median, `median formation over seeds ${FORMATION_SEEDS[0]}–${FORMATION_SEEDS.at(-1)}`).toBeLessThanOrEqual(MEDIAN_FORMED_BY_MS);
  });
});
