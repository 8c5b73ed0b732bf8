// Exercise: "Write a test that shows a split brain in the KV store."
//
// A split brain is two parts of a system that cannot talk to each other, each still accepting
// writes and each sure it is right. tabmesh's KV store stays available in a partition (it is
// AP, in CAP terms), so a split brain is easy to provoke; what matters is what happens after
// the heal: here no write is silently thrown away. Both values come back as siblings, and the
// next put (made after reading them) resolves the conflict.
//
// Run it with: npx playwright test examples/split-brain.spec.ts
import { expect, test } from 'tabmesh/testing';

test('a partitioned KV store answers differently on each side, then keeps both writes as siblings', async ({ mesh }) => {
  // Four tabs spread over two browser processes; mesh() returns once they all see each other.
  const room = await mesh(4, { browsers: 2 });
  const [alice, bob, carol, dave] = room.nodes;
  if (!alice || !bob || !carol || !dave) throw new Error('mesh(4) opened fewer than four nodes');

  // Before the split, one write reaches everyone: waitConverged() polls every node until they agree.
  await alice.put('leader', 'alice');
  await room.waitConverged();

  // Cut the room in two. Each node drops every message to and from the other side.
  await room.partition([
    [alice, bob],
    [carol, dave],
  ]);

  // Both sides elect their own leader: two writes to one key, neither side seeing the other's.
  await bob.put('leader', 'bob');
  await dave.put('leader', 'dave');

  // The split brain: at the same moment, the two halves give different answers for one key.
  // expect.poll retries until gossip has spread each write within its own half.
  await expect.poll(() => alice.get('leader')).toEqual(['bob']);
  await expect.poll(() => carol.get('leader')).toEqual(['dave']);

  // Heal, and wait until all four agree again.
  await room.heal();
  await room.waitConverged();

  // Neither write was lost: each replaced 'alice', and they are concurrent, so both survive.
  for (const node of room.nodes) expect(await node.get('leader')).toEqual(['bob', 'dave']);

  // Resolving the conflict is the application's job: a put made after reading both replaces them.
  await carol.put('leader', 'carol');
  await room.waitConverged();
  for (const node of room.nodes) expect(await node.get('leader')).toEqual(['carol']);
});
