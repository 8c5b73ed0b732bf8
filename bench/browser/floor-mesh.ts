import type { BrowserContext, Page } from '@playwright/test';
import type { MeshSignal } from './floor-page/floor-api.ts';
import { pollUntil } from './deadline.ts';
import type { Lab } from './lab.ts';
import { closeTabs, evaluateEach, GOTO_TIMEOUT_MS, openTabs } from './tabs.ts';

/**
 * The floor under a room: `n` tabs of the floor page placed as Room.open places a room's (one
 * context each, TABS_PER_BROWSER per Chromium process, round robin: tabs.ts), joined in a full mesh of
 * bare simple-peer connections whose handshakes the bench relays by hand: no signaling server,
 * no app, and nothing sent once the channels are open. Tab i names its peers by their indexes.
 */
const RELAY_EVERY_MS = 50;
const LABEL = 'floor mesh';

export interface FloorMeshOptions {
  readonly n: number;
  /** Bound on the whole handshake, from the first open() until every channel is open. */
  readonly connectTimeoutMs: number;
  /** Runs in every tab before its scripts, with the tab's index. */
  readonly initScript?: (index: number) => string;
}

export class FloorMesh {
  private constructor(
    readonly pages: readonly Page[],
    private readonly contexts: readonly BrowserContext[],
    /** From the first open() call until every tab had all its channels open. */
    readonly connectMs: number,
  ) {}

  static async open(lab: Lab, o: FloorMeshOptions): Promise<FloorMesh> {
    const contexts: BrowserContext[] = [];
    const unlinked = new FloorMesh([], contexts, Number.NaN);
    try {
      const pages = await openTabs(lab, o.n, LABEL, contexts, async (context, i) => {
        if (o.initScript) await context.addInitScript({ content: o.initScript(i) });
      });
      await Promise.all(pages.map((p) => p.goto(`${lab.pagesUrl}floor/index.html`, { timeout: GOTO_TIMEOUT_MS })));
      const loaded = new FloorMesh(pages, contexts, Number.NaN);
      const start = performance.now();
      await loaded.each(({ self, n }: { self: number; n: number }) => {
        const mesh = window.floorMesh;
        if (mesh === undefined) throw new Error('window.floorMesh is missing: not the floor page?');
        // The lower index offers, so each pair makes exactly one connection.
        for (let peer = 0; peer < n; peer++) if (peer !== self) mesh.open(String(peer), self < peer);
      }, (self) => ({ self, n: o.n }));
      const connected = await pollUntil(async () => {
        await loaded.relay();
        const counts = await loaded.openCounts();
        return counts.every((c) => c === o.n - 1) ? counts : undefined;
      }, o.connectTimeoutMs, RELAY_EVERY_MS);
      if (connected === undefined) {
        throw new Error(`the floor mesh of ${o.n} tabs did not connect within ${o.connectTimeoutMs} ms; open channels per tab: ${(await loaded.openCounts()).join(', ')} of ${o.n - 1}`);
      }
      return new FloorMesh(pages, contexts, performance.now() - start);
    } catch (error) {
      await unlinked.close();
      throw error;
    }
  }

  /** Runs `fn` in every tab, each bounded. */
  all<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R[]> {
    return this.each(fn, () => arg);
  }

  /** Runs `fn` in every tab with that tab's own argument, each bounded. */
  private each<R, A>(fn: (arg: A) => R | Promise<R>, argOf: (index: number) => A): Promise<R[]> {
    return evaluateEach(this.pages, LABEL, fn, argOf);
  }

  openCounts(): Promise<number[]> {
    return this.all(() => window.floorMesh?.openCount() ?? 0, undefined);
  }

  /** Carries every signal the tabs produced since the last relay to the tab it is for. */
  private async relay(): Promise<void> {
    const taken = await this.all(() => window.floorMesh?.takeSignals() ?? [], undefined);
    const inbox: MeshSignal[][] = this.pages.map(() => []);
    for (const [from, signals] of taken.entries()) for (const s of signals) inbox[Number(s.peer)]?.push({ peer: String(from), data: s.data });
    await this.each((signals: MeshSignal[]) => {
      for (const s of signals) window.floorMesh?.signal(s.peer, s.data);
    }, (i) => inbox[i] ?? []);
  }

  async close(): Promise<void> {
    await closeTabs(this.contexts, LABEL);
  }
}
