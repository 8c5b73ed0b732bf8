import { expect, test } from 'tabmesh/testing';

const detector = { heartbeatMs: 200, suspectMs: 1000, deadMs: 2000 };

test('a closed tab is marked dead within the failure-detector timeout, and a reopened tab joins again', async ({ mesh }) => {
  const room = await mesh(3, { browsers: 3, ...detector });
  const [a, b, victim] = room.nodes;
  if (!a || !b || !victim) throw new Error('mesh(3) opened fewer than three nodes');
  await a.append('before;');
  await victim.say('still here');
  await room.waitConverged();

  await test.step('close the tab: the others mark it dead', async () => {
    const closedAt = Date.now();
    await room.crash(victim);
    for (const node of [a, b]) {
      // deadMs plus a few heartbeats of slack for the last counter still in flight.
      await expect.poll(() => node.sees(victim), { timeout: detector.deadMs + 3000, message: `${node} still thinks ${victim} is alive` }).toBe(false);
    }
    expect(Date.now() - closedAt).toBeLessThan(detector.deadMs + 3000);
  });

  await test.step('a reopened tab joins as a new node and catches up', async () => {
    const reopened = await room.open(2);
    expect(reopened.id).not.toBe(victim.id);
    await room.waitFormed();
    await room.waitConverged();
    for (const node of room.nodes) expect(await node.sees(victim)).toBe(false);
    await reopened.append('after;');
    await room.waitConverged();
  });
});

test('default failure-detector timeouts: a closed tab is dead for the others within 6 s', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2 });
  const [a, victim] = room.nodes;
  if (!a || !victim) throw new Error('mesh(2) opened fewer than two nodes');
  await room.crash(victim);
  await expect.poll(() => a.sees(victim), { timeout: 6000 + 3000 }).toBe(false);
  // The link went with the tab, and a dead member is not linked to again.
  await expect.poll(async () => (await a.peers()).find((p) => p.id === victim.id)?.link).toBe('closed');
});
