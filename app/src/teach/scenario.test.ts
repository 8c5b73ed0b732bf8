import { describe, expect, it } from 'vitest';
import { reconcile, emptyPlan } from './room-plan.ts';
import { parseScenario, parseScenarioText, resolveAction, type ScenarioAction } from './scenario.ts';
import { SHIPPED_SCENARIOS } from './shipped-scenarios.ts';

const valid = {
  name: 'Three steps',
  explanation: 'split, slow down, heal',
  steps: [
    { at: 0, action: { op: 'partition-halves' } },
    { at: 3, action: { op: 'faults', faults: { delayMs: 300 } } },
    { at: 6.5, action: { op: 'heal' } },
  ],
};

describe('scenario files', () => {
  it('parse, with room-wide scope and sending-end faults by default', () => {
    const parsed = parseScenarioText(JSON.stringify(valid));
    expect(parsed).toEqual({
      ok: true,
      scenario: {
        ...valid,
        steps: [valid.steps[0], { at: 3, action: { op: 'faults', faults: { delayMs: 300 }, direction: 'out', scope: 'all' } }, valid.steps[2]],
      },
    });
  });

  it('name every problem with where it is', () => {
    const bad = {
      name: '',
      steps: [
        { at: 5, action: { op: 'heal' } },
        { at: 2, action: { op: 'explode' } },
        { at: -1, action: { op: 'crash', member: 0 } },
        { at: 9, action: { op: 'faults', faults: { drop: 7 }, scope: { group: 'left' } } },
        { when: 10, action: { op: 'heal' } },
      ],
    };
    const parsed = parseScenario(bad);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      'name: "name" must be text of 1-80 characters, got ""',
      "steps[1].at: 2 s comes before the previous step's 5 s; list steps in time order",
      'steps[1].action: unknown "op" "explode"; one of partition-halves, partition, isolate, heal, faults, crash, revive, chat-mode',
      'steps[2].at: must be seconds from 0 to 86400, got -1',
      'steps[2].action: "member" must be a member number (1-64, in join order) or a member id, got 0',
      'steps[3].action: "faults": drop must be a probability from 0 to 1, got 7',
      'steps[4]: unexpected field "when" (allowed: at, action)',
      'steps[4].at: must be seconds from 0 to 86400, got nothing',
    ]);
  });

  it('refuse what is not JSON, or not a scenario', () => {
    expect(parseScenarioText('{"name": ')).toMatchObject({ ok: false, errors: [expect.stringMatching(/^not JSON: /)] });
    expect(parseScenarioText('[]')).toMatchObject({ ok: false, errors: [expect.stringContaining('must be a JSON object')] });
    expect(parseScenario({ name: 'x', steps: [] })).toMatchObject({ ok: false, errors: ['steps: must be a list of 1-200 steps, got []'] });
  });

  it('ship valid, each with an explanation', () => {
    expect(SHIPPED_SCENARIOS.map((s) => s.id)).toEqual(['split-brain', 'flaky-network', 'slow-link', 'crash-and-recover', 'fallacies-tour']);
    for (const { id, parsed } of SHIPPED_SCENARIOS) {
      expect(parsed.ok ? [] : parsed.errors, id).toEqual([]);
      if (parsed.ok) expect(parsed.scenario.explanation.length, id).toBeGreaterThan(100);
    }
  });
});

describe('resolving a step against the room', () => {
  const members = ['a', 'b', 'c'];
  const plan = reconcile(emptyPlan(), members);
  const resolve = (a: ScenarioAction) => resolveAction(a, members, plan);

  it('names members by number in join order, or by id, and skips those not present', () => {
    expect(resolve({ op: 'crash', member: 2 })).toEqual({ op: 'crash', member: 'b' });
    expect(resolve({ op: 'crash', member: 'c' })).toEqual({ op: 'crash', member: 'c' });
    expect(resolve({ op: 'crash', member: 4 })).toEqual({ skip: 'member 4 is not in the room' });
    expect(resolve({ op: 'revive' })).toEqual({ op: 'revive', member: 'all' });
    expect(resolve({ op: 'isolate', member: 1 })).toEqual({ op: 'isolate', member: 'a' });
    expect(resolveAction({ op: 'isolate', member: 1 }, members, { ...plan, isolated: ['a'] })).toEqual({ skip: 'member 1 is already isolated' });
  });

  it('reads groups from the board by number, or as lists of members', () => {
    const faults = { op: 'faults', faults: { delayMs: 1 }, direction: 'out' } as const;
    expect(resolve({ ...faults, scope: { group: 2 } })).toEqual({ ...faults, scope: { group: ['b'] } });
    expect(resolve({ ...faults, scope: { group: [1, 'c', 9] } })).toEqual({ ...faults, scope: { group: ['a', 'c'] } });
    expect(resolve({ ...faults, scope: { group: 3 } })).toEqual({ skip: 'there is no group 3 on the board' });
    expect(resolve({ op: 'partition' })).toEqual({ op: 'partition-groups' });
    expect(resolve({ op: 'partition', groups: [[1], [2, 3]] })).toEqual({ op: 'partition', groups: [['a'], ['b', 'c']] });
  });
});
