import { describe, expect, it } from 'vitest';
import type { JournalEvent } from './journal.ts';
import { SimNetwork } from './sim/sim-network.ts';
import { checkShiViz, SHIVIZ_REGEX, toShiViz } from './trace-export.ts';
import { compare, type VectorClock } from './vector-clock.ts';

/** A faulty run: loss, duplicates and delay on every out lane, a lossy in lane, and a partition healed. */
function faultyRun(seed: number): JournalEvent[] {
  const net = new SimNetwork({ seed, nodes: 4, config: { heartbeatMs: 200 } });
  net.setAllFaults({ drop: 0.1, duplicate: 0.1, delayMs: 20, jitterMs: 10 });
  net.setFaults('n01', 'n02', { drop: 0.3, duplicate: 0.3, delayMs: 5 }, 'in');
  net.run(1000);
  net.partition([['n00'], ['n01', 'n02', 'n03']]);
  net.run(1000);
  net.heal();
  net.run(1000);
  return [...(net.journal?.events() ?? [])];
}

interface Line {
  readonly host: string;
  readonly clock: VectorClock;
  readonly text: string;
}

const parse = (text: string): Line[] =>
  [...text.slice(text.indexOf('\n', text.indexOf('\n') + 1) + 1).matchAll(new RegExp(SHIVIZ_REGEX, 'g'))].map((m) => ({
    host: m.groups?.host ?? '',
    clock: JSON.parse(m.groups?.clock ?? '') as VectorClock,
    text: m.groups?.event ?? '',
  }));

const e = (n: number, type: JournalEvent['type'], node: string, peer: string, vc: VectorClock, extra: Partial<JournalEvent> = {}): JournalEvent => ({
  n, t: n, type, node, peer, dir: type === 'deliver' ? 'in' : 'out', msgId: 'm', kind: 'chat', bytes: 10, lamport: n, vc, ...extra,
});

