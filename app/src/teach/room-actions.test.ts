import { describe, expect, it } from 'vitest';
import { memberJoined, perform } from './room-actions.ts';
import { emptyPlan, reconcile } from './room-plan.ts';

const members = ['a', 'b', 'c', 'd'];
const board = reconcile(emptyPlan(), members);

describe('room actions', () => {
  it('partition by groups sends the board as groups to everyone', () => {
    const out = perform(board, members, { op: 'partition-groups' });
    expect(out.plan).toMatchObject({ partitioned: true, inForce: true });
    expect(out.send).toEqual([{ to: 'all', command: { op: 'partition', groups: [['a', 'c'], ['b', 'd']] } }]);
  });

  it('a move before partitioning sends nothing; after, it re-partitions at once', () => {
    expect(perform(board, members, { op: 'move', member: 'a', group: 1 }).send).toEqual([]);
    const split = perform(board, members, { op: 'partition-groups' }).plan;
    expect(perform(split, members, { op: 'move', member: 'a', group: 1 }).send).toEqual([
      { to: 'all', command: { op: 'partition', groups: [['c'], ['b', 'd', 'a']] } },
    ]);
  });

  it('a late joiner during a partition lands in the smallest group and everyone hears the new partition', () => {
    const split = perform(board, [...members], { op: 'partition-halves' }).plan;
    const room = [...members, 'e'];
    const out = memberJoined(split, room, 'e');
    expect(out.send).toEqual([{ to: 'all', command: { op: 'partition', groups: [['a', 'b', 'e'], ['c', 'd']] } }]);
    expect(memberJoined(board, room, 'e').send).toEqual([]);
  });

  it('isolate toggles, and heal clears partition and isolation', () => {
    const iso = perform(board, members, { op: 'isolate', member: 'b' });
    expect(iso.send).toEqual([{ to: 'all', command: { op: 'partition', groups: [['a', 'c', 'd'], ['b']] } }]);
    const back = perform(iso.plan, members, { op: 'isolate', member: 'b' });
    expect(back.send).toEqual([{ to: 'all', command: { op: 'partition', groups: [['a', 'b', 'c', 'd']] } }]);
    const healed = perform(iso.plan, members, { op: 'heal' });
    expect(healed.plan).toMatchObject({ partitioned: false, isolated: [], inForce: false });
    expect(healed.send).toEqual([{ to: 'all', command: { op: 'heal' } }]);
  });

  it('explicit groups ignore members who left and place those not named', () => {
    const out = perform(board, members, { op: 'partition', groups: [['a', 'gone'], ['b']] });
    expect(out.send).toEqual([{ to: 'all', command: { op: 'partition', groups: [['a', 'c'], ['b', 'd']] } }]);
  });

  it('addresses crash and revive to one member, and skips members who left', () => {
    expect(perform(board, members, { op: 'crash', member: 'c' }).send).toEqual([{ to: ['c'], command: { op: 'crash' } }]);
    expect(perform(board, members, { op: 'revive', member: 'all' }).send).toEqual([{ to: 'all', command: { op: 'revive' } }]);
    expect(perform(board, members, { op: 'crash', member: 'x' })).toMatchObject({ send: [], note: 'x is not in the room; skipped' });
    expect(perform(board, members, { op: 'isolate', member: 'x' }).send).toEqual([]);
  });

  it('sends room faults with the present part of a group', () => {
    const out = perform(board, members, { op: 'faults', faults: { delayMs: 300 }, direction: 'out', scope: { group: ['a', 'gone'] } });
    expect(out.send).toEqual([{ to: 'all', command: { op: 'faults', faults: { delayMs: 300 }, direction: 'out', scope: { group: ['a'] } } }]);
    expect(perform(board, members, { op: 'faults', faults: { drop: 1 }, direction: 'out', scope: { group: ['gone'] } }).send).toEqual([]);
    expect(perform(board, members, { op: 'chat-mode', mode: 'fifo' }).send).toEqual([{ to: 'all', command: { op: 'chat-mode', mode: 'fifo' } }]);
  });
});
