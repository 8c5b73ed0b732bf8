import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: every benchmark, one after another, each in its own process (so one's
 * memory, timers and children cannot colour the next), stopping at the first that fails to
 * run. A target marked FAIL in bench/RESULTS.md is a result, not a failure: the suite goes on,
 * so every section is refreshed.
 */
const PARTS: readonly { name: string; file: string; timeoutMinutes?: number }[] = [
  { name: 'gossip', file: 'gossip.ts' },
  { name: 'exercise', file: 'broadcast-exercise.ts' },
  { name: 'yjs', file: 'yjs-edits.ts' },
  { name: 'signaling', file: 'signaling-capacity.ts' },
  { name: 'bundle', file: 'bundle-size.ts' },
  // Real tabs in headless Chromium; each bounds its own steps, these only catch a hang.
  { name: 'mesh', file: 'browser/mesh-formation.ts', timeoutMinutes: 40 },
  { name: 'edits', file: 'browser/edit-latency.ts', timeoutMinutes: 40 },
  { name: 'loss', file: 'browser/edits-under-loss.ts', timeoutMinutes: 15 },
  { name: 'idle', file: 'browser/idle-cost.ts', timeoutMinutes: 15 },
  { name: 'page', file: 'page-responsiveness.ts', timeoutMinutes: 20 },
];
/** Far above the simulator parts' run times (the slowest takes about three minutes); only a hang reaches it. */
const PART_TIMEOUT_MINUTES = 10;

function run(file: string, timeoutMinutes: number): Promise<number> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path], { stdio: 'inherit' });
  const stop = (): void => void child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not finish within ${timeoutMinutes} minutes`));
    }, timeoutMinutes * 60_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(code ?? (signal === null ? 1 : 128 + (os.constants.signals[signal] ?? 0)));
    });
  });
}

async function main(): Promise<number> {
  for (const part of PARTS) {
    console.error(`\n== bench:${part.name} (bench/${part.file})`);
    const started = performance.now();
    const code = await run(part.file, part.timeoutMinutes ?? PART_TIMEOUT_MINUTES);
    console.error(`== bench:${part.name} exited ${code} after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (code !== 0) {
      console.error(`bench: stopping, bench:${part.name} failed`);
      return code;
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
