import { accessSync, constants } from 'node:fs';
import { chromium, firefox, webkit } from '@playwright/test';

/**
 * Which browser binary the kit launches for each engine, found in a fixed order so a run says
 * exactly what it used:
 *   chromium: $TABMESH_CHROMIUM, the config's launchOptions.executablePath, Playwright's own
 *             build (when `npx playwright install` put it on disk), a system Chromium or Chrome.
 *   firefox:  $TABMESH_FIREFOX, Playwright's own build, a system Firefox (firefox-esr first),
 *             the stock ones driven over WebDriver BiDi through Playwright's moz-firefox channel.
 *   webkit:   Playwright's own build only; there is no stock WebKit it can drive.
 * A path given explicitly but not executable is an error, never a silent fall-through.
 */
export type Engine = 'chromium' | 'firefox' | 'webkit';
export const ENGINES: readonly Engine[] = ['chromium', 'firefox', 'webkit'];

export interface BrowserChoice {
  readonly engine: Engine;
  readonly executablePath: string;
  /** 'moz-firefox' drives a stock Firefox over WebDriver BiDi; undefined is Playwright's own protocol. */
  readonly channel?: 'moz-firefox';
  /** Where the path came from, for messages. */
  readonly source: string;
}

export type Discovery = { readonly choice: BrowserChoice } | { readonly missing: string };

export interface DiscoveryEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly isExecutable: (path: string) => boolean;
  /** Where Playwright keeps its own build of an engine (whether or not it is there). */
  readonly playwrightPath: (engine: Engine) => string | undefined;
}

export const MISSING_CHROMIUM =
  'No Chromium found: install one with `apt-get install chromium` (Debian), set TABMESH_CHROMIUM=/path/to/chrome, or run `npx playwright install chromium`.';
const MISSING_FIREFOX =
  'No Firefox found: install one with `apt-get install firefox-esr` (Debian), set TABMESH_FIREFOX=/path/to/firefox, or run `npx playwright install firefox`.';
const MISSING_WEBKIT = 'No WebKit found: Playwright drives only its own WebKit build; run `npx playwright install webkit` to get it.';

const SYSTEM_PATHS: Record<'chromium' | 'firefox', Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  chromium: {
    linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome', '/snap/bin/chromium'],
    darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
    win32: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'],
  },
  firefox: {
    linux: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/snap/bin/firefox'],
    darwin: ['/Applications/Firefox.app/Contents/MacOS/firefox'],
    win32: ['C:\\Program Files\\Mozilla Firefox\\firefox.exe'],
  },
};

const ENV_VARS = { chromium: 'TABMESH_CHROMIUM', firefox: 'TABMESH_FIREFOX' } as const;

export function defaultDiscoveryEnv(): DiscoveryEnv {
  const types = { chromium, firefox, webkit };
  return {
    env: process.env,
    platform: process.platform,
    isExecutable(path) {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    playwrightPath(engine) {
      try {
        return types[engine].executablePath();
      } catch {
        // Playwright throws when it has no build registered for this platform.
        return undefined;
      }
    },
  };
}

/** `configured` is the Playwright config's launchOptions.executablePath, if any (Chromium only). */
export function discover(engine: Engine, denv: DiscoveryEnv = defaultDiscoveryEnv(), configured?: string): Discovery {
  const stock = engine === 'firefox' ? ({ channel: 'moz-firefox' } as const) : {};
  if (engine !== 'webkit') {
    const name = ENV_VARS[engine];
    const explicit: [string, string | undefined][] = [[`$${name}`, denv.env[name]]];
    if (engine === 'chromium') explicit.push(['launchOptions.executablePath', configured]);
    for (const [source, path] of explicit) {
      if (path === undefined || path === '') continue;
      if (!denv.isExecutable(path)) return { missing: `${source} is ${path}, which is not an executable file.` };
      return { choice: { engine, executablePath: path, source, ...stock } };
    }
  }
  const own = denv.playwrightPath(engine);
  if (own !== undefined && denv.isExecutable(own)) return { choice: { engine, executablePath: own, source: "Playwright's own build" } };
  if (engine === 'webkit') return { missing: MISSING_WEBKIT };
  for (const path of SYSTEM_PATHS[engine][denv.platform] ?? []) {
    if (denv.isExecutable(path)) return { choice: { engine, executablePath: path, source: 'system', ...stock } };
  }
  return { missing: engine === 'chromium' ? MISSING_CHROMIUM : MISSING_FIREFOX };
}

export function describeChoice(c: BrowserChoice): string {
  const protocol = c.channel === 'moz-firefox' ? '; WebDriver BiDi, moz-firefox channel' : '';
  return `${c.engine}: ${c.executablePath} (${c.source}${protocol})`;
}

export function describeDiscovery(engine: Engine, d: Discovery): string {
  return 'choice' in d ? describeChoice(d.choice) : `${engine}: none (${d.missing})`;
}
