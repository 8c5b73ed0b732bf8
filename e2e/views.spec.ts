import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { checkShiViz } from '../core/trace-export.ts';
import { expect, test } from './fixtures.ts';
import type { TabNode } from './tab-node.ts';

/**
 * The teaching views driven by clicks: topology, space-time diagram, chat hold-back, KV
 * siblings, shared-text cursors, exports. The kit's handles (window.tabmesh) only name nodes,
 * read state for checks, and set the per-link delays the causal story needs to be exact.
 */
type Nodes<N extends number, T extends TabNode[] = []> = T['length'] extends N ? T : Nodes<N, [...T, TabNode]>;
function nodesOf<N extends 2 | 3 | 4>(list: readonly TabNode[], n: N): Nodes<N> {
  if (list.length !== n) throw new Error(`expected ${n} nodes, got ${list.length}`);
  return [...list] as Nodes<N>;
}

async function openTab(node: TabNode, tab: 'mesh' | 'diagram' | 'export'): Promise<void> {
  await node.page.getByTestId(`tab-${tab}`).click();
  await expect(node.page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
}

async function sendChat(node: TabNode, text: string): Promise<void> {
  await node.page.getByTestId('chat-input').fill(text);
  await node.page.getByTestId('chat-send').click();
  await expect(node.page.getByTestId('chat-input')).toHaveValue('');
}

const chatTexts = (node: TabNode): Promise<string[]> => node.page.getByTestId('chat-message').locator('.text').allTextContents();
const topologyLink = (node: TabNode, peer: TabNode): Locator => node.page.getByTestId(`topology-link-${peer.id}`);

/** Controls without a name a screen reader could announce: none, on every tab. */
function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const controls = document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [role="button"], [role="tab"]');
    return [...controls]
      .filter((el) => {
        const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        return !labelled && !el.textContent?.trim() && !el.getAttribute('title');
      })
      .map((el) => el.outerHTML.slice(0, 120));
  });
}

/** A test artefact; with TABMESH_UPDATE_SCREENSHOT=1 also docs/<name>.png, when `docs` (README shows it). */
async function saveScreenshot(page: Page, name: string, attach: (name: string, body: Buffer) => Promise<void>, docs = false): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  const png = await page.screenshot({ fullPage: true });
  await attach(`${name}.png`, png);
  if (docs && process.env.TABMESH_UPDATE_SCREENSHOT === '1') {
    const docs = fileURLToPath(new URL('../docs/', import.meta.url));
    await mkdir(docs, { recursive: true });
    await writeFile(`${docs}${name}.png`, png);
  }
}

test('a partition turns links red in the topology; shared traces fill every lane of the diagram', async ({ mesh }, testInfo) => {
  // Four tabs, a failure detector to wait for, a heal and a re-formed mesh: a long story.
  test.setTimeout(240_000);
  const room = await mesh(4, { browsers: 3 });
  const [a, b, c, d] = nodesOf(room.nodes, 4);
  const attach = (name: string, body: Buffer): Promise<void> => testInfo.attach(name, { body, contentType: 'image/png' });

  await test.step('the topology shows every member and this node’s links open', async () => {
    for (const peer of [b, c, d]) await expect(topologyLink(a, peer)).toHaveAttribute('data-state', 'open');
    await expect(a.page.getByTestId(`topology-node-${a.id}`)).toContainText('★');
    // Links between the others come from their heartbeats: three among b, c and d.
    await expect(a.page.locator('[data-testid="topology-edge"][data-state="open"]')).toHaveCount(3);
    expect(await unlabelledControls(a.page)).toEqual([]);
  });

  await test.step('split the room in halves: links across turn red (cut) on both sides', async () => {
    await room.partition([[a, b], [c, d]]);
    for (const [node, peers] of [[a, [c, d]], [c, [a, b]]] as const) {
      for (const peer of peers) await expect(topologyLink(node, peer)).toHaveAttribute('data-state', 'cut');
      await expect(topologyLink(node, peers[0])).toHaveAttribute('aria-label', /cut/);
    }
    await expect(topologyLink(a, b)).toHaveAttribute('data-state', 'open');
    await expect(a.page.getByTestId(`topology-node-${c.id}`)).toHaveAttribute('data-liveness', 'suspected');
  });

  await test.step('clicking a link in the graph brings its fault controls, and heal clears it', async () => {
    await topologyLink(a, c).click();
    const panel = a.page.getByTestId(`link-panel-${c.id}`);
    await expect(panel).toBeFocused();
    await expect(panel).toBeInViewport();
    await panel.getByTestId('fault-heal').click();
    await expect(topologyLink(a, c)).toHaveAttribute('data-state', 'open');
    await room.heal();
    await room.waitFormed();
    await saveScreenshot(a.page, 'screenshot-topology', attach);
  });

  await test.step('everyone shares its trace: a’s diagram draws four traced lanes with the chat between them', async () => {
    for (const node of room.nodes) {
      await openTab(node, 'diagram');
      await node.page.getByTestId('share-trace').check();
    }
    await sendChat(b, 'hello lanes');
    for (const peer of [b, c, d]) {
      const lane = a.page.locator(`[data-testid="diagram-lane"][data-node="${peer.id}"]`);
      await expect(lane).not.toContainText('trace not shared', { timeout: 15_000 });
    }
    await expect(a.page.locator('[data-testid="diagram-arrow"][data-kind="chat"][data-ending="head"]').first()).toBeVisible();
    expect(await unlabelledControls(a.page)).toEqual([]);
    await saveScreenshot(a.page, 'screenshot-diagram', attach, true);
  });

  await test.step('the tabs work from the keyboard', async () => {
    await a.page.getByTestId('tab-diagram').focus();
    await a.page.keyboard.press('ArrowRight');
    await expect(a.page.getByTestId('tab-export')).toBeFocused();
    await expect(a.page.getByTestId('panel-export')).toBeVisible();
    expect(await unlabelledControls(a.page)).toEqual([]);
    await a.page.keyboard.press('Home');
    await expect(a.page.getByTestId('tab-mesh')).toHaveAttribute('aria-selected', 'true');
  });
});

