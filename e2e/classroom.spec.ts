import type { BrowserContext, Page } from '@playwright/test';
import { createSignalingServer, type SignalingServer } from '../signaling/server.ts';
import { attachFailure } from '../testing/failure-report.ts';
import { Mesh, type TabNode } from '../testing/index.ts';
import { expect, test as kit } from './fixtures.ts';

/**
 * Classroom mode end to end: the instructor view at /teach driven by clicks, students as real
 * tabs over three browser processes. The kit's server has no instructor key, so this file runs
 * its own (same options otherwise) and builds its rooms with the kit's Mesh.
 */
const KEY = 'classroom-e2e-key';
/** Short failure-detector timeouts, so a partition shows within seconds. */
const detector = { heartbeatMs: 250, suspectMs: 1500, deadMs: 4000 };

interface FaultView {
  readonly out: { readonly delayMs: number; readonly cut: boolean; readonly drop: number };
  readonly in: { readonly delayMs: number; readonly cut: boolean; readonly drop: number };
}
type DebugWindow = Window & { __tabmeshDebug?: { faults(peer: string): FaultView } };

interface ClassroomKit {
  readonly server: SignalingServer;
  /** n students in a new room, formed. */
  students(n: number): Promise<Mesh>;
  /** The instructor view of `room`, connected with the key typed in and Connect clicked. */
  teacher(room: string): Promise<Page>;
}

const test = kit.extend<{ classroom: ClassroomKit }, { classroomServer: { url: string; server: SignalingServer } }>({
  classroomServer: [
    async ({}, use) => {
      const server = createSignalingServer({ host: '127.0.0.1', port: 0, instructorKey: KEY });
      try {
        const { url } = await server.listen();
        await use({ url, server });
      } finally {
        await server.close();
      }
    },
    { scope: 'worker' },
  ],
  classroom: async ({ classroomServer, browserPool }, use, testInfo) => {
    const { url, server } = classroomServer;
    const meshes: Mesh[] = [];
    const contexts: BrowserContext[] = [];
    const lines: string[] = [];
    const browsers = { list: browserPool, labels: browserPool.map((_, i) => `chromium#${i}`) };
    try {
      await use({
        server,
        async students(n) {
          const room = `class-${meshes.length}-${Date.now().toString(36)}`;
          const mesh = new Mesh(url, browsers, { room, ...detector }, lines);
          meshes.push(mesh);
          await mesh.openMany(n);
          await mesh.waitFormed();
          return mesh;
        },
        async teacher(room) {
          const browser = browserPool[0];
          if (!browser) throw new Error('the kit launched no browser');
          const context = await browser.newContext();
          contexts.push(context);
          const page = await context.newPage();
          page.on('console', (m) => lines.push(`[teacher] ${m.type()}: ${m.text()}`));
          page.on('pageerror', (e) => lines.push(`[teacher] page error: ${e.message}`));
          await page.goto(`${url}teach?room=${room}`);
          await page.getByTestId('teach-key').fill(KEY);
          await page.getByTestId('teach-connect').click();
          await expect(page.getByTestId('teach-status')).toHaveText('connected');
          return page;
        },
      });
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) await attachFailure(testInfo, meshes, lines);
      await Promise.allSettled([...meshes.map((m) => m.close()), ...contexts.map((c) => c.close())]);
    }
  },
});

/** Every node's fault settings towards each of the others, read in one call per tab, all tabs at once. */
async function faultTable(nodes: readonly TabNode[]): Promise<{ node: TabNode; peer: TabNode; f: FaultView }[]> {
  const rows = await Promise.all(
    nodes.map(async (node) => {
      const peers = nodes.filter((p) => p !== node);
      const views = await node.page.evaluate((ids) => {
        const hook = (window as DebugWindow).__tabmeshDebug;
        if (!hook) throw new Error('no __tabmeshDebug hook');
        return ids.map((id) => hook.faults(id));
      }, peers.map((p) => p.id));
      return peers.map((peer, i) => ({ node, peer, f: views[i] as FaultView }));
    }),
  );
  return rows.flat();
}

/** Names can repeat in a room; the id makes a pair unambiguous. */
const tag = (n: TabNode): string => `${n.name}/${n.id}`;

/** For each node, which of the others it cuts both ways: "a>b" for every such pair. */
async function cuts(nodes: readonly TabNode[]): Promise<string[]> {
  return (await faultTable(nodes))
    .filter(({ f }) => f.out.cut && f.in.cut)
    .map(({ node, peer }) => `${tag(node)}>${tag(peer)}`)
    .sort();
}

/** The pairs a partition into `groups` cuts. */
const expectedCuts = (groups: readonly (readonly TabNode[])[]): string[] =>
  groups
    .flatMap((g) => g.flatMap((n) => groups.filter((o) => o !== g).flatMap((o) => o.map((p) => `${tag(n)}>${tag(p)}`))))
    .sort();

