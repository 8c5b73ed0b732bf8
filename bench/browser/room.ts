import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from '@playwright/test';
import { yWebrtcPageSearch } from '../../e2e/pages/ywebrtc/yw-api.ts';
import { pollUntil } from './deadline.ts';
import { installEditObserver } from './edit-observer.ts';
import { installFormationWatcher, type FormationState, type Milestones } from './formation-watcher.ts';
import type { Lab } from './lab.ts';
import { closeTabs, evaluateEach, GOTO_TIMEOUT_MS, openTabs } from './tabs.ts';

export { TABS_PER_BROWSER } from './tabs.ts';

/**
 * N tabs of one system in a room of their own, as a classroom of laptops: one browser context
 * per tab (no shared storage, and no BroadcastChannel shortcut between y-webrtc tabs), four tabs
 * per Chromium process, round robin. Every tab gets the formation watcher and, on request, the
 * edit observer, before any of its own scripts run.
 */
export type System = 'tabmesh' | 'y-webrtc';
export const SYSTEMS: readonly System[] = ['tabmesh', 'y-webrtc'];
export const DEFAULT_DEGREE = 8;
const WATCH_EVERY_MS = 20;

export interface RoomOptions {
  readonly system: System;
  readonly n: number;
  /** tabmesh's ?degree (default 8); y-webrtc has no such setting. */
  readonly degree?: number;
  /** More of tabmesh's URL parameters (`ui`, the detector's timings); y-webrtc has none. */
  readonly params?: Readonly<Record<string, string>>;
  readonly observeEdits?: boolean;
  /** Runs in every tab before its scripts, with the tab's index. */
  readonly initScript?: (index: number) => string;
}

export interface Formation {
  readonly complete: boolean;
  /** From the first tab's navigation start until the last tab was complete; null if it never was. */
  readonly ms: number | null;
  /** Between the first and the last navigation start. */
  readonly openSpreadMs: number;
  readonly completeTabs: number;
  /** Complete tabs that fell back to incomplete before the end. */
  readonly lost: number;
  /** Each incomplete tab and what it has. */
  readonly missing: readonly string[];
  /** From the first navigation start until the last tab reached each milestone (null: some tab never did). */
  readonly phases: { readonly [K in keyof Milestones]: number | null };
  /** CPU time of all the room's renderer processes from their start until just after the end of the wait. */
  readonly rendererCpuMs: number;
}

export class Room {
  private constructor(
    readonly system: System,
    readonly n: number,
    readonly name: string,
    readonly pages: readonly Page[],
    private readonly contexts: readonly BrowserContext[],
  ) {}

  static async open(lab: Lab, o: RoomOptions): Promise<Room> {
    const name = `bench-${o.system === 'tabmesh' ? 'tm' : 'yw'}-${o.n}-${randomBytes(6).toString('hex')}`;
    const degree = o.degree ?? DEFAULT_DEGREE;
    const links = o.system === 'tabmesh' ? Math.min(degree, o.n - 1) : o.n - 1;
    const contexts: BrowserContext[] = [];
    const room = new Room(o.system, o.n, name, [], contexts);
    try {
      const pages = await openTabs(lab, o.n, name, contexts, async (context, i) => {
        await context.addInitScript(installFormationWatcher, { system: o.system, n: o.n, links, everyMs: WATCH_EVERY_MS });
        if (o.observeEdits) await context.addInitScript(installEditObserver, o.system);
        if (o.initScript) await context.addInitScript({ content: o.initScript(i) });
      });
      const url = (i: number): string =>
        o.system === 'tabmesh'
          ? `${lab.appUrl}?${new URLSearchParams({ ...o.params, room: name, degree: String(degree), name: `tab ${i}` })}`
          : `${lab.pagesUrl}yw/index.html${yWebrtcPageSearch(name, lab.ywSignalingUrl)}`;
      // All at once, as a class opening the link together; formation counts from the first start.
      await Promise.all(pages.map((p, i) => p.goto(url(i), { timeout: GOTO_TIMEOUT_MS })));
      return new Room(o.system, o.n, name, pages, contexts);
    } catch (error) {
      await room.close();
      throw error;
    }
  }