describe('ShiViz export', () => {
  it('turns a faulty simulated run into a log ShiViz accepts, folding every fault into its send', () => {
    const events = faultyRun(3);
    const out = toShiViz(events);
    expect(checkShiViz(out.text)).toEqual([]);
    expect(out.skipped).toBe(0);
    const ticks = new Set(events.filter((x) => x.type === 'send' || x.type === 'deliver').map((x) => `${x.node}:${x.vc[x.node]}`));
    expect(out.events).toBe(ticks.size);
    expect(out.text.split('\n').slice(0, 2)).toEqual([SHIVIZ_REGEX, '']);
    for (const fragment of ['dropped (cut) on the way out', 'dropped (drop) on the way out', 'duplicated on the way in', 'delayed 5 ms on the way in', 'duplicated on the way out']) {
      expect(out.text).toContain(fragment);
    }
  });

  it('keeps happened-before between every pair of exported events exactly', () => {
    const events = faultyRun(4);
    const lines = parse(toShiViz(events).text);
    // A node's Lamport time rises on every tick, so (host, lamport) finds each line's journal event.
    const original = new Map(events.filter((x) => x.type === 'send' || x.type === 'deliver').map((x) => [`${x.node} ${x.lamport}`, x.vc]));
    const vcs = lines.map((l) => original.get(`${l.host} ${/lamport (\d+)\)/.exec(l.text)?.[1]}`));
    expect(vcs.every((v) => v !== undefined)).toBe(true);
    let checked = 0;
    for (let i = 0; i < lines.length; i++) {
      for (let j = 0; j < lines.length; j++) {
        const before = compare(vcs[i] as VectorClock, vcs[j] as VectorClock) === 'before';
        expect(compare((lines[i] as Line).clock, (lines[j] as Line).clock) === 'before', `lines ${i} and ${j}`).toBe(before);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('renumbers a partial trace (old events evicted, one node not shared) into a valid log', () => {
    const events = faultyRun(5);
    const partial = events.slice(Math.floor(events.length * 0.6)).filter((x) => x.node !== 'n03');
    const out = toShiViz(partial);
    expect(checkShiViz(out.text)).toEqual([]);
    const firstOwn = new Map<string, number>();
    for (const line of parse(out.text)) if (!firstOwn.has(line.host)) firstOwn.set(line.host, line.clock[line.host] ?? 0);
    expect([...firstOwn.keys()].sort()).toEqual(['n00', 'n01', 'n02']);
    expect([...firstOwn.values()]).toEqual([1, 1, 1]);
    expect(out.text).not.toMatch(/"n03"/);
  });

  it('writes a multicast as one event and skips a fault whose send is not in the trace', () => {
    const vc = { a: 1 };
    const out = toShiViz([
      e(1, 'send', 'a', 'b', vc),
      e(2, 'send', 'a', 'c', vc),
      e(3, 'drop', 'a', 'c', vc, { detail: 'cut' }),
      e(4, 'deliver', 'b', 'a', { a: 1, b: 1 }),
      e(5, 'delay', 'c', 'z', { z: 4 }, { dir: 'in', detail: '30' }),
    ]);
    expect(out.events).toBe(2);
    expect(out.skipped).toBe(1);
    expect(out.notes[0]).toMatch(/delay m recorded by c \(#5\): the send it belongs to is not in the trace/);
    expect(parse(out.text).map((l) => [l.host, l.clock, l.text.replace(/ \(.*?\)/, '')])).toEqual([
      ['a', { a: 1 }, 'send chat m to b, c [to c: dropped (cut) on the way out]'],
      ['b', { a: 1, b: 1 }, 'deliver chat m from a'],
    ]);
    expect(checkShiViz(out.text)).toEqual([]);
  });

  it('keeps host names and descriptions to what the regex can read', () => {
    const out = toShiViz([e(1, 'send', 'a b', 'c\nd', { 'a b': 1 }, { msgId: 'x\ny' })]);
    expect(checkShiViz(out.text)).toEqual([]);
    expect(parse(out.text)[0]).toMatchObject({ host: 'a_b', clock: { a_b: 1 } });
  });
});

describe('checkShiViz catches what ShiViz would reject or mis-draw', () => {
  const good = toShiViz(faultyRun(6)).text;
  const lines = good.split('\n');
  /** Index (in `lines`) of the clock line of the first event of `host` that names another host. */
  const receiveLine = lines.findIndex((l, i) => i > 1 && /^n01 /.test(l) && /"n0[023]"/.test(l));
  const edit = (f: (copy: string[]) => void): string => {
    const copy = lines.slice();
    f(copy);
    return copy.join('\n');
  };

  it('accepts the unedited log', () => {
    expect(receiveLine).toBeGreaterThan(2);
    expect(checkShiViz(good)).toEqual([]);
  });

  it.each([
    ['a wrong header', () => edit((c) => (c[0] = '(?<host>.*)')), /line 1 must be the parsing regex/],
    ['a delimiter', () => edit((c) => (c[1] = '^===$')), /line 2/],
    ['a clock that is not JSON', () => edit((c) => (c[3] = 'n00 {"n00":1,}')), /line 4: the clock .* is not JSON/],
    ['a missing own entry', () => edit((c) => (c[3] = 'n00 {"n01":0}')), /line 4: the clock has no entry for its own host "n00"/],
    ['an own entry that skips', () => edit((c) => (c[3] = 'n00 {"n00":2}')), /line 4: "n00" goes from 0 to 2/],
    ['a lost clock line', () => edit((c) => c.splice(receiveLine, 1)), /text that is not part of any event/],
    ['an event moved before what it knows', () => edit((c) => c.splice(2, 0, ...c.splice(receiveLine - 1, 2))), /line 3: .*"n01" goes from 0 to|line 4: the clock names n0\d:\d+, but n0\d has only/],
    ['an unknown host', () => edit((c) => (c[receiveLine] = (c[receiveLine] as string).replace('{', '{"ghost":1,'))), /names "ghost", which has no events/],
    ['a negative entry', () => edit((c) => (c[3] = 'n00 {"n00":-1}')), /entry for "n00" is not a non-negative integer/],
  ])('%s', (_name, corrupt, problem) => {
    const problems = checkShiViz(corrupt());
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(problem);
  });

  it('a clock that names an event but not what that event knew', () => {
    const log = [SHIVIZ_REGEX, '', 'send', 'a {"a":1}', 'deliver', 'b {"a":1,"b":1}', 'send', 'b {"a":1,"b":2}', 'deliver', 'c {"b":2,"c":1}', ''].join('\n');
    expect(checkShiViz(log)).toEqual(['line 10: the clock knows b:2 but not a:1, which b:2 knew']);
    expect(checkShiViz(log.replace('{"b":2,"c":1}', '{"a":1,"b":2,"c":1}'))).toEqual([]);
  });

  it('an empty log, and a file without its two header lines', () => {
    expect(checkShiViz(`${SHIVIZ_REGEX}\n\n`)).toEqual(['the log holds no events']);
    expect(checkShiViz('send')).toEqual(['the file must start with the regex line and the delimiter line']);
  });
});
