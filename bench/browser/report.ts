import { loadavg } from 'node:os';
import { machineLine } from '../results-file.ts';

/**
 * What every browser bench section says about where and how it ran, and the one way a run is
 * shrunk for development (`-- --sizes=4 --runs=1`): a shrunk run prints its JSON lines and the
 * section it would write, but leaves bench/RESULTS.md alone, so the file only holds full-size figures.
 */
export interface RunInfo {
  readonly command: string;
  readonly chromium: string;
  readonly loadBefore: number;
  readonly startedAt: number;
}

export function startRun(command: string, chromium: string, loadBefore: number): RunInfo {
  return { command, chromium, loadBefore, startedAt: performance.now() };
}

export function loadNow(): number {
  return loadavg()[0] ?? 0;
}

export function runLine(run: RunInfo): string {
  const seconds = Math.round((performance.now() - run.startedAt) / 1000);
  return [
    `Command: \`${run.command}\` — ${machineLine()}; ${run.chromium}, headless, flags of testing/launch.ts; servers on 127.0.0.1.`,
    `Whole run: ${seconds} s; one-minute load average ${run.loadBefore.toFixed(1)} at the start and ${loadNow().toFixed(1)} at the end (the machine is shared: other work takes CPU from both systems alike, which is why the systems alternate).`,
  ].join('\n');
}

export function verdict(pass: boolean): string {
  return pass ? '**PASS**' : '**FAIL**';
}

export interface DevOverrides {
  readonly sizes?: readonly number[];
  readonly runs?: number;
  readonly seconds?: number;
}

/** Parses `--sizes=4,8`, `--runs=1`, `--seconds=10`; anything else is an error naming it. */
export function parseOverrides(argv: readonly string[]): DevOverrides {
  const out: { sizes?: number[]; runs?: number; seconds?: number } = {};
  for (const arg of argv) {
    const m = /^--(sizes|runs|seconds)=(.+)$/.exec(arg);
    if (m === null) throw new RangeError(`unknown argument ${JSON.stringify(arg)}; expected --sizes=4,8 --runs=1 --seconds=10`);
    const nums = (m[2] as string).split(',').map(Number);
    if (!nums.every((x) => Number.isSafeInteger(x) && x > 0)) throw new RangeError(`${arg}: expected positive integers`);
    if (m[1] === 'sizes') out.sizes = nums;
    else out[m[1] as 'runs' | 'seconds'] = nums[0] as number;
  }
  return out;
}

export const isOverridden = (o: DevOverrides): boolean => Object.keys(o).length > 0;

export function printMeasurement(m: object): void {
  console.log(JSON.stringify(m));
}
