import { expect, test } from 'tabmesh/testing';

/**
 * Two browser engines in one room. Firefox is whichever the kit finds (testing/browsers.ts):
 * Playwright's own build, else a stock Firefox such as Debian's firefox-esr driven over
 * WebDriver BiDi. WebKit runs only as Playwright's own build. An engine that is not found
 * skips its test with the reason, printed and in the report.
 */
const detector = { heartbeatMs: 200, suspectMs: 1000, deadMs: 2500 };

for (const other of ['firefox', 'webkit'] as const) {
  test(`Chromium and ${other} tabs in one room form a mesh, split, heal and converge`, async ({ mesh }) => {
    test.setTimeout(180_000);
    const room = await mesh(4, { browsers: ['chromium', other], ...detector });
    const [c1, o1, c2, o2] = room.nodes;
    if (!c1 || !o1 || !c2 || !o2) throw new Error('mesh(4) opened fewer than four nodes');
    expect([c1, c2].map((n) => n.browser)).toEqual(['chromium#0', 'chromium#0']);
    expect([o1, o2].map((n) => n.browser)).toEqual([`${other}#0`, `${other}#0`]);

    await test.step('writes from either engine reach both', async () => {
      await c1.append('from-chromium;');
      await o1.say(`hello from ${other}`);
      await o2.put('engine', other);
      await room.waitConverged();
    });

    // Each side holds one tab of each engine, so every write below crosses engines.
    const left = [c1, o1];
    const right = [c2, o2];
    await test.step('split into two mixed halves: each side keeps writing on its own', async () => {
      await room.partition([left, right]);
      for (const node of left) for (const peer of right) await expect.poll(() => node.sees(peer), { message: `${node} should lose ${peer}` }).toBe(false);
      await o1.append('left;');
      await c2.append('right;');
      await c1.put('side', 'L');
      await o2.put('side', 'R');
      await c2.say('from the right');
      await expect.poll(() => o1.text()).toContain('left;');
      await expect.poll(() => o2.text()).toContain('right;');
      expect(await o1.get('side')).toEqual(['L']);
      expect(await c2.text()).not.toContain('left;');
    });

    await test.step('heal: the halves converge, with siblings for the key written on both sides', async () => {
      await room.heal();
      await room.waitConverged();
      for (const node of room.nodes) expect(await node.get('side')).toEqual(['L', 'R']);
      await room.waitFormed();
    });
  });
}
