import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: real tabs in separate browser processes, talking over WebRTC through the
 * real signaling server, all through the kit in testing/ (README, "Testing with the tabmesh
 * kit"). One worker, because a test opens up to ~8 tabs and the machine has two cores; no
 * retries, because a flaky test here is a bug to find.
 *
 * @playwright/test is pinned to 1.64.1 in package.json: it drives Debian's firefox-esr over
 * WebDriver BiDi (the moz-firefox channel), and 1.65 sends emulation.setMediaFeaturesOverride,
 * a BiDi command Firefox ESR 153 does not have, so every Firefox page fails to open there.
 */
export default defineConfig({
  projects: [
    { name: 'e2e', testDir: './e2e', testMatch: '*.spec.ts' },
    { name: 'examples', testDir: './examples', testMatch: '*.spec.ts' },
  ],
  // The kit's setup first: with no Chromium the run stops in one sentence before building anything.
  globalSetup: ['./testing/global-setup.ts', './e2e/global-setup.ts'],
  globalTeardown: './testing/global-teardown.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
});
