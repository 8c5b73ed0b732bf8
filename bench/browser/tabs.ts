import type { BrowserContext, Page } from '@playwright/test';
import { within } from './deadline.ts';
import type { Lab } from './lab.ts';

/**
 * What a room of tabs and the bare floor mesh share: tabs placed as a classroom of laptops (one
 * browser context each, so no shared storage; TABS_PER_BROWSER per Chromium process, round
 * robin), page calls each bounded, and closing that never hangs a bench.
 */
export const TABS_PER_BROWSER = 4;
export const GOTO_TIMEOUT_MS = 60_000;
const EVALUATE_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 15_000;

/** tsx compiles inner functions to `__name(fn, "name")`; pages need the helper for sources Playwright sends them. */
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

/**
 * Opens `n` blank tabs, each in a context of its own with the name shim and then `prepare`'s
 * init scripts installed; contexts already made are pushed to `contexts` as they are made, so
 * the caller can close them if a later one fails.
 */
export async function openTabs(lab: Lab, n: number, label: string, contexts: BrowserContext[], prepare: (context: BrowserContext, index: number) => Promise<void>): Promise<Page[]> {
  const browsers = Math.ceil(n / TABS_PER_BROWSER);
  if (browsers > lab.browsers.length) throw new RangeError(`${n} tabs need ${browsers} browsers; the lab has ${lab.browsers.length}`);
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const context = await (lab.browsers[i % browsers] as (typeof lab.browsers)[number]).newContext();
    contexts.push(context);
    await context.addInitScript({ content: NAME_SHIM });
    await prepare(context, i);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${label} tab ${i}] page error: ${e.message}`));
    pages.push(page);
  }
  return pages;
}

/** Runs `fn` in every tab with that tab's own argument, each bounded. */
export function evaluateEach<R, A>(pages: readonly Page[], label: string, fn: (arg: A) => R | Promise<R>, argOf: (index: number) => A): Promise<R[]> {
  // Playwright types the argument through an internal Unboxed<A>; the arguments here are plain JSON.
  const run = fn as (arg: unknown) => R | Promise<R>;
  return Promise.all(pages.map((p, i) => within(p.evaluate(run, argOf(i) as unknown), EVALUATE_TIMEOUT_MS, `${label} tab ${i}`)));
}

export async function closeTabs(contexts: readonly BrowserContext[], label: string): Promise<void> {
  await within(Promise.allSettled(contexts.map((c) => c.close())), CLOSE_TIMEOUT_MS, `closing ${label}`).catch((e: unknown) => console.error(String(e)));
}
