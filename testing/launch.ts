import { chromium, firefox, webkit, type Browser, type LaunchOptions } from '@playwright/test';
import type { BrowserChoice } from './browsers.ts';
import { recordChildren } from './process-registry.ts';

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

/**
 * Firefox preferences for a lab on one machine: no update, telemetry or Safe Browsing traffic,
 * and ICE allowed on loopback (off by default), so two engines on one host can link up.
 */
const FIREFOX_PREFS: Record<string, string | number | boolean> = {
  'media.peerconnection.ice.loopback': true,
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
};

/** How long a browser gets to close before its process group is killed. */
const CLOSE_TIMEOUT_MS = 10_000;

function options(choice: BrowserChoice): LaunchOptions {
  const base: LaunchOptions = { executablePath: choice.executablePath, ...(choice.channel ? { channel: choice.channel } : {}) };
  if (choice.engine === 'chromium') return { ...base, args: CHROMIUM_ARGS };
  if (choice.engine === 'firefox') return { ...base, firefoxUserPrefs: FIREFOX_PREFS };
  return base;
}

/**
 * Launches one browser process and records it (and any other child of this worker) in the
 * run's process registry, so the global teardown can kill it if nothing else closes it.
 */
export async function launchBrowser(choice: BrowserChoice): Promise<Browser> {
  const type = { chromium, firefox, webkit }[choice.engine];
  try {
    return await type.launch(options(choice));
  } finally {
    recordChildren();
  }
}

/**
 * The protocol command a browser refused as unknown while Playwright launched it, if that is why
 * the launch failed: a stock browser older than this Playwright expects (Debian's firefox-esr
 * 140 lacks WebDriver BiDi's network.addDataCollector, which Playwright 1.64 sends at launch).
 * Such a browser cannot be driven at all, as if it were not installed.
 */
export function missingCommand(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return /Protocol error \(([\w.]+)\): unknown command/.exec(message)?.[1];
}

/** Closes a browser, giving up after a while: the registry's teardown kills a hung one. */
export async function closeBrowser(browser: Browser): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)));
  try {
    await Promise.race([browser.close().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
