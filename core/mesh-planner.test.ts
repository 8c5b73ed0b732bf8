import { describe, expect, it } from 'vitest';
import {
  ACCEPT_SLACK,
  BACKOFF_CAP_MS,
  isInitiator,
  nextBackoff,
  planMesh,
  recordFailure,
  shouldAccept,
  type Backoff,
  type LinkInfo,
  type PlanInput,
} from './mesh-planner.ts';
import { createRng } from './rng.ts';

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

  it('keeps accepted links up to degree + slack, then sheds the newest, connecting first', () => {
    const atLimit = new Map(ids(3 + ACCEPT_SLACK + 1).slice(1).map((id, i) => [id, open(i)] as const));
    expect(plan({ members, degree: 3, links: atLimit })).toMatchObject({ connect: [], disconnect: [] });
    const over = new Map([...atLimit, ['n09', connecting(0)], ['n10', open(50)]]);
    expect(plan({ members, degree: 3, links: over }).disconnect).toEqual(['n09', 'n10']);
  });
});

describe('shouldAccept', () => {
  it('admits offers up to degree + slack, and always from a node it already links to', () => {
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
      expect({ id, ok: openCount >= degree && openCount <= degree + ACCEPT_SLACK }).toEqual({ id, ok: true });
    }
    expect(reached.size).toBe(14);
  });
});
