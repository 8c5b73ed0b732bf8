import { expect, test } from 'tabmesh/testing';

test('window.tabmesh refuses invalid arguments with clear errors and changes nothing', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2 });
  const [a, b] = room.nodes;
  if (!a || !b) throw new Error('mesh(2) opened fewer than two nodes');

  const errors = await a.page.evaluate((peer) => {
    const t = window.tabmesh;
    const calls: Record<string, () => unknown> = {
      'drop above 1': () => t.setFaults(peer, { drop: 2 }),
      'negative delay': () => t.setFaults(peer, { delayMs: -1 }),
      'zero bandwidth': () => t.setFaults(peer, { bandwidthKbps: 0 }),
      'unknown fault': () => t.setFaults(peer, { warp: 1 } as never),
      'faults not an object': () => t.setFaults(peer, null as never),
      'bad direction': () => t.setFaults(peer, { drop: 0.5 }, 'sideways' as never),
      'unknown peer': () => t.setFaults('nobody', { drop: 0.1 }),
      'own id': () => t.setFaults(t.id, { drop: 0.1 }),
      'partition with a string': () => t.partition(peer as never),
      'partition with one unknown peer': () => t.partition([peer, 'nobody']),
      'heal an unknown peer': () => t.heal(['nobody']),
      'chat number': () => t.chat.send(42 as never),
      'chat too long': () => t.chat.send('x'.repeat(2001)),
      'chat mode': () => t.chat.setMode('total' as never),
      'empty key': () => t.kv.put('', 'v'),
      'value not a string': () => t.kv.put('k', 7 as never),
      'insert past the end': () => t.text.insert(1, 'x'),
      'insert at a fraction': () => t.text.insert(0.5, 'x'),
      'delete past the end': () => t.text.delete(0, 1),
    };
    const out: Record<string, string> = {};
    for (const [what, call] of Object.entries(calls)) {
      try {
        call();
        out[what] = 'no error';
      } catch (err) {
        out[what] = err instanceof Error ? `${err.name}: ${err.message}` : `non-Error ${String(err)}`;
      }
    }
    return out;
  }, b.id);

  expect(errors).toEqual({
    'drop above 1': expect.stringMatching(/^RangeError: drop must be a probability/),
    'negative delay': expect.stringMatching(/^RangeError: delayMs must be/),
    'zero bandwidth': expect.stringMatching(/^RangeError: bandwidthKbps must be a positive number or null/),
    'unknown fault': expect.stringMatching(/^RangeError: unknown fault setting "warp"/),
    'faults not an object': expect.stringMatching(/^TypeError: fault settings must be an object/),
    'bad direction': expect.stringMatching(/^TypeError: direction must be/),
    'unknown peer': expect.stringMatching(/^RangeError: unknown peer nobody/),
    'own id': expect.stringMatching(/^RangeError: .* own id/),
    'partition with a string': expect.stringMatching(/^TypeError: peer ids must be an array/),
    'partition with one unknown peer': expect.stringMatching(/^RangeError: unknown peer nobody/),
    'heal an unknown peer': expect.stringMatching(/^RangeError: unknown peer nobody/),
    'chat number': expect.stringMatching(/^TypeError: chat text must be a string/),
    'chat too long': expect.stringMatching(/^RangeError: chat text is 2001 characters/),
    'chat mode': expect.stringMatching(/^TypeError: unknown delivery mode/),
    'empty key': expect.stringMatching(/^RangeError: key must be 1\.\.256 characters/),
    'value not a string': expect.stringMatching(/^TypeError: value must be a string/),
    'insert past the end': expect.stringMatching(/^RangeError: index 1 is outside 0\.\.0/),
    'insert at a fraction': expect.stringMatching(/^TypeError: index must be an integer/),
    'delete past the end': expect.stringMatching(/^RangeError: length 1 is outside 0\.\.0/),
  });

  // Nothing took effect: not the valid half of the partition, no data.
  await a.say('after the errors');
  await expect.poll(async () => (await b.messages()).map((m) => m.text)).toEqual(['after the errors']);
  expect(await a.text()).toBe('');
  expect(await a.get('k')).toEqual([]);
  expect((await a.stats())[b.id]?.dropped).toBe(0);
});

test('setFaults merges fields, stats count both directions, heal clears every fault', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2 });
  const [a, b] = room.nodes;
  if (!a || !b) throw new Error('mesh(2) opened fewer than two nodes');

  await a.setFaults(b, { drop: 1 }, 'out');
  await a.setFaults(b, { delayMs: 10 });
  await a.put('k', 'lost');
  // drop survived the second call (merged, not replaced): nothing reaches b.
  await expect.poll(async () => (await a.stats())[b.id]?.dropped ?? 0).toBeGreaterThan(0);
  expect(await b.get('k')).toEqual([]);
  expect(await a.get('missing')).toEqual([]);

  await a.heal([b]);
  // Anti-entropy repairs the dropped write once the link is clean.
  await expect.poll(() => b.get('k')).toEqual(['lost']);
  const [ofA, ofB] = [(await a.stats())[b.id], (await b.stats())[a.id]];
  expect(ofA?.sent).toBeGreaterThan(0);
  expect(ofA?.received).toBeGreaterThan(0);
  expect(ofB?.dropped).toBe(0);
  // After heal, a's messages flow again: b receives a's heartbeats.
  const before = (await b.stats())[a.id]?.received ?? 0;
  await expect.poll(async () => (await b.stats())[a.id]?.received ?? 0).toBeGreaterThan(before);
});

test('a 300 KB insert crosses the data channel (chunked, as Chromium drops messages over 256 KiB)', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2 });
  const [a, b] = room.nodes;
  if (!a || !b) throw new Error('mesh(2) opened fewer than two nodes');
  const big = 'abcdefghij'.repeat(30_000);
  await a.page.evaluate((s) => window.tabmesh.text.insert(0, s), big);
  await expect.poll(async () => (await b.text()).length).toBe(big.length);
  expect(await b.text()).toBe(big);
});

test('a node opened with ?ui=none joins and works through window.tabmesh, without mounting its views', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2, ui: 'none' });
  const [a, b] = room.nodes;
  if (!a || !b) throw new Error('mesh(2) opened fewer than two nodes');

  await a.put('k', 'headless');
  await expect.poll(() => b.get('k')).toEqual(['headless']);
  for (const node of [a, b]) {
    // The progress line gives way to one that says why there is no page; no view ever mounts.
    await expect(node.page.locator('#app')).toHaveText(/runs without its page \(\?ui=none\); window\.tabmesh drives it\./);
    await expect(node.page.getByTestId('node-name')).toHaveCount(0);
  }
});
