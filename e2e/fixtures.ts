import { test as base, type Browser } from '@playwright/test';
import { createSignalingServer } from '../signaling/server.ts';
import { launchBrowsers } from './browsers.ts';
import { Mesh, type MeshOptions } from './mesh-kit.ts';

/**
 * The e2e kit. Worker-scoped: one signaling server (serving the built dist/) and three browser
 * processes, closed in teardown whatever happened. Test-scoped: `mesh(n, options)`, which opens
 * n tabs in a room of their own, spread over the browsers, and waits until the mesh has formed.
 * Browser console output is attached to a failed test.
 */
export const BROWSER_PROCESSES = 3;

type MeshFactory = (n: number, options?: MeshOptions) => Promise<Mesh>;

interface WorkerFixtures {
  serverUrl: string;
  browserPool: Browser[];
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
    async ({}, use) => {
      const browsers = await launchBrowsers(BROWSER_PROCESSES);
      try {
        await use(browsers);
      } finally {
        await Promise.allSettled(browsers.map((b) => b.close()));
      }
    },
    { scope: 'worker' },
  ],
  mesh: async ({ serverUrl, browserPool }, use, testInfo) => {
    const meshes: Mesh[] = [];
    const lines: string[] = [];
    const slug = testInfo.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40);
    try {
      await use(async (n, options = {}) => {
        const count = options.browsers ?? BROWSER_PROCESSES;
        if (!Number.isInteger(count) || count < 1 || count > browserPool.length) {
          throw new RangeError(`browsers must be 1..${browserPool.length}, got ${count}`);
        }
        const browsers = browserPool.slice(0, count);
        const room = options.room ?? `${slug}-${meshes.length}-${Date.now().toString(36)}`;
        const mesh = new Mesh(serverUrl, browsers, { ...options, room }, lines);
        meshes.push(mesh);
        await mesh.openMany(n);
        if (options.waitFormed !== false) await mesh.waitFormed();
        return mesh;
      });
    } finally {
      if (testInfo.status !== testInfo.expectedStatus && lines.length > 0) {
        await testInfo.attach('browser-console.txt', { body: lines.join('\n'), contentType: 'text/plain' });
      }
      await Promise.allSettled(meshes.map((m) => m.close()));
    }
  },
});

export { expect } from '@playwright/test';
