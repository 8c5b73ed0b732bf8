import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { nodePolyfills } from 'vite-plugin-node-polyfills';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ mode }) => {
  // Vitest loads this file too (in mode 'test'). Its tests run in Node, where the browser shims
  // would shadow the real events/buffer/process modules, so they are left out there; a
  // production build started from inside a test still gets them.
  const nodeTests = mode === 'test';
  return {
    root: fileURLToPath(new URL('./app', import.meta.url)),
    plugins: [
      // Svelte options live here; there is no svelte.config.js to look for.
      svelte({ configFile: false }),
      ...(nodeTests
        ? []
        : [
            // simple-peer (through readable-stream and randombytes) expects Node's events, buffer,
            // process and `global`; nothing else of Node is shimmed.
            nodePolyfills({
              include: ['events', 'buffer', 'process'],
              globals: { Buffer: true, global: true, process: true },
              protocolImports: false,
            }),
          ]),
    ],
    // Browser build only, like the shims: Node tests keep the real package.
    ...(nodeTests ? {} : { resolve: { alias: { debug: fileURLToPath(new URL('./app/src/net/debug-off.cjs', import.meta.url)) } } }),
    build: {
      outDir: fileURLToPath(new URL('./dist', import.meta.url)),
      emptyOutDir: true,
      // The instructor view is a page of its own, so no instructor code reaches a student's tab.
      rolldownOptions: {
        input: {
          main: fileURLToPath(new URL('./app/index.html', import.meta.url)),
          teach: fileURLToPath(new URL('./app/teach.html', import.meta.url)),
        },
      },
    },
    worker: { format: 'es' as const },
    test: {
      root: repoRoot,
      include: ['core/**/*.test.ts', 'signaling/**/*.test.ts', 'app/**/*.test.ts', 'testing/**/*.test.ts'],
      environment: 'node',
      // Vitest leaves one core free by default; on a 2-core machine that runs files one at a time.
      maxWorkers: availableParallelism(),
      // Worker threads without per-file isolation: measured on this 2-core machine the suite
      // takes 36 s this way against 61 s with isolated forks, and issue 2 budgets 60 s. Our test
      // files keep no global state (clocks and randomness are injected), so sharing is safe.
      pool: 'threads',
      isolate: false,
      // A hang guard, not a speed budget: fuzz tests run for seconds on a busy 2-core machine.
      testTimeout: 60_000,
    },
  };
});
