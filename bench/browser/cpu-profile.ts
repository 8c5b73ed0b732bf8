import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import type { Resolver } from './source-map.ts';

/**
 * Where a tab's main thread spends its time: V8's sampling profiler over CDP for a window, self
 * time summed per function, named by its source position (through the build's source maps) where
 * one exists. Samples are wall-clock intervals: on a busy machine a thread waiting for a core
 * still accrues them, so the shares matter more than the milliseconds.
 */
export interface ProfileEntry {
  readonly where: string;
  readonly ms: number;
}

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

const SAMPLING_INTERVAL_US = 250;

function label(f: CallFrame, resolve: Resolver): string {
  const name = f.functionName === '' ? '(anonymous)' : f.functionName;
  if (f.url === '') return name;
  const source = resolve(f.url, f.lineNumber, f.columnNumber);
  if (source !== undefined) return source;
  const file = f.url.split('/').pop()?.split('?')[0] ?? f.url;
  return `${name} ${file}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
}

/** Profiles `page` for `ms` and returns self time per function, largest first, `(idle)` included. */
export async function profileSelfTime(page: Page, ms: number, resolve: Resolver): Promise<ProfileEntry[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await cdp.send('Profiler.start');
    await sleep(ms);
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    const byId = new Map(profile.nodes.map((n) => [n.id, label(n.callFrame, resolve)]));
    const self = new Map<string, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    // timeDeltas[i] is the time from sample i - 1 to sample i; that interval is charged to sample i.
    for (let i = 0; i < samples.length; i++) {
      const where = byId.get(samples[i] as number) ?? '(unknown)';
      self.set(where, (self.get(where) ?? 0) + (deltas[i] ?? 0) / 1000);
    }
    return [...self].map(([where, t]) => ({ where, ms: t })).sort((a, b) => b.ms - a.ms);
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