test('a dropped message is a crossed arrow; its clocks show on hover and its causal cones on select', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2 });
  const [a, b] = nodesOf(room.nodes, 2);

  await test.step('drop everything a sends to b, from the link panel', async () => {
    const panel = a.page.getByTestId(`link-panel-${b.id}`);
    await panel.getByTestId('fault-direction').selectOption('out');
    await panel.getByTestId('fault-drop').fill('100');
    await panel.getByTestId('fault-apply').click();
    await expect(panel).toContainText('out: drop 100 %');
    await sendChat(a, 'into the void');
  });

  // The first drop of the chat message: anti-entropy may resend it (b asks for what it lacks) and
  // the link drops the resend too, so more crossed arrows of it can follow.
  const crossed = a.page.locator('[data-testid="diagram-arrow"][data-kind="chat"][data-ending="cross"]').first();
  await test.step('the diagram shows the chat message ending in a cross', async () => {
    await openTab(a, 'diagram');
    await expect(crossed).toBeVisible();
    await a.page.getByTestId('diagram-pause').click();
    await expect(a.page.getByTestId('diagram-pause')).toHaveAttribute('aria-pressed', 'true');
  });

  await test.step('hovering the drop shows its Lamport time and vector clock', async () => {
    const dropKey = await crossed.getAttribute('data-end');
    const drop = a.page.locator(`[data-testid="diagram"] [data-key="${dropKey}"]`);
    await expect(drop).toHaveAttribute('data-type', 'drop');
    // On the element itself, not at its centre: a gossip drop in the same millisecond can sit on top of it.
    await drop.dispatchEvent('mouseover');
    const info = a.page.getByTestId('diagram-event-info');
    await expect(info).toContainText(`drop chat to ${b.name} (drop)`);
    const key = await drop.getAttribute('data-key');
    const journal = (await a.journal()) as { node: string; n: number; lamport: number }[];
    const recorded = journal.find((e) => `${e.node}#${e.n}` === key);
    expect(recorded).toBeDefined();
    await expect(info.getByTestId('event-lamport')).toHaveText(String(recorded?.lamport));
    await expect(info.getByTestId('event-vc').locator(`[data-node="${a.id}"]`)).toBeVisible();
  });

  await test.step('selecting the send highlights its causal past; the keyboard moves and selects too', async () => {
    const sendKey = await crossed.getAttribute('data-start');
    if (sendKey === null) throw new Error('the crossed arrow names no send');
    const send = a.page.locator(`[data-testid="diagram"] [data-key="${sendKey}"]`);
    // On the element itself, as the hover above: a gossip send in the same millisecond can cover it.
    await send.dispatchEvent('click');
    await expect(send).toHaveAttribute('aria-pressed', 'true');
    await expect(a.page.getByTestId('cone-summary')).toContainText('in its causal past');
    // a's earlier gossip on its own lane happened before the send.
    await expect(a.page.locator('[data-testid="diagram"] .past').first()).toBeVisible();
    await send.focus();
    await a.page.keyboard.press('ArrowUp');
    const focused = a.page.locator('[data-testid="diagram"] [data-key]:focus');
    await expect(focused).toHaveCount(1);
    await expect(focused).not.toHaveAttribute('data-key', sendKey);
    await a.page.keyboard.press('Enter');
    await expect(focused).toHaveAttribute('aria-pressed', 'true');
    await expect(send).toHaveAttribute('aria-pressed', 'false');
  });

  await test.step('a look at the Mesh tab and back keeps the paused picture and the selection', async () => {
    const selected = await a.page.locator('[data-testid="diagram"] [data-key][aria-pressed="true"]').getAttribute('data-key');
    await openTab(a, 'mesh');
    await expect(a.page.getByTestId('panel-diagram')).toBeHidden();
    await openTab(a, 'diagram');
    await expect(a.page.getByTestId('diagram-pause')).toHaveAttribute('aria-pressed', 'true');
    await expect(a.page.locator(`[data-testid="diagram"] [data-key="${selected}"]`)).toHaveAttribute('aria-pressed', 'true');
  });
});