/** Every member's row says its reports arrive. */
async function allReporting(page: Page, nodes: readonly TabNode[]): Promise<void> {
  for (const node of nodes) await expect(page.getByTestId(`member-status-${node.id}`)).toHaveText('up');
}

test('the instructor splits six students into groups with clicks, a late joiner lands in a group, heal converges', async ({ classroom }) => {
  test.setTimeout(180_000);
  const room = await classroom.students(6);
  const teacher = await classroom.teacher(room.room);
  const [a, b, c, d, e, f] = room.nodes;
  if (!a || !b || !c || !d || !e || !f) throw new Error('six students expected');
  const left = [a, b, c];
  const right = [d, e, f];
  await allReporting(teacher, room.nodes);
  // By id, not by name: two students can draw the same friendly name.
  const chip = (group: string, n: TabNode) => teacher.getByTestId(group).getByTestId(`group-member-${n.id}`);

  await test.step('arrange the groups by dragging rows and with the group select, then partition', async () => {
    const row = (n: TabNode) => teacher.getByTestId(`member-${n.id}`);
    // Each dragged row starts in the other group, so only the drop can put it where it ends up.
    for (const [n, from, to] of [[a, '1', 'group-1'], [d, '0', 'group-2']] as const) {
      await teacher.getByTestId(`member-group-select-${n.id}`).selectOption(from);
      await expect(chip(to, n)).toHaveCount(0);
      await row(n).dragTo(teacher.getByTestId(to), { sourcePosition: { x: 8, y: 8 } });
      await expect(chip(to, n)).toBeVisible();
    }
    for (const n of [b, c]) await teacher.getByTestId(`member-group-select-${n.id}`).selectOption('0');
    for (const n of [e, f]) await teacher.getByTestId(`member-group-select-${n.id}`).selectOption('1');
    for (const n of left) await expect(chip('group-1', n)).toBeVisible();
    for (const n of right) await expect(chip('group-2', n)).toBeVisible();
    await teacher.getByTestId('partition-groups').click();
    await expect.poll(() => cuts(room.nodes)).toEqual(expectedCuts([left, right]));
  });

  await test.step('writes on each side stay on that side', async () => {
    await b.append('left-text;');
    await e.append('right-text;');
    await a.say('from the left');
    await f.say('from the right');
    await a.put('shared', 'L');
    await d.put('shared', 'R');
    for (const [side, other, text, value] of [[left, right, 'left-text;', 'L'], [right, left, 'right-text;', 'R']] as const) {
      for (const n of side) await expect.poll(() => n.text()).toContain(text);
      for (const n of side) await expect.poll(() => n.get('shared')).toEqual([value]);
      for (const n of side) for (const p of other) await expect.poll(() => n.sees(p), { message: `${n} should lose ${p}` }).toBe(false);
    }
    // The failure detectors have given up on the other side: seconds of gossip crossed nothing.
    for (const n of right) {
      expect(await n.text()).not.toContain('left-text;');
      expect((await n.messages()).map((m) => m.text)).not.toContain('from the left');
      expect(await n.get('shared')).toEqual(['R']);
    }
    for (const n of left) {
      expect(await n.text()).not.toContain('right-text;');
      expect(await n.get('shared')).toEqual(['L']);
    }
  });

  await test.step('a student joining during the partition goes into the smallest group (ties: the first)', async () => {
    const late = await room.open(0);
    await expect(chip('group-1', late)).toBeVisible();
    // The seventh to join: number 7 in the member table and on its chip alike.
    await expect(teacher.getByTestId(`member-${late.id}`).getByRole('cell').first()).toHaveText('7');
    await expect(chip('group-1', late)).toHaveText(/^7 /);
    await expect.poll(() => cuts(room.nodes)).toEqual(expectedCuts([[...left, late], right]));
    await expect.poll(() => late.sees(a)).toBe(true);
    await expect.poll(() => late.text()).toContain('left-text;');
    left.push(late);
  });

  await test.step('heal all: everyone converges, with both values of the key written on both sides', async () => {
    await teacher.getByTestId('heal-all').click();
    await room.waitConverged();
    for (const n of room.nodes) expect(await n.get('shared')).toEqual(['L', 'R']);
    expect(await cuts(room.nodes)).toEqual([]);
    await room.waitFormed();
  });

  await test.step('crash one student from its row: the others declare it dead; revive brings it back', async () => {
    await teacher.getByTestId(`crash-${c.id}`).click();
    await expect(teacher.getByTestId(`member-status-${c.id}`)).toHaveText('crashed');
    await expect(c.page.getByTestId('crashed-banner')).toContainText('The instructor crashed this node');
    for (const n of [a, d]) await expect.poll(() => n.sees(c), { message: `${n} should declare ${c} dead` }).toBe(false);
    await d.append('while-c-was-down;');
    await teacher.getByTestId(`revive-${c.id}`).click();
    await expect(teacher.getByTestId(`member-status-${c.id}`)).toHaveText('up');
    await expect(c.page.getByTestId('crashed-banner')).toHaveCount(0);
    await room.waitFormed();
    await room.waitConverged();
  });
});

