import { test as base, type Browser } from '@playwright/test';
import { createSignalingServer } from '../signaling/server.ts';
import { describeChoice, discover, type Engine } from './browsers.ts';
import { attachFailure } from './failure-report.ts';
import { closeBrowser, launchBrowser, missingCommand } from './launch.ts';
import { Mesh, type Browsers, type MeshOptions } from './mesh.ts';

/**
 * The Playwright fixtures. Worker-scoped: one signaling server on a free port of 127.0.0.1
 * (serving the built dist/), three Chromium processes, and any other engine launched on first
 * use; all closed in teardown whatever happened. Test-scoped: `mesh(n, options)`, which opens n
 * tabs in a room of their own, spread over the browsers, and waits until the mesh has formed.
 * A failed test gets every node's journal, a screenshot of every tab and the browsers' console.
 */
export const BROWSER_PROCESSES = 3;

export type MeshFactory = (n: number, options?: MeshOptions) => Promise<Mesh>;

/** Browser processes by engine, launched on first use: the i-th process of an engine is shared by every test. */
export interface EnginePool {
  /** The browser, or why there is none (no binary found, or one this Playwright cannot drive). */
  get(engine: Engine, index: number): Promise<Browser | string>;
}

interface WorkerFixtures {
  serverUrl: string;
  browserPool: Browser[];
  enginePool: EnginePool;
}

export const test = base.extend<{ mesh: MeshFactory }, WorkerFixtures>({
  serverUrl: [
    async ({}, use) => {
      const server = createSignalingServer({ host: '127.0.0.1', port: 0 });
      try {
        const { url } = await server.listen();
        await use(url);
      } finally {
        await server.close();
      }
    },
    { scope: 'worker' },
  ],
  browserPool: [
    async ({ launchOptions }, use) => {
      const found = discover('chromium', undefined, launchOptions.executablePath);
      if ('missing' in found) throw new Error(found.missing);
      const browsers: Browser[] = [];
      try {
        for (let i = 0; i < BROWSER_PROCESSES; i++) browsers.push(await launchBrowser(found.choice));
        await use(browsers);
      } finally {
        await Promise.all(browsers.map(closeBrowser));
      }
    },
    { scope: 'worker' },
  ],
  enginePool: [
    async ({ browserPool }, use) => {
      const launched = new Map<string, Promise<Browser | string>>();
      try {
        await use({
          get(engine, index) {
            if (engine === 'chromium' && index < browserPool.length) return Promise.resolve(browserPool[index] as Browser);
            const found = discover(engine);
            if ('missing' in found) return Promise.resolve(found.missing);
            const key = `${engine}#${index}`;
            let browser = launched.get(key);
            if (!browser) {
              console.log(`tabmesh kit: launching ${describeChoice(found.choice)}`);
              const choice = found.choice;
              browser = launchBrowser(choice).catch((error: unknown) => {
                const command = missingCommand(error);
                if (command === undefined) throw error;
                return `${describeChoice(choice)} lacks the protocol command ${command}, which this Playwright sends at launch; a browser that has it (Playwright's own build, or a newer one) runs this test`;
              });
              launched.set(key, browser);
            }
            return browser;
          },
        });
      } finally {
        const settled = await Promise.allSettled(launched.values());
        await Promise.all(settled.map((s) => (s.status === 'fulfilled' && typeof s.value !== 'string' ? closeBrowser(s.value) : undefined)));
      }
    },
    { scope: 'worker' },
  ],
  mesh: async ({ serverUrl, browserPool, enginePool }, use, testInfo) => {
    const meshes: Mesh[] = [];
    const lines: string[] = [];
    const slug = testInfo.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40);

    async function browsersFor(spec: MeshOptions['browsers'] = BROWSER_PROCESSES): Promise<Browsers> {
      if (typeof spec === 'number') {
        if (!Number.isInteger(spec) || spec < 1 || spec > browserPool.length) throw new RangeError(`browsers must be 1..${browserPool.length}, got ${spec}`);
        return { list: browserPool.slice(0, spec), labels: browserPool.slice(0, spec).map((_, i) => `chromium#${i}`) };
      }
      if (spec.length === 0) throw new RangeError('browsers must name at least one engine');
      const list: Browser[] = [];
      const labels: string[] = [];
      const seen = new Map<Engine, number>();
      for (const engine of spec) {
        const index = seen.get(engine) ?? 0;
        seen.set(engine, index + 1);
        const browser = await enginePool.get(engine, index);
        if (typeof browser === 'string') {
          // Skipped with its reason, on the console as well as in the report: never silently.
          console.log(`tabmesh kit: skipping "${testInfo.title}": ${browser}`);
          testInfo.skip(true, browser);
        } else {
          list.push(browser);
          labels.push(`${engine}#${index}`);
        }
      }
      return { list, labels };
    }

    try {
      await use(async (n, options = {}) => {
        const browsers = await browsersFor(options.browsers);
        const room = options.room ?? `${slug}-${meshes.length}-${Date.now().toString(36)}`;
        const mesh = new Mesh(serverUrl, browsers, { ...options, room }, lines);
        meshes.push(mesh);
        await mesh.openMany(n);
        if (options.waitFormed !== false) await mesh.waitFormed();
        return mesh;
      });
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) await attachFailure(testInfo, meshes, lines);
      await Promise.allSettled(meshes.map((m) => m.close()));
    }
  },
});

export { expect } from '@playwright/test';
