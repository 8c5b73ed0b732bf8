import type { BrowserContext, Page } from '@playwright/test';
import type {} from './floor-page/floor-api.ts';
import { pollUntil, within } from './deadline.ts';
import { installEditObserver, type Observation } from './edit-observer.ts';
import type { Lab } from './lab.ts';

/**
 * The floor under both systems: two tabs (in two Chromium processes) joined by one bare data
 * channel (simple-peer's, as y-webrtc opens it), whose handshake the orchestrator relays by
 * hand. One string per repetition, alternating direction, observed with the same in-page
 * instrument as the systems.
 */
const CONNECT_TIMEOUT_MS = 20_000;
const EVALUATE_TIMEOUT_MS = 30_000;
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

export interface FloorSample {
  readonly ms: number;
  readonly via: Observation['via'];
}

async function relaySignals(from: Page, to: Page): Promise<void> {
  const signals = await within(from.evaluate(() => window.floor?.takeSignals() ?? []), EVALUATE_TIMEOUT_MS, 'take signals');
  for (const s of signals) await within(to.evaluate((data) => window.floor?.signal(data), s), EVALUATE_TIMEOUT_MS, 'signal');
}

export async function measureFloor(lab: Lab, reps: number, observeTimeoutMs: number, gapMs: number): Promise<(FloorSample | null)[]> {
  const contexts: BrowserContext[] = [];
  try {
    const pages: Page[] = [];
    for (let i = 0; i < 2; i++) {
      const context = await (lab.browsers[i % lab.browsers.length] as (typeof lab.browsers)[number]).newContext();
      contexts.push(context);
      await context.addInitScript({ content: NAME_SHIM });
      await context.addInitScript(installEditObserver, 'floor' as const);
      const page = await context.newPage();
      await page.goto(`${lab.pagesUrl}floor/index.html`, { timeout: 60_000 });
      pages.push(page);
    }
    const [a, b] = pages as [Page, Page];
    await within(a.evaluate(() => window.floor?.start(true)), EVALUATE_TIMEOUT_MS, 'start');
    await within(b.evaluate(() => window.floor?.start(false)), EVALUATE_TIMEOUT_MS, 'start');
    const connected = await pollUntil(async () => {
      await relaySignals(a, b);
      await relaySignals(b, a);
      const open = (p: Page): Promise<boolean> => within(p.evaluate(() => window.floor?.connected() === true), EVALUATE_TIMEOUT_MS, 'connected');
      const both = (await open(a)) && (await open(b));
      return both ? true : undefined;
    }, CONNECT_TIMEOUT_MS, 20);
    if (connected === undefined) throw new Error(`the two floor pages did not connect within ${CONNECT_TIMEOUT_MS} ms`);

    const samples: (FloorSample | null)[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const [sender, receiver] = rep % 2 === 0 ? [a, b] : [b, a];
      const marker = `<f${rep}>`;
      await within(receiver.evaluate((m) => window.__benchObserver?.arm(m), marker), EVALUATE_TIMEOUT_MS, 'arm');
      const sentAt = await within(
        sender.evaluate((m) => {
          const t = performance.timeOrigin + performance.now();
          window.floor?.send(m);
          return t;
        }, marker),
        EVALUATE_TIMEOUT_MS,
        'send',
      );
      const seen = await within(
        receiver.evaluate((ms) => window.__benchObserver?.wait(ms) ?? null, observeTimeoutMs),
        observeTimeoutMs + EVALUATE_TIMEOUT_MS,
        'wait',
      );
      samples.push(seen === null ? null : { ms: seen.at - sentAt, via: seen.via });
      await new Promise((r) => setTimeout(r, gapMs));
    }
    return samples;
  } finally {
    await within(Promise.allSettled(contexts.map((c) => c.close())), 15_000, 'closing the floor pages').catch((e: unknown) => console.error(String(e)));
  }
}
