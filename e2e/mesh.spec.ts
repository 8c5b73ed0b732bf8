import { expect, test } from 'tabmesh/testing';
import { acceptLimit } from '../core/mesh-planner.ts';

test('five nodes over three browsers replicate, split 2|3, and converge after heal', async ({ mesh }) => {
  const room = await mesh(5, { browsers: 3 });
  const [a, b, c, d, e] = room.nodes;
  if (!a || !b || !c || !d || !e) throw new Error('mesh(5) opened fewer than five nodes');

  await test.step('a write on one node reaches every node', async () => {
    await a.insert(0, 'hello;');
    await a.say('hi all');
    await a.put('colour', 'blue');
    await room.waitConverged();
    for (const node of room.nodes) expect(await node.get('colour')).toEqual(['blue']);
  });

  const left = [a, b];
  const right = [c, d, e];
  await test.step('partition {a,b} | {c,d,e}: writes stay on their side', async () => {
    await room.partition([left, right]);
    await b.append('left-text;');
    await d.append('right-text;');
    await b.say('from the left');
    await e.say('from the right');
    await a.put('shared', 'L');
    await c.put('shared', 'R');
    await b.put('only-left', 'x');
    for (const node of left) {
      await expect.poll(() => node.text()).toContain('left-text;');
      await expect.poll(async () => (await node.messages()).map((m) => m.text)).toContain('from the left');
      await expect.poll(() => node.get('shared')).toEqual(['L']);
    }
    for (const node of right) {
      await expect.poll(() => node.text()).toContain('right-text;');
      await expect.poll(async () => (await node.messages()).map((m) => m.text)).toContain('from the right');
      await expect.poll(() => node.get('shared')).toEqual(['R']);
    }
    // Each side's failure detector gives up on the other (default timeouts: suspected after 2.5 s).
    for (const [side, other] of [[left, right], [right, left]] as const) {
      for (const node of side) for (const peer of other) await expect.poll(() => node.sees(peer), { message: `${node} should lose ${peer}` }).toBe(false);
      for (const node of side) for (const peer of side) if (peer !== node) expect(await node.sees(peer)).toBe(true);
    }
    // Seconds of gossip and anti-entropy have passed by now: nothing crossed the cut.
    for (const node of right) {
      expect(await node.text()).not.toContain('left-text;');
      expect((await node.messages()).map((m) => m.text)).not.toContain('from the left');
      expect(await node.get('only-left')).toEqual([]);
    }
    for (const node of left) {
      expect(await node.text()).not.toContain('right-text;');
      expect((await node.messages()).map((m) => m.text)).not.toContain('from the right');
    }
  });

  await test.step('heal: everyone converges, with siblings for the key written on both sides', async () => {
    await room.heal();
    await room.waitConverged();
    for (const node of room.nodes) {
      expect(await node.get('shared')).toEqual(['L', 'R']);
      expect(await node.get('only-left')).toEqual(['x']);
    }
    await room.waitFormed();
  });
});

test('with ?degree=2, six nodes form a partial mesh that still carries every write', async ({ mesh }) => {
  const degree = 2;
  const room = await mesh(6, { browsers: 3, degree });
  for (const node of room.nodes) {
    const open = (await node.peers()).filter((p) => p.link === 'open').length;
    // The planner's target plus the spares it admits from others (4 at degree 2), never all five.
    expect(open, `${node} has ${open} open links`).toBeLessThanOrEqual(acceptLimit(degree));
  }
  const [first, last] = [room.nodes[0], room.nodes.at(-1)];
  if (!first || !last) throw new Error('mesh(6) opened no nodes');
  await first.append('from-first;');
  await last.say('from the last');
  await last.put('k', 'v');
  await room.waitConverged();
});
