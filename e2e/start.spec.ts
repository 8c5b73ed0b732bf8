import type { Browser, Page } from '@playwright/test';
import { expect, test } from 'tabmesh/testing';

/**
 * Records every WebSocket the page creates and whether an inline (classic) script created it:
 * `document.currentScript` is that script element there, and null in a module.
 */
const SOCKET_RECORDER = `(() => {
  const Native = window.WebSocket;
  const made = [];
  const sockets = [];
  window.__sockets = made;
  window.__socketStates = () => sockets.map((s) => s.readyState);
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      made.push({ url: String(url), inline: document.currentScript !== null });
      sockets.push(this);
    }
  };
})()`;

/** Runs `fn` on a page of its own context in the kit's first browser, closed afterwards. */
async function onFreshPage(browserPool: readonly Browser[], fn: (page: Page) => Promise<void>): Promise<void> {
  const browser = browserPool[0];
  if (!browser) throw new Error('no browser in the pool');
  const context = await browser.newContext();
  try {
    await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

test('a tab joins over the one socket index.html opened while the app was loading', async ({ serverUrl, browserPool }) => {
  await onFreshPage(browserPool, async (page) => {
    await page.addInitScript(SOCKET_RECORDER);
    await page.goto(`${serverUrl}?room=start-${Date.now().toString(36)}`);
    await page.waitForFunction(() => window.tabmesh !== undefined);
    await page.evaluate(() => window.tabmesh.ready());
    const sockets = await page.evaluate(() => (window as unknown as { __sockets: { url: string; inline: boolean }[] }).__sockets);
    // One socket, and the inline script's: had the app opened its own, the early one would be a
    // second, idle socket holding a seat on the server.
    expect(sockets).toEqual([{ url: `${serverUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/signal`, inline: true }]);
    expect(await page.evaluate(() => '__tabmeshEarlySocket' in window)).toBe(false);
  });
});

test('a page that cannot start closes the socket index.html opened', async ({ serverUrl, browserPool }) => {
  await onFreshPage(browserPool, async (page) => {
    await page.addInitScript(SOCKET_RECORDER);
    await page.goto(`${serverUrl}?room=start&degree=0`);
    await expect(page.locator('#app')).toContainText('tabmesh could not start');
    // Closing (2) or closed (3): it must not sit on the server unjoined.
    await expect.poll(() => page.evaluate(() => (window as unknown as { __socketStates: () => number[] }).__socketStates())).toEqual([3]);
    expect(await page.evaluate(() => '__tabmeshEarlySocket' in window)).toBe(false);
  });
});

test('a tab whose views cannot be loaded says so instead of staying on its progress line', async ({ serverUrl, browserPool }) => {
  await onFreshPage(browserPool, async (page) => {
    // The views are a script of their own, loaded once the room has formed (app/src/page.ts).
    await page.route(/\/assets\/page-[^/]*\.js$/, (route) => route.abort('connectionfailed'));
    await page.goto(`${serverUrl}?room=start-views-${Date.now().toString(36)}`);
    await expect(page.locator('#app')).toContainText('tabmesh could not start');
    // The node itself runs on: only the page is missing.
    expect(await page.evaluate(() => window.tabmesh.id.length > 0)).toBe(true);
  });
});