test('causal chat holds a reply back while its question is delayed, and delivers both in order', async ({ mesh }) => {
  // Slow failure detection: links delayed by seconds must not look dead.
  const room = await mesh(3, { browsers: 3, suspectMs: 10_000, deadMs: 20_000 });
  const [a, b, c] = nodesOf(room.nodes, 3);
  const question = 'Q: who holds the token?';
  const reply = 'R: I do';

  await test.step('every path of the question to c is slow; c delivers causally', async () => {
    await c.page.getByTestId('chat-mode').selectOption('causal');
    await a.setFaults(c, { delayMs: 5000 }, 'out');
    // Both ways on b: the question's relay to c is slow, and so is c asking b to repair it.
    await b.setFaults(c, { delayMs: 5000 }, 'both');
    await sendChat(a, question);
    await expect.poll(() => chatTexts(b)).toEqual([question]);
  });

  await test.step('b answers over a link made fast again: c holds the reply, waiting for a’s message #1', async () => {
    await b.setFaults(c, { delayMs: 0 }, 'out');
    await sendChat(b, reply);
    const held = c.page.getByTestId('chat-held');
    await expect(held).toContainText(reply);
    await expect(held.getByTestId('chat-held-waits')).toContainText(`${a.name}'s message #1`);
    expect(await chatTexts(c)).toEqual([]);
  });

  await test.step('the question arrives and releases the reply behind it', async () => {
    await expect.poll(() => chatTexts(c), { timeout: 15_000 }).toEqual([question, reply]);
    await expect(c.page.getByTestId('chat-held')).toHaveCount(0);
  });
});

test('KV siblings appear after writes on both sides of a partition and go after one resolve', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2 });
  const [a, b] = nodesOf(room.nodes, 2);
  const put = async (node: TabNode, value: string): Promise<void> => {
    await node.page.getByTestId('kv-key').fill('leader');
    await node.page.getByTestId('kv-value').fill(value);
    await node.page.getByTestId('kv-put').click();
    await expect(node.page.getByTestId('kv-row-leader')).toContainText(value);
  };

  await test.step('isolate a, then write the key on both sides', async () => {
    await a.page.getByTestId('preset-isolate-me').click();
    await put(a, 'alice');
    await put(b, 'bob');
  });

  await test.step('heal: both nodes show two siblings side by side, with their version vectors', async () => {
    await a.page.getByTestId('preset-heal-all').click();
    for (const node of [a, b]) {
      const row = node.page.getByTestId('kv-row-leader');
      await expect(row).toHaveAttribute('data-siblings', '2');
      await expect(row.getByTestId('kv-sibling')).toHaveCount(2);
      await expect(row.locator('[data-testid="kv-sibling"][data-value="alice"] [data-node]')).toHaveAttribute('data-node', a.id);
    }
  });

  await test.step('keep "alice" on b: the new version supersedes both, everywhere', async () => {
    await b.page.getByTestId('kv-row-leader').locator('[data-value="bob"]').waitFor();
    await b.page.getByRole('button', { name: 'Resolve leader: keep alice' }).click();
    for (const node of [a, b]) {
      const row = node.page.getByTestId('kv-row-leader');
      await expect(row).toHaveAttribute('data-siblings', '1');
      await expect(row.getByTestId('kv-sibling')).toHaveText([/alice/]);
      await expect(row.getByTestId('kv-resolve')).toHaveCount(0);
    }
  });
});

