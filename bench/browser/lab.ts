import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from '@playwright/test';
import { buildYWebrtcPage } from '../../e2e/pages/ywebrtc/build.ts';
import { buildApp } from '../../signaling/app-build.ts';
import { describeChoice, discover } from '../../testing/browsers.ts';
import { closeBrowser, launchBrowser } from '../../testing/launch.ts';
import { forkBench, nextMessage, stopChild } from '../child-processes.ts';
import type { FromServerHost } from '../signaling-load-config.ts';
import { buildFloorPage } from './floor-page/build.ts';

/**
 * What every browser bench stands on, built and started once per run and torn down in one call:
 * the app, the y-webrtc page and the floor page built into a temporary directory (dist/ is left
 * alone: an e2e run may be serving it), three servers in child processes on 127.0.0.1 (tabmesh's
 * serving the app, a second one only serving the two pages, y-webrtc's own bin/server.js), and
 * headless Chromium processes launched with the project's flags.
 */
export interface Lab {
  /** The app; its signaling is /signal on the same server. */
  readonly appUrl: string;
  /** Where the app was built (with its hidden source maps). */
  readonly appDir: string;
  /** Serves yw/index.html and floor/index.html. */
  readonly pagesUrl: string;
  /** y-webrtc's own signaling server. */
  readonly ywSignalingUrl: string;
  readonly browsers: readonly Browser[];
  /** "Chromium 156.0.8078.108 (/usr/bin/chromium)". */
  readonly chromium: string;
  close(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const LISTEN_TIMEOUT_MS = 15_000;

async function startHost(file: string, args: readonly string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = forkBench(file, args);
  try {
    const m = await nextMessage<FromServerHost, FromServerHost>(child, LISTEN_TIMEOUT_MS, (x) => (x.type === 'stats' ? undefined : x));
    if (m.type !== 'listening') throw new Error(`${file} failed: ${m.type === 'failed' ? m.reason : m.type}`);
    return { child, port: m.port };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

export async function openLab(browserCount: number): Promise<Lab> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (error) {
        console.error(`lab: cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'tabmesh-bench-browser-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const appDir = join(dir, 'app');
    // One after the other: two Vite builds at once only fight over the machine's cores.
    // The student page only: the tabs load nothing else, and other entries of the config do not
    // decide whether this bench can run.
    const input = join(repoRoot, 'app', 'index.html');
    // Hidden source maps: the bundle is unchanged (no reference to them), and a profile can be
    // mapped back to app/ and core/ files (source-map.ts).
    await buildApp(repoRoot, { build: { outDir: appDir, emptyOutDir: true, sourcemap: 'hidden', rolldownOptions: { input } } });
    await buildYWebrtcPage(join(dir, 'pages', 'yw'));
    await buildFloorPage(join(dir, 'pages', 'floor'));

    const app = await startHost('./browser/static-server-host.ts', [appDir]);
    cleanups.push(() => stopChild(app.child));
    const pages = await startHost('./browser/static-server-host.ts', [join(dir, 'pages')]);
    cleanups.push(() => stopChild(pages.child));
    const yw = await startHost('./signaling-server-host.ts', ['y-webrtc']);
    cleanups.push(() => stopChild(yw.child));

    const found = discover('chromium');
    if ('missing' in found) throw new Error(found.missing);
    const browsers: Browser[] = [];
    cleanups.push(() => Promise.all(browsers.map(closeBrowser)).then(() => undefined));
    for (let i = 0; i < browserCount; i++) browsers.push(await launchBrowser(found.choice));
    const version = browsers[0]?.version() ?? 'unknown';
    return {
      appUrl: `http://127.0.0.1:${app.port}/`,
      appDir,
      pagesUrl: `http://127.0.0.1:${pages.port}/`,
      ywSignalingUrl: `ws://127.0.0.1:${yw.port}`,
      browsers,
      chromium: `Chromium ${version} (${describeChoice(found.choice)})`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