test('a three-step scenario file plays on time: each step shows in the students\' fault settings within 2 s', async ({ classroom }) => {
  const room = await classroom.students(6);
  const teacher = await classroom.teacher(room.room);
  await allReporting(teacher, room.nodes);
  const scenario = {
    name: 'Three steps',
    explanation: 'Split in halves, slow everything down, heal.',
    steps: [
      { at: 0, action: { op: 'partition-halves' } },
      { at: 3, action: { op: 'faults', faults: { delayMs: 300 } } },
      { at: 6, action: { op: 'heal' } },
    ],
  };
  await teacher.getByTestId('scenario-file').setInputFiles({ name: 'three-steps.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
  await expect(teacher.getByTestId('scenario-select')).toHaveValue('file');

  // Halves in join order, the order of the instructor's member table.
  const order = await teacher.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')?.replace(/^member-/, '')));
  const byId = (id: string | undefined): TabNode => {
    const node = room.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`the member table lists ${id}, which is no student of this room`);
    return node;
  };
  const halves = [order.slice(0, 3).map(byId), order.slice(3).map(byId)];
  const delays = async (): Promise<number[]> => (await faultTable(room.nodes)).map(({ f }) => f.out.delayMs);
  const state = async (): Promise<[string[], number[]]> => {
    const table = await faultTable(room.nodes);
    const cut = table.filter(({ f }) => f.out.cut && f.in.cut).map(({ node, peer }) => `${tag(node)}>${tag(peer)}`);
    return [cut.sort(), table.map(({ f }) => f.out.delayMs)];
  };

  // Scenario time starts when the page handles the click (the same system clock as Date.now here).
  await teacher.evaluate(() => {
    const start = document.querySelector('[data-testid="scenario-start"]');
    start?.addEventListener('click', () => ((window as Window & { startedAt?: number }).startedAt = Date.now()), { once: true });
  });
  await teacher.getByTestId('scenario-start').click();
  const started = await teacher.evaluate(() => (window as Window & { startedAt?: number }).startedAt ?? NaN);
  const within = async (step: number, at: number, check: () => Promise<unknown>, expected: unknown): Promise<void> => {
    const left = at * 1000 + 2000 - (Date.now() - started);
    await expect.poll(check, { timeout: Math.max(100, left), intervals: [50] }).toEqual(expected);
    const seen = Date.now() - started;
    expect(seen, `step ${step} (due at ${at} s) showed after ${seen} ms`).toBeLessThanOrEqual(at * 1000 + 2000);
    expect(seen, `step ${step} ran early`).toBeGreaterThanOrEqual(at * 1000);
  };

  await within(1, 0, state, [expectedCuts(halves), Array(30).fill(0)]);
  await within(2, 3, delays, Array(30).fill(300));
  await within(3, 6, state, [[], Array(30).fill(0)]);
  await expect(teacher.getByTestId('scenario-status')).toHaveText('finished "Three steps": all 3 steps ran');
});

test('a forged instructor command from a student page is refused as forbidden, counted, and reaches nobody', async ({ classroom }) => {
  const room = await classroom.students(2);
  const [a, b] = room.nodes;
  if (!a || !b) throw new Error('two students expected');
  const before = classroom.server.stats();
  const replies = await a.page.evaluate(async (roomName) => {
    const ws = new WebSocket(`ws://${location.host}/signal`);
    const frames: { type: string; code?: string }[] = [];
    ws.onmessage = (event) => frames.push(JSON.parse(String(event.data)) as { type: string; code?: string });
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    ws.send(JSON.stringify({ type: 'join', room: roomName, id: 'forger', name: 'Mallory' }));
    ws.send(JSON.stringify({ type: 'control', to: 'all', command: { op: 'crash' } }));
    ws.send(JSON.stringify({ type: 'instructor', room: roomName, key: 'a-guessed-key' }));
    ws.send(JSON.stringify({ type: 'control', to: 'all', command: { op: 'partition', groups: [['forger']] } }));
    const deadline = Date.now() + 5000;
    while (frames.filter((f) => f.type === 'error').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    ws.close();
    return frames;
  }, room.room);
  expect(replies.filter((f) => f.type === 'error').map((f) => f.code)).toEqual(['forbidden', 'bad-key', 'forbidden']);
  const after = classroom.server.stats();
  expect(after.forgedControl - before.forgedControl).toBe(2);
  expect(after.controlRelayed).toBe(before.controlRelayed);
  // Nothing reached the students: no cut, and they still see each other.
  expect(await cuts(room.nodes)).toEqual([]);
  expect(await a.sees(b)).toBe(true);
});