test('two nodes see each other’s cursors in the shared text, and that they are in sync', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2 });
  const [a, b] = nodesOf(room.nodes, 2);
  const text = 'hello shared world';

  // Before anyone types: presence goes over each link as it opens, not at the first renewal (15 s).
  await expect(a.page.getByTestId(`presence-${b.id}`)).toBeVisible({ timeout: 5000 });
  await expect(b.page.getByTestId(`presence-${a.id}`)).toBeVisible({ timeout: 5000 });
  await a.page.getByTestId('shared-text').fill(text);
  await expect(b.page.getByTestId('shared-text')).toHaveValue(text);
  await a.page.getByTestId('shared-text').click();
  await a.page.keyboard.press('End');
  await b.page.getByTestId('shared-text').click();
  await b.page.keyboard.press('Home');

  const cursorOf = (node: TabNode, peer: TabNode): Locator => node.page.locator(`[data-testid="remote-cursor"][data-peer="${peer.id}"]`);
  await expect(cursorOf(a, b)).toBeVisible();
  await expect(cursorOf(a, b)).toHaveAttribute('data-at', '0');
  await expect(cursorOf(a, b)).toContainText(b.name);
  await expect(cursorOf(b, a)).toHaveAttribute('data-at', String(text.length));
  await expect(b.page.getByTestId(`presence-${a.id}`)).toContainText(`at ${text.length}`);
  // Nobody sees its own caret drawn over its text.
  await expect(cursorOf(a, a)).toHaveCount(0);
  await expect(a.page.getByTestId(`sync-${b.id}`)).toHaveAttribute('data-synced', 'true');
  await expect(b.page.getByTestId(`sync-${a.id}`)).toHaveAttribute('data-synced', 'true');
});

test('the ShiViz export of a short run checks out, and the JSON export imported elsewhere draws every event', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2 });
  const [a, b] = nodesOf(room.nodes, 2);

  await test.step('a short run with shared traces', async () => {
    for (const node of room.nodes) {
      await openTab(node, 'diagram');
      await node.page.getByTestId('share-trace').check();
    }
    await sendChat(a, 'one');
    await sendChat(b, 'two');
    await expect(a.page.locator(`[data-testid="diagram-lane"][data-node="${b.id}"]`)).not.toContainText('trace not shared');
    await openTab(a, 'export');
  });

  const downloaded = async (button: string): Promise<string> => {
    const [file] = await Promise.all([a.page.waitForEvent('download'), a.page.getByTestId(button).click()]);
    return readFile(await file.path(), 'utf8');
  };

  await test.step('the ShiViz log passes ShiViz’s rules', async () => {
    const log = await downloaded('export-shiviz');
    expect(checkShiViz(log)).toEqual([]);
    const hosts = new Set([...log.matchAll(/^(\S+) \{/gm)].map((m) => m[1]));
    expect(hosts).toEqual(new Set([a.id, b.id]));
    await expect(a.page.getByTestId('export-note')).toContainText('ShiViz log downloaded');
  });

  await test.step('the JSON journal, imported on b, is redrawn with every event', async () => {
    const json = await downloaded('export-json');
    const count = (JSON.parse(json) as { events: unknown[] }).events.length;
    expect(count).toBeGreaterThan(10);
    await openTab(b, 'export');
    await b.page.getByTestId('import-file').setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(json) });
    await expect(b.page.getByTestId('import-event-count')).toHaveText(String(count));
    await expect(b.page.getByTestId('import-diagram')).toHaveAttribute('data-events', String(count));
    await expect(b.page.locator('[data-testid="import-diagram"] [data-testid="diagram-lane"]')).toHaveCount(2);
  });

  await test.step('pasted garbage is refused with a reason, and the drawing stays', async () => {
    await b.page.getByTestId('import-text').fill('{"format":"tabmesh-journal","version":9}');
    await b.page.getByTestId('import-apply').click();
    await expect(b.page.getByTestId('import-error')).toContainText('version 9 is not supported');
    await expect(b.page.getByTestId('import-event-count')).toBeVisible();
  });
});
