import type { Page } from '@playwright/test';
import { expect, test } from 'tabmesh/testing';

/**
 * Headless pages are never hidden, so this stands in for a hidden tab: the page reports itself
 * hidden, and every main-thread timer of it fires a second late, as Chromium throttles a
 * background tab's. The node must not notice: a hidden page's timers run in a worker.
 */
const THROTTLE_MS = 1000;
const detector = { heartbeatMs: 200, suspectMs: 900, deadMs: 1800 };
const INJECTED_DELAY_MS = 50;

function hideAndThrottle(): void {
  const extra = 1000; // THROTTLE_MS; init scripts cannot see module constants
  Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
  Object.defineProperty(document, 'hidden', { get: () => true });
  const setTimeoutNative = window.setTimeout.bind(window);
  const setIntervalNative = window.setInterval.bind(window);
  const later = (ms: unknown): number => (typeof ms === 'number' && ms > 0 ? ms : 0) + extra;
  window.setTimeout = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => setTimeoutNative(fn, later(ms), ...args)) as typeof window.setTimeout;
  window.setInterval = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => setIntervalNative(fn, later(ms), ...args)) as typeof window.setInterval;
}

interface Watch {
  since: number;
  /** Date.now() of every sample in which the watched node was not alive. */
  notAlive: number[];
  /** Chat text -> Date.now() when it was first seen delivered here. */
  arrivals: Record<string, number>;
}

/** Samples this (unthrottled) page's view of `id` and its chat every few ms. */
async function startWatch(page: Page, id: string): Promise<void> {
  await page.evaluate((watched) => {
    const w: Watch = { since: Date.now(), notAlive: [], arrivals: {} };
    (window as unknown as { watch: Watch }).watch = w;
    setInterval(() => {
      if (!window.tabmesh.peers().some((p) => p.id === watched && p.alive)) w.notAlive.push(Date.now());
      for (const m of window.tabmesh.chat.messages()) w.arrivals[m.text] ??= Date.now();
    }, 2);
  }, id);
}

const readWatch = (page: Page): Promise<Watch> => page.evaluate(() => (window as unknown as { watch: Watch }).watch);

test('a hidden tab, its main-thread timers throttled, keeps accurate delays and is never marked dead', async ({ mesh }) => {
  const room = await mesh(2, { browsers: 3, ...detector });
  const observers = [...room.nodes];
  const [first] = observers;
  if (!first) throw new Error('mesh(2) opened no nodes');
  const hidden = await room.open(2, hideAndThrottle);
  await room.waitFormed();

  const lag = await hidden.page.evaluate(() => new Promise<number>((resolve) => {
    const start = performance.now();
    setTimeout(() => resolve(performance.now() - start), 0);
  }));
  expect(lag, 'the throttle must bite, or this test proves nothing').toBeGreaterThanOrEqual(THROTTLE_MS - 50);

  for (const o of observers) await startWatch(o.page, hidden.id);
  for (const o of observers) await hidden.setFaults(o, { delayMs: INJECTED_DELAY_MS }, 'out');

  await test.step('injected 50 ms delays stay 50 ms', async () => {
    const latencies: number[] = [];
    for (let k = 0; k < 10; k++) {
      const text = `ping-${k}`;
      const sentAt = await hidden.page.evaluate((t) => {
        const at = Date.now();
        window.tabmesh.chat.send(t);
        return at;
      }, text);
      await expect.poll(async () => (await readWatch(first.page)).arrivals[text]).toBeDefined();
      latencies.push(((await readWatch(first.page)).arrivals[text] ?? NaN) - sentAt);
    }
    // Below: the delay was applied. Above: it was not stretched to the throttled timer's second.
    for (const l of latencies) expect(l, `latencies ${latencies.join(', ')} ms`).toBeGreaterThanOrEqual(INJECTED_DELAY_MS - 2);
    // Half the throttle as the ceiling leaves room for a busy machine and none for a throttled timer.
    for (const l of latencies) expect(l, `latencies ${latencies.join(', ')} ms`).toBeLessThan(INJECTED_DELAY_MS + THROTTLE_MS / 2);
    const stats = await hidden.stats();
    for (const o of observers) expect(stats[o.id]?.delayed ?? 0).toBeGreaterThanOrEqual(1);
  });

  await test.step('over several dead-timeouts, nobody ever marks the throttled tab dead', async () => {
    const enough = 3 * detector.deadMs;
    for (const o of observers) await expect.poll(async () => Date.now() - (await readWatch(o.page)).since, { timeout: enough + 5000 }).toBeGreaterThan(enough);
    for (const o of observers) expect((await readWatch(o.page)).notAlive, `${o} saw ${hidden} not alive at these times`).toEqual([]);
    for (const o of observers) expect(await hidden.sees(o)).toBe(true);
  });
});
