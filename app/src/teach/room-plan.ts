/**
 * The instructor's plan of the room: the groups on the board, whether they are in force as a
 * partition, and who is isolated. Pure values, replaced whole on every change.
 *
 * Late joiners (README, "Teaching a class"): every member is always in exactly one group of the
 * board. A newcomer goes into the currently smallest group (ties: the first one), and while a
 * partition is in force the instructor view sends the partition again to everyone, so the
 * newcomer lands on that side. Until that command arrives, members already partitioned cut the
 * newcomer (runtime/control-plane.ts), so a late joiner never bridges the two sides. A member
 * that leaves is taken out of its group; nothing is sent for that.
 */
export interface RoomPlan {
  readonly groups: readonly (readonly string[])[];
  /** The board's groups are in force as a partition. */
  readonly partitioned: boolean;
  /** Members cut off from everyone, on top of any partition. */
  readonly isolated: readonly string[];
  /** A partition command stands on the nodes (partitioned or someone isolated), until heal. */
  readonly inForce: boolean;
}

export const MIN_GROUPS = 2;
export const MAX_GROUPS = 6;

export function emptyPlan(groupCount = MIN_GROUPS): RoomPlan {
  return { groups: Array.from({ length: clampCount(groupCount) }, () => []), partitioned: false, isolated: [], inForce: false };
}

function clampCount(n: number): number {
  return Math.min(MAX_GROUPS, Math.max(MIN_GROUPS, Math.trunc(n)));
}

/** Index of the smallest group, the first of equals. */
export function smallestGroup(groups: readonly (readonly string[])[]): number {
  let best = 0;
  groups.forEach((g, i) => {
    if (g.length < (groups[best]?.length ?? Infinity)) best = i;
  });
  return best;
}

const without = (plan: RoomPlan, id: string): RoomPlan => ({
  ...plan,
  groups: plan.groups.map((g) => g.filter((m) => m !== id)),
  isolated: plan.isolated.filter((m) => m !== id),
});

export const groupOf = (plan: RoomPlan, id: string): number => plan.groups.findIndex((g) => g.includes(id));

/** The late-joiner rule: into the smallest group. A member already placed stays where it is. */
export function addMember(plan: RoomPlan, id: string): RoomPlan {
  if (groupOf(plan, id) !== -1) return plan;
  const target = smallestGroup(plan.groups);
  return { ...plan, groups: plan.groups.map((g, i) => (i === target ? [...g, id] : g)) };
}

export function removeMember(plan: RoomPlan, id: string): RoomPlan {
  return without(plan, id);
}

/** Puts the board in step with the members present, in their join order. */
export function reconcile(plan: RoomPlan, members: readonly string[]): RoomPlan {
  const present = new Set(members);
  let next: RoomPlan = {
    ...plan,
    groups: plan.groups.map((g) => g.filter((m) => present.has(m))),
    isolated: plan.isolated.filter((m) => present.has(m)),
  };
  for (const id of members) next = addMember(next, id);
  return next;
}

export function moveMember(plan: RoomPlan, id: string, group: number): RoomPlan {
  if (!Number.isInteger(group) || group < 0 || group >= plan.groups.length) throw new RangeError(`there is no group ${group + 1}`);
  const rest = without(plan, id);
  return { ...rest, isolated: plan.isolated, groups: rest.groups.map((g, i) => (i === group ? [...g, id] : g)) };
}

/** Fewer groups: members of the groups that go are placed by the late-joiner rule. */
export function setGroupCount(plan: RoomPlan, count: number): RoomPlan {
  const n = clampCount(count);
  if (n >= plan.groups.length) return { ...plan, groups: [...plan.groups, ...Array.from({ length: n - plan.groups.length }, () => [])] };
  let next: RoomPlan = { ...plan, groups: plan.groups.slice(0, n) };
  for (const id of plan.groups.slice(n).flat()) next = addMember(next, id);
  return next;
}

/** Two groups: the first half of the members (in join order) and the rest. */
export function halves(plan: RoomPlan, members: readonly string[]): RoomPlan {
  const cut = Math.ceil(members.length / 2);
  return { ...plan, groups: [members.slice(0, cut), members.slice(cut)] };
}

/**
 * The groups of the partition command that puts this plan in force: the board's groups (or
 * everyone together when the board is not in force), less isolated members, who each get a
 * group of their own. Empty groups are left out.
 */
export function partitionGroups(plan: RoomPlan, members: readonly string[]): string[][] {
  const isolated = new Set(plan.isolated);
  const base = plan.partitioned ? plan.groups : [members];
  const groups = base.map((g) => g.filter((m) => !isolated.has(m))).filter((g) => g.length > 0);
  return [...groups, ...plan.isolated.map((m) => [m])];
}
