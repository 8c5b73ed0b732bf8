import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: real tabs in separate Chromium processes, talking over WebRTC through the
 * real signaling server. One worker, because a test opens up to ~8 tabs and the machine has two
 * cores; no retries, because a flaky test here is a bug to find.
 */
export default defineConfig({
  testDir: './e2e',
  testMatch: '*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
});