  /** Runs `fn` in every tab, each bounded. */
  all<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R[]> {
    return this.each(fn, () => arg);
  }

  /** Runs `fn` in every tab with that tab's own argument, each bounded. */
  each<R, A>(fn: (arg: A) => R | Promise<R>, argOf: (index: number) => A): Promise<R[]> {
    return evaluateEach(this.pages, this.name, fn, argOf);
  }

  private states(): Promise<FormationState[]> {
    return this.all(() => {
      const w = window.__benchFormation;
      if (w === undefined) throw new Error('the formation watcher is not installed');
      return w.state();
    }, undefined);
  }

  /** Waits until every tab is complete at once, or `timeoutMs` passes; either way says how far it got. */
  async waitFormed(timeoutMs: number): Promise<Formation> {
    const done = await pollUntil(async () => {
      const s = await this.states();
      return s.every((x) => x.satisfiedAt !== null) ? s : undefined;
    }, timeoutMs, 250);
    const states = done ?? (await this.states());
    const starts = states.map((s) => s.navigationStart);
    const first = Math.min(...starts);
    const ends = states.map((s) => s.satisfiedAt);
    const complete = done !== undefined;
    const phase = (key: keyof Milestones): number | null => {
      const at = states.map((s) => s.milestones[key]);
      return at.every((x) => x !== null) ? Math.max(...(at as number[])) - first : null;
    };
    return {
      complete,
      ms: complete ? Math.max(...(ends as number[])) - first : null,
      openSpreadMs: Math.max(...starts) - first,
      completeTabs: ends.filter((e) => e !== null).length,
      lost: states.reduce((sum, s) => sum + s.lost, 0),
      missing: complete || states.some((s) => s.satisfiedAt === null)
        ? states.flatMap((s, i) => (s.satisfiedAt === null ? [`tab ${i}: ${s.detail}`] : []))
        : // Read once more after the deadline, every tab had caught up: the room completed late.
          ['all tabs complete only just after the deadline'],
      phases: { ready: phase('ready'), known: phase('known'), linked: phase('linked'), alive: phase('alive') },
      rendererCpuMs: await this.rendererCpuMs(),
    };
  }

  /** Sum over tabs of Chromium's ProcessTime (CPU of the tab's renderer process since it started). */
  private async rendererCpuMs(): Promise<number> {
    const times = await Promise.all(
      this.pages.map(async (page) => {
        const cdp = await page.context().newCDPSession(page);
        try {
          await cdp.send('Performance.enable');
          const { metrics } = await cdp.send('Performance.getMetrics');
          return metrics.find((m) => m.name === 'ProcessTime')?.value ?? Number.NaN;
        } finally {
          await cdp.detach().catch(() => undefined);
        }
      }),
    );
    return 1000 * times.reduce((a, b) => a + b, 0);
  }

  /**
   * Waits until every tab shows its page. tabmesh's appears once the room has formed
   * (app/src/runtime/mount-gate.ts), a moment after the formation this bench measures; y-webrtc's
   * page is up as soon as its script runs. A person edits through the page, so timed edits start
   * from here, not in the middle of the pages appearing.
   */
  async waitPageShown(timeoutMs: number): Promise<void> {
    if (this.system !== 'tabmesh') return;
    const shown = await pollUntil(async () => ((await this.all(() => document.querySelector('#app main') !== null, undefined)).every(Boolean) ? true : undefined), timeoutMs, 100);
    if (shown === undefined) throw new Error(`${this.name}: not every tab showed its page within ${timeoutMs / 1000} s`);
  }

  /** Stops the formation watchers, so they cost nothing during a later measurement. */
  async stopWatchers(): Promise<void> {
    await this.all(() => window.__benchFormation?.stop(), undefined);
  }

  async close(): Promise<void> {
    await closeTabs(this.contexts, this.name);
  }
}
