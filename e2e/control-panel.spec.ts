import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import type { TabNode } from './tab-node.ts';

/**
 * The page driven the way a learner drives it: clicks and typing only, read back from what the
 * page shows. window.tabmesh appears only to name nodes and to read state for the checks.
 */

/** Short timeouts, so suspected (1.5 s of silence) is on screen a good while before dead (4 s). */
const detector = { heartbeatMs: 250, suspectMs: 1500, deadMs: 4000 };

const linkPanel = (node: TabNode, peer: TabNode): Locator => node.page.getByTestId(`link-panel-${peer.id}`);
const peerRow = (node: TabNode, peer: TabNode): Locator => node.page.getByTestId(`peer-row-${peer.id}`);
const counter = async (panel: Locator, name: string): Promise<number> => Number(await panel.getByTestId(`counter-${name}`).textContent());
const chatTexts = (node: TabNode): Promise<string[]> => node.page.getByTestId('chat-message').locator('.text').allTextContents();

async function sendChat(node: TabNode, text: string): Promise<void> {
  await node.page.getByTestId('chat-input').fill(text);
  await node.page.getByTestId('chat-send').click();
  await expect(node.page.getByTestId('chat-input')).toHaveValue('');
}

test('dropping every outgoing message on a link from its panel silences it; heal repairs what was lost', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 2, ...detector });
  const [a, b] = room.nodes;
  if (!a || !b) throw new Error('mesh(2) opened fewer than two nodes');
  const panel = linkPanel(a, b);

  await test.step('set drop 100 % outgoing in the panel and apply', async () => {
    // The member table links each member to its panel.
    await peerRow(a, b).getByRole('link', { name: b.name }).click();
    await expect(panel).toBeInViewport();
    await panel.getByTestId('fault-direction').selectOption('out');
    await panel.getByTestId('fault-drop').fill('100');
    await panel.getByTestId('fault-apply').click();
    await expect(panel).toContainText('out: drop 100 %');
    await expect(panel).toContainText('in: no faults');
  });

  await test.step('chat typed on a is dropped on the link: the counter rises, b hears nothing', async () => {
    const before = await counter(panel, 'dropped');
    await sendChat(a, 'lost one');
    await sendChat(a, 'lost two');
    await expect.poll(() => counter(panel, 'dropped')).toBeGreaterThan(before);
    await expect(a.page.getByTestId('chat-message')).toHaveCount(2);
    // b stops hearing a's heartbeats too: suspected, then dead, each shown in words. On a busy
    // machine a repaint can skip the short suspected phase, so the first check takes either.
    await expect(peerRow(b, a).getByTestId('liveness')).toContainText(/\? suspected|† dead/);
    await expect(peerRow(b, a).getByTestId('liveness')).toContainText('† dead');
    // Seconds have passed since the chat went out, and nothing of it arrived.
    expect(await chatTexts(b)).toEqual([]);
  });

  await test.step('heal in the panel: anti-entropy delivers both messages and b sees a alive', async () => {
    await panel.getByTestId('fault-heal').click();
    await expect(panel).toContainText('out: no faults');
    await expect(panel.getByTestId('fault-drop')).toHaveValue('0');
    await expect.poll(() => chatTexts(b)).toEqual(['lost one', 'lost two']);
    await expect(peerRow(b, a).getByTestId('liveness')).toContainText('♥ alive');
  });
});

test('cut, isolate me and heal all show as words on four nodes; the screenshot of the page', async ({ mesh }, testInfo) => {
  const room = await mesh(4, { browsers: 3, ...detector });
  const [a, b, ...rest] = room.nodes;
  if (!a || !b || rest.length !== 2) throw new Error('mesh(4) opened fewer than four nodes');
  const others = [b, ...rest];

  await test.step('a key typed into the KV form, a chat line and shared text reach every node', async () => {
    await a.page.getByTestId('kv-key').fill('colour');
    await a.page.getByTestId('kv-value').fill('teal');
    await a.page.getByTestId('kv-put').click();
    for (const node of room.nodes) await expect(node.page.getByTestId('kv-row-colour')).toContainText('teal');
    await sendChat(b, 'hello from b');
    for (const node of room.nodes) await expect(node.page.getByTestId('chat-message')).toContainText(['hello from b']);
    await rest[0]?.page.getByTestId('shared-text').fill('Lab notes: every tab is a node.');
    for (const node of room.nodes) await expect(node.page.getByTestId('shared-text')).toHaveValue('Lab notes: every tab is a node.');
  });

  await test.step('cut one link in its panel: the panel and the member table say "cut"', async () => {
    await linkPanel(a, b).getByTestId('fault-cut').click();
    await expect(linkPanel(a, b).locator('header')).toContainText('✕ cut');
    await expect(peerRow(a, b).getByTestId('link-state')).toHaveText('✕ cut');
    await expect(peerRow(a, b)).toHaveAttribute('data-cut', 'both');
    for (const peer of rest) await expect(peerRow(a, peer).getByTestId('link-state')).toHaveText('● open');
  });

  await test.step('isolate me: every link of a is cut, and the others come to suspect a', async () => {
    await a.page.getByTestId('preset-isolate-me').click();
    for (const peer of others) await expect(peerRow(a, peer).getByTestId('link-state')).toHaveText('✕ cut');
    for (const node of others) await expect(peerRow(node, a).getByTestId('liveness')).toContainText('suspected');
    // The rest of the mesh is untouched: its members still see each other alive.
    for (const node of rest) await expect(peerRow(node, b).getByTestId('liveness')).toHaveText('♥ alive');
  });

  await test.step('heal all: links open again, a is alive everywhere', async () => {
    await a.page.getByTestId('preset-heal-all').click();
    for (const peer of others) await expect(peerRow(a, peer).getByTestId('link-state')).toHaveText('● open');
    for (const node of others) await expect(peerRow(node, a).getByTestId('liveness')).toHaveText('♥ alive');
    await room.waitFormed();
  });

  await test.step('screenshot of the main page with four nodes', async () => {
    await a.page.setViewportSize({ width: 1440, height: 900 });
    const png = await a.page.screenshot({ fullPage: true });
    await testInfo.attach('main-4-nodes.png', { body: png, contentType: 'image/png' });
    if (process.env.TABMESH_UPDATE_SCREENSHOT === '1') {
      const docs = fileURLToPath(new URL('../docs/', import.meta.url));
      await mkdir(docs, { recursive: true });
      await writeFile(`${docs}screenshot-main.png`, png);
    }
  });
});
