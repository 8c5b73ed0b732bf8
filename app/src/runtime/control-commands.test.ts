import { describe, expect, it } from 'vitest';
import { parseCommand } from './control-commands.ts';

describe('parseCommand', () => {
  it('reads every op, with defaults for the optional fields', () => {
    expect(parseCommand({ op: 'partition', groups: [['a', 'b'], ['c']] })).toEqual({ ok: true, command: { op: 'partition', groups: [['a', 'b'], ['c']] } });
    expect(parseCommand({ op: 'heal' })).toEqual({ ok: true, command: { op: 'heal' } });
    expect(parseCommand({ op: 'faults', faults: { delayMs: 300 }, scope: 'all' })).toEqual({
      ok: true,
      command: { op: 'faults', faults: { delayMs: 300 }, direction: 'out', scope: 'all' },
    });
    expect(parseCommand({ op: 'faults', faults: { drop: 0.5, cut: false }, direction: 'both', scope: { group: ['a'] } })).toMatchObject({
      ok: true,
      command: { direction: 'both', scope: { group: ['a'] } },
    });
    expect(parseCommand({ op: 'crash' })).toEqual({ ok: true, command: { op: 'crash' } });
    expect(parseCommand({ op: 'revive' })).toEqual({ ok: true, command: { op: 'revive' } });
    expect(parseCommand({ op: 'chat-mode', mode: 'fifo' })).toEqual({ ok: true, command: { op: 'chat-mode', mode: 'fifo' } });
    expect(parseCommand({ op: 'report', on: true })).toEqual({ ok: true, command: { op: 'report', on: true, intervalMs: 1000 } });
  });

  it.each([
    ['not an object', ['heal'], 'must be an object'],
    ['an unknown op', { op: 'reboot' }, '"op" must be one of'],
    ['an extra field', { op: 'heal', all: true }, 'unexpected field "all"'],
    ['groups that are not lists', { op: 'partition', groups: 'a,b' }, '"groups" must be an array'],
    ['no groups at all', { op: 'partition', groups: [] }, '"groups" must be an array of 1-64'],
    ['a group holding a non-id', { op: 'partition', groups: [['a', 'b c']] }, '"groups[0]" holds "b c"'],
    ['a bad fault value', { op: 'faults', faults: { drop: 2 }, scope: 'all' }, '"faults": drop must be a probability'],
    ['an unknown fault', { op: 'faults', faults: { latency: 2 }, scope: 'all' }, 'unknown fault setting "latency"'],
    ['an empty patch', { op: 'faults', faults: {}, scope: 'all' }, 'no settings given'],
    ['a missing scope', { op: 'faults', faults: { drop: 0.1 } }, '"scope" must be "all" or {"group"'],
    ['a bad direction', { op: 'faults', faults: { drop: 0.1 }, direction: 'up', scope: 'all' }, '"direction" must be'],
    ['a bad mode', { op: 'chat-mode', mode: 'total' }, '"mode" must be one of none, fifo, causal'],
    ['a report without on', { op: 'report' }, '"on" must be true or false'],
    ['a report interval the server would refuse', { op: 'report', on: true, intervalMs: 100 }, '"intervalMs" must be an integer from 500'],
  ])('refuses %s, saying why', (_, raw, reason) => {
    const parsed = parseCommand(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});
