import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { createSignalingServer } from '../signaling/server.ts';
import { expect, test as base } from './fixtures.ts';
import { yWebrtcPageSearch } from './pages/ywebrtc/yw-api.ts';

/** Built by global-setup (buildYWebrtcPage). */
const PAGE_DIR = fileURLToPath(new URL('../dist-pages/ywebrtc/', import.meta.url));

/**
 * The page comes from a second server that only serves files; its WebSockets go to the worker's
 * signaling server, the one under test. A page from another origin is what a stock y-webrtc
 * app pointed at a tabmesh server looks like.
 */
const test = base.extend<{ ywebrtcPageUrl: string }>({
  ywebrtcPageUrl: async ({}, use) => {
    const files = createSignalingServer({ host: '127.0.0.1', port: 0, staticDir: PAGE_DIR });
    try {
      const { url } = await files.listen();
      await use(url);
    } finally {
      await files.close();
    }
  },
});

test("y-webrtc's own WebrtcProvider finds its peers through the tabmesh server and syncs a Y.Text", async ({ serverUrl, ywebrtcPageUrl, browserPool }) => {
  const signaling = `${serverUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/signal`;
  const search = yWebrtcPageSearch(`yw-${Date.now().toString(36)}`, signaling);
  // One tab per browser process: tabs of one browser would also meet over BroadcastChannel.
  const contexts = await Promise.all(browserPool.slice(0, 3).map((b) => b.newContext()));
  try {
    const pages: Page[] = await Promise.all(
      contexts.map(async (context) => {
        const page = await context.newPage();
        await page.goto(`${ywebrtcPageUrl}${search}`);
        await page.waitForFunction(() => window.yw !== undefined);
        return page;
      }),
    );
    for (const page of pages) await expect.poll(() => page.evaluate(() => window.yw.peers()), { timeout: 30_000 }).toBe(2);

    const [first, ...others] = pages;
    if (!first) throw new Error('no page opened');
    await first.evaluate(() => window.yw.insert('hello from y-webrtc;'));
    for (const page of others) await expect.poll(() => page.evaluate(() => window.yw.value())).toBe('hello from y-webrtc;');
    const last = others.at(-1);
    if (!last) throw new Error('fewer than two pages');
    await last.evaluate(() => window.yw.insert('and back;'));
    await expect.poll(() => first.evaluate(() => window.yw.value())).toBe('hello from y-webrtc;and back;');
  } finally {
    await Promise.allSettled(contexts.map((c) => c.close()));
  }
});
