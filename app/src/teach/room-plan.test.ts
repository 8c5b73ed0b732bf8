import { describe, expect, it } from 'vitest';
import { addMember, emptyPlan, halves, moveMember, partitionGroups, reconcile, removeMember, setGroupCount, smallestGroup } from './room-plan.ts';

describe('room plan', () => {
  it('places each newcomer into the smallest group, the first of equals', () => {
    let plan = emptyPlan(3);
    for (const id of ['a', 'b', 'c', 'd']) plan = addMember(plan, id);
    expect(plan.groups).toEqual([['a', 'd'], ['b'], ['c']]);
    plan = moveMember(plan, 'c', 0);
    expect(plan.groups).toEqual([['a', 'd', 'c'], ['b'], []]);
    expect(smallestGroup(plan.groups)).toBe(2);
    expect(addMember(plan, 'a')).toBe(plan);
  });

  it('takes leavers out, and reconciles with the members present in join order', () => {
    let plan = reconcile(emptyPlan(), ['a', 'b', 'c']);
    plan = { ...plan, isolated: ['b'] };
    plan = removeMember(plan, 'b');
    expect(plan).toMatchObject({ groups: [['a', 'c'], []], isolated: [] });
    expect(reconcile(plan, ['c', 'd', 'e']).groups).toEqual([['c', 'e'], ['d']]);
  });

  it('refuses a move to a group that does not exist', () => {
    expect(() => moveMember(emptyPlan(2), 'a', 2)).toThrow('there is no group 3');
  });

  it('keeps every member when the number of groups shrinks, within 2 to 6 groups', () => {
    let plan = reconcile(emptyPlan(4), ['a', 'b', 'c', 'd', 'e']);
    expect(plan.groups).toEqual([['a', 'e'], ['b'], ['c'], ['d']]);
    plan = setGroupCount(plan, 2);
    expect(plan.groups).toEqual([['a', 'e', 'd'], ['b', 'c']]);
    expect(setGroupCount(plan, 9).groups).toHaveLength(6);
    expect(setGroupCount(plan, 1).groups).toHaveLength(2);
  });

  it('splits into halves in join order, the first half taking the odd one', () => {
    expect(halves(emptyPlan(3), ['a', 'b', 'c', 'd', 'e']).groups).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });

  it('builds partition groups from the board, with isolated members alone', () => {
    const members = ['a', 'b', 'c', 'd'];
    const plan = { ...reconcile(emptyPlan(), members), isolated: ['c'] };
    expect(partitionGroups(plan, members)).toEqual([['a', 'b', 'd'], ['c']]);
    expect(partitionGroups({ ...plan, partitioned: true }, members)).toEqual([['a'], ['b', 'd'], ['c']]);
    expect(partitionGroups({ ...plan, partitioned: true, isolated: [] }, members)).toEqual([['a', 'c'], ['b', 'd']]);
  });
});
