import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';

/** Quiet, local-only Chromium: nothing but the page's own traffic to 127.0.0.1. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** $TABMESH_CHROMIUM, else the system Chromium, else Playwright's own download. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.TABMESH_CHROMIUM;
  if (fromEnv) return fromEnv;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** Launches `count` separate browser processes; if one fails, the ones already up are closed. */
export async function launchBrowsers(count: number): Promise<Browser[]> {
  const executablePath = chromiumPath();
  const browsers: Browser[] = [];
  try {
    for (let i = 0; i < count; i++) {
      browsers.push(await chromium.launch({ args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) }));
    }
    return browsers;
  } catch (err) {
    await Promise.allSettled(browsers.map((b) => b.close()));
    throw err;
  }
}
