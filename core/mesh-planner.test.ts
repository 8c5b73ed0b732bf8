import { describe, expect, it } from 'vitest';
import {
  acceptLimit,
  KEEP_SLACK,
  BACKOFF_CAP_MS,
  CONNECT_CAP_FACTOR,
  REFUSAL_BACKOFF_MS,
  SHED_SETTLE_MS,
  isInitiator,
  nextBackoff,
  planMesh,
  recordFailure,
  recordRefusal,
  shouldAccept,
  type Backoff,
  type LinkInfo,
  type PlanInput,
} from './mesh-planner.ts';
import { createRng, type Rng } from './rng.ts';
import { every } from './scheduler.ts';
import { createVirtualScheduler } from './sim/virtual-scheduler.ts';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${String(i).padStart(2, '0')}`);
const open = (since = 0): LinkInfo => ({ state: 'open', since });
const connecting = (since = 0): LinkInfo => ({ state: 'connecting', since });

function plan(overrides: Partial<PlanInput>): ReturnType<typeof planMesh> {
  return planMesh({
    self: 'n00',
    members: ids(4),
    links: new Map(),
    degree: 4,
    backoff: new Map(),
    now: 100_000,
    rng: createRng(1),
    connectTimeoutMs: 5000,
    ...overrides,
  });
}

describe('isInitiator', () => {
  it('picks exactly one side of every pair', () => {
    expect(isInitiator('a', 'b')).toBe(true);
    expect(isInitiator('b', 'a')).toBe(false);
    expect(isInitiator('n10', 'n9')).toBe(true);
  });
});

describe('nextBackoff', () => {
  it('doubles from 500 ms up to a 30 s cap, jittered within the upper half', () => {
    const rng = createRng(5);
    for (let failures = 1; failures <= 12; failures++) {
      const ceiling = Math.min(BACKOFF_CAP_MS, 500 * 2 ** (failures - 1));
      const delay = nextBackoff(failures, rng);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
    expect(nextBackoff(1000, rng)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
  });

  it('spreads peers that failed together', () => {
    const delays = new Set([1, 2, 3, 4].map((seed) => nextBackoff(3, createRng(seed))));
    expect(delays.size).toBe(4);
  });

  it('rejects a failure count that is not a positive integer', () => {
    expect(() => nextBackoff(0, createRng(1))).toThrow(RangeError);
    expect(() => nextBackoff(1.5, createRng(1))).toThrow(RangeError);
  });

  it('waits a short, flat, jittered time after a refusal, whatever the failures before it', () => {
    const rng = createRng(3);
    const delays = [undefined, { failures: 0, retryAt: 0 }, { failures: 9, retryAt: 0 }].map((previous) => {
      const entry = recordRefusal(previous, 1000, rng);
      expect(entry.failures).toBe(previous?.failures ?? 0);
      return entry.retryAt - 1000;
    });
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(REFUSAL_BACKOFF_MS / 2);
      expect(delay).toBeLessThanOrEqual(REFUSAL_BACKOFF_MS);
    }
    expect(new Set(delays).size).toBe(3);
  });

  it('counts consecutive failures in recordFailure', () => {
    const first = recordFailure(undefined, 1000, createRng(1));
    const second = recordFailure(first, 2000, createRng(1));
    expect(first.failures).toBe(1);
    expect(second.failures).toBe(2);
    expect(second.retryAt - 2000).toBeGreaterThan(first.retryAt - 1000);
  });
});

describe('planMesh in a small room', () => {
  it('connects to every other member, whatever the initiator side', () => {
    expect(plan({ self: 'n02', members: ids(5) })).toEqual({
      connect: ['n00', 'n01', 'n03', 'n04'],
      disconnect: [],
      backoff: new Map(),
    });
  });

  it('skips members it already links to and members still backing off', () => {
    const p = plan({
      members: ids(5),
      links: new Map([['n01', open()], ['n02', connecting(99_000)]]),
      backoff: new Map<string, Backoff>([['n03', { failures: 1, retryAt: 100_001 }], ['n04', { failures: 2, retryAt: 100_000 }]]),
    });
    expect(p.connect).toEqual(['n04']);
    expect(p.disconnect).toEqual([]);
  });

  it('closes links to nodes that left and reconnects where only a closed link remains', () => {
    const p = plan({ members: ['n00', 'n01', 'n02'], links: new Map([['n01', { state: 'closed', since: 0 }], ['n07', open()]]) });
    expect(p.connect).toEqual(['n01', 'n02']);
    expect(p.disconnect).toEqual(['n07']);
  });

  it('gives up on a link stuck connecting, backs it off and does not retry it at once', () => {
    const p = plan({
      members: ids(3),
      links: new Map([['n01', connecting(100_000 - 5001)], ['n02', connecting(100_000 - 5000)]]),
      backoff: new Map<string, Backoff>([['n01', { failures: 2, retryAt: 0 }]]),
    });
    expect(p.disconnect).toEqual(['n01']);
    expect(p.connect).toEqual([]);
    const entry = p.backoff.get('n01');
    expect(entry?.failures).toBe(3);
    expect(entry?.retryAt).toBeGreaterThanOrEqual(100_000 + 1000);
    expect(entry?.retryAt).toBeLessThanOrEqual(100_000 + 2000);
  });

  it('times a handshake from the last news of the peer, up to a cap', () => {
    const now = 100_000;
    const p = plan({
      members: ids(4),
      links: new Map<string, LinkInfo>([
        // Started 9 s before the timeout ran out, but the answer came 4 s ago: still going.
        ['n01', { state: 'connecting', since: now - 14_000, heardAt: now - 4000 }],
        // Heard from, but not for longer than the timeout.
        ['n02', { state: 'connecting', since: now - 14_000, heardAt: now - 5001 }],
        // Heard from a moment ago, but going on for more than CONNECT_CAP_FACTOR timeouts.
        ['n03', { state: 'connecting', since: now - CONNECT_CAP_FACTOR * 5000 - 1, heardAt: now - 100 }],
      ]),
    });
    expect(p.disconnect).toEqual(['n02', 'n03']);
    expect([...p.backoff.keys()]).toEqual(['n02', 'n03']);
  });

  it('rejects a degree or timeout that cannot work', () => {
    expect(() => plan({ degree: 0 })).toThrow(RangeError);
    expect(() => plan({ degree: 2.5 })).toThrow(RangeError);
    expect(() => plan({ connectTimeoutMs: 0 })).toThrow(RangeError);
  });
});

describe('planMesh in a large room', () => {
  const members = ids(12);

  it('picks degree random members, the same for the same seed and input in any order', () => {
    const a = plan({ members, degree: 3, rng: createRng(7) });
    const b = plan({ members: members.slice().reverse(), degree: 3, rng: createRng(7) });
    expect(a.connect).toHaveLength(3);
    expect(new Set(a.connect).size).toBe(3);
    expect(a.connect).not.toContain('n00');
    expect(b.connect).toEqual(a.connect);
    const chosen = new Set([1, 2, 3, 4, 5, 6].flatMap((seed) => plan({ members, degree: 3, rng: createRng(seed) }).connect));
    expect(chosen.size).toBeGreaterThan(5);
  });

  it('tops up toward degree while links stay open, counting links still connecting', () => {
    const links = new Map([['n03', open()], ['n05', connecting(99_000)]]);
    const p = plan({ members, degree: 4, links });
    expect(p.connect).toHaveLength(2);
    expect(p.connect.some((id) => links.has(id))).toBe(false);
    expect(p.disconnect).toEqual([]);
    expect(plan({ members, degree: 2, links }).connect).toEqual([]);
  });

  it('replaces a timed-out link with another member in the same plan', () => {
    const p = plan({ members, degree: 2, links: new Map([['n03', open()], ['n05', connecting(0)]]) });
    expect(p.disconnect).toEqual(['n05']);
    expect(p.connect).toHaveLength(1);
    expect(p.connect).not.toContain('n05');
  });

  it('keeps accepted links up to the accept limit, then sheds the newest, connecting first', () => {
    const atLimit = new Map(ids(acceptLimit(3) + 1).slice(1).map((id, i) => [id, open(i)] as const));
    expect(plan({ members, degree: 3, links: atLimit })).toMatchObject({ connect: [], disconnect: [] });
    const over = new Map([...atLimit, ['n09', connecting(0)], ['n10', open(50)]]);
    expect(plan({ members, degree: 3, links: over }).disconnect).toEqual(['n09', 'n10']);
  });
});

describe('planMesh with announced links', () => {
  const members = ids(8);
  /** Announced lists of the given lengths (the neighbours' names do not matter to ranking). */
  const ofLengths = (counts: Record<string, number>): Map<string, string[]> =>
    new Map(Object.entries(counts).map(([id, count]) => [id, Array.from({ length: count }, (_, i) => `x${i}`)]));

  it('asks the members announcing the fewest links first, counting one not heard from yet as empty', () => {
    const announcedLinks = ofLengths({ n01: 4, n02: 4, n03: 1, n04: 3, n05: 0, n06: 2 });
    for (const seed of [1, 2, 3, 4]) {
      const p = plan({ members, degree: 3, rng: createRng(seed), announcedLinks });
      expect(p.connect.slice(0, 2).sort()).toEqual(['n05', 'n07']);
      expect(p.connect[2]).toBe('n03');
    }
  });

  it('asks members announced full only when nobody else is left', () => {
    const full = acceptLimit(3);
    const announcedLinks = ofLengths({ n01: full, n02: full, n03: full, n04: full + 1, n05: 3, n06: 4, n07: 2 });
    expect(plan({ members, degree: 3, announcedLinks }).connect).toEqual(['n07', 'n05', 'n06']);
    // Linked to n05 and n06, and n07 backing off: only full members are left, the least full first.
    const p = plan({
      members,
      degree: 3,
      links: new Map([['n05', open()], ['n06', open()]]),
      backoff: new Map<string, Backoff>([['n07', { failures: 0, retryAt: 100_001 }]]),
      announcedLinks,
    });
    expect(p.connect).toHaveLength(1);
    expect(['n01', 'n02', 'n03']).toContain(p.connect[0]);
  });

  describe('shedding', () => {
    const settledAt = 100_000 - SHED_SETTLE_MS;
    /** n00 holds four settled links at degree 3; n03 has the most links, and n00 is its only neighbour over 3; n05 is short. */
    const links = new Map(['n01', 'n02', 'n03', 'n04'].map((id) => [id, open(settledAt)] as const));
    const graph: Record<string, string[]> = {
      n00: ['n01', 'n02', 'n03', 'n04'],
      n01: ['n00', 'n03', 'n06'],
      n02: ['n00', 'n05', 'n06', 'n07'],
      n03: ['n00', 'n01', 'n05', 'n06', 'n07'],
      n04: ['n00', 'n05', 'n06', 'n07'],
      n05: ['n02', 'n03'],
      n06: ['n01', 'n02', 'n03'],
      n07: ['n02', 'n03', 'n04'],
    };
    const announced = (patch: Record<string, string[]> = {}): Map<string, string[]> => new Map(Object.entries({ ...graph, ...patch }));

    it('closes the settled link whose ends both hold more than degree and choose each other, while a member is short', () => {
      expect(plan({ members, degree: 3, links, announcedLinks: announced() })).toMatchObject({ connect: [], disconnect: ['n03'] });
    });

    it('leaves the link when the other end would rather shed another', () => {
      const p = plan({ members, degree: 3, links, announcedLinks: announced({ n07: ['n02', 'n03', 'n04', 'n05', 'n06', 'n01'] }) });
      expect(p.disconnect).toEqual([]);
    });

    it('sheds nothing while no member is short', () => {
      const p = plan({ members, degree: 3, links, announcedLinks: announced({ n05: ['n02', 'n03', 'n06'] }) });
      expect(p.disconnect).toEqual([]);
    });

    it('once no member is short, trims a link whose ends both hold more than degree + KEEP_SLACK', () => {
      const degree = 6;
      expect(acceptLimit(degree)).toBeGreaterThan(degree + KEEP_SLACK);
      const nodes = ids(12);
      const mine = nodes.slice(1, 10);
      const settled = new Map(mine.map((id) => [id, open(settledAt)] as const));
      // Everyone holds exactly the degree but n00 and n01, which hold acceptLimit(6) = 9 each.
      const announcedLinks = new Map<string, readonly string[]>(nodes.map((id) => [id, ['x1', 'x2', 'x3', 'x4', 'x5', 'x6']]));
      announcedLinks.set('n00', mine);
      announcedLinks.set('n01', ['n00', ...nodes.slice(2, 10)]);
      expect(plan({ members: nodes, degree, links: settled, announcedLinks }).disconnect).toEqual(['n01']);
      // At degree + KEEP_SLACK the other end keeps its spare links.
      announcedLinks.set('n01', ['n00', ...nodes.slice(2, 9)]);
      expect(plan({ members: nodes, degree, links: settled, announcedLinks }).disconnect).toEqual([]);
    });

    it('counts only links open for the settle time, and keeps degree of them', () => {
      const fresh = new Map([...links, ['n03', open(settledAt + 1)]]);
      expect(plan({ members, degree: 3, links: fresh, announcedLinks: announced() }).disconnect).toEqual([]);
    });

    it('sheds nothing before its own announcement shows it over degree, or in a full-mesh room', () => {
      expect(plan({ members, degree: 3, links, announcedLinks: announced({ n00: ['n01', 'n02', 'n03'] }) }).disconnect).toEqual([]);
      const small = ids(4);
      const full = new Map(small.map((id) => [id, small.filter((x) => x !== id)] as const));
      const p = plan({ members: small, degree: 2, links: new Map(['n01', 'n02', 'n03'].map((id) => [id, open(settledAt)] as const)), announcedLinks: full });
      expect(p.disconnect).toEqual([]);
    });

    it.each([1, 2, 3, 4, 5, 6])('on the same announcements both ends pick the same link, nobody loses two, and some link goes (seed %i)', (seed) => {
      const rng = createRng(seed);
      const degree = 3;
      const nodes = ids(14);
      const adjacency = new Map(nodes.map((id) => [id, new Set<string>()]));
      // Random links up to the accept limit among all but n13, which stays short.
      for (let i = 0; i < 60; i++) {
        const [a = '', b = ''] = rng.shuffle(nodes.slice(0, -1));
        const [ends, other] = [adjacency.get(a) ?? new Set(), adjacency.get(b) ?? new Set()];
        if (ends.size >= acceptLimit(degree) || other.size >= acceptLimit(degree)) continue;
        ends.add(b);
        other.add(a);
      }
      const announcedLinks = new Map([...adjacency].map(([id, set]) => [id, [...set].sort()]));
      const sheds = nodes.flatMap((self) => {
        const mine = new Map([...(adjacency.get(self) ?? [])].map((id) => [id, open(settledAt)] as const));
        return plan({ self, members: nodes, degree, links: mine, announcedLinks, rng }).disconnect.map((peer) => [self, peer] as const);
      });
      const shedding = new Set(sheds.map(([self]) => self));
      for (const [self, peer] of sheds) expect({ self, peer, mutual: shedding.has(peer) && sheds.some(([a, b]) => a === peer && b === self) }).toMatchObject({ mutual: true });
      expect(shedding.size).toBe(sheds.length);
      const over = (id: string): boolean => (adjacency.get(id)?.size ?? 0) > degree;
      const overPairs = nodes.some((a) => over(a) && [...(adjacency.get(a) ?? [])].some(over));
      expect({ overPairs, shed: sheds.length > 0 }).toEqual({ overPairs, shed: overPairs });
    });
  });
});

describe('shouldAccept', () => {
  it('admits offers up to its accept limit, and always from a node it already links to', () => {
    const links = new Map(ids(4).map((id) => [id, open()] as const));
    expect(shouldAccept(links, 3, 'n09')).toBe(true);
    links.set('n04', connecting());
    expect(shouldAccept(links, 3, 'n09')).toBe(false);
    expect(shouldAccept(links, 3, 'n04')).toBe(true);
    links.set('n04', { state: 'closed', since: 0 });
    expect(shouldAccept(links, 3, 'n09')).toBe(true);
  });
});

describe('planner and accept rule together', () => {
  /** Rounds of planning in which a link forms only when the other end accepts; refused attempts time out. */
  function simulate(n: number, degree: number, seed: number): Map<string, Map<string, LinkInfo>> {
    const rng = createRng(seed);
    const nodes = ids(n);
    const links = new Map(nodes.map((id) => [id, new Map<string, LinkInfo>()]));
    const backoff = new Map(nodes.map((id) => [id, new Map<string, Backoff>()]));
    const at = (id: string): Map<string, LinkInfo> => links.get(id) ?? new Map();
    for (let round = 0; round < 60; round++) {
      const now = round * 1000;
      for (const self of rng.shuffle(nodes)) {
        const mine = at(self);
        const p = planMesh({ self, members: nodes, links: mine, degree, backoff: backoff.get(self) ?? new Map(), now, rng, connectTimeoutMs: 3000 });
        for (const [id, b] of p.backoff) backoff.get(self)?.set(id, b);
        for (const id of p.disconnect) {
          mine.delete(id);
          at(id).delete(self);
        }
        for (const id of p.connect) {
          if (shouldAccept(at(id), degree, self)) {
            mine.set(id, open(now));
            at(id).set(self, open(now));
            backoff.get(self)?.delete(id);
          } else {
            mine.set(id, connecting(now));
          }
        }
      }
    }
    return links;
  }

  it.each([1, 2, 3])('reaches every node\'s target degree in one connected mesh (seed %i)', (seed) => {
    const degree = 3;
    const links = simulate(14, degree, seed);
    const reached = new Set<string>(['n00']);
    const queue = ['n00'];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const [id, l] of links.get(next) ?? []) {
        if (l.state !== 'open' || reached.has(id)) continue;
        reached.add(id);
        queue.push(id);
      }
    }
    for (const [id, mine] of links) {
      const openCount = [...mine.values()].filter((l) => l.state === 'open').length;
      expect({ id, ok: openCount >= degree && openCount <= acceptLimit(degree) }).toEqual({ id, ok: true });
    }
    expect(reached.size).toBe(14);
  });
});
