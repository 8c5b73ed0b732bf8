import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import type { Resolver } from './source-map.ts';

/**
 * Where a tab's CPU goes, from a Chromium trace of its renderer process: CPU time (the trace's
 * thread time, `tdur`, so waiting for a core on a busy machine is not counted) of the top-level
 * tasks of each thread, and on the main thread the activities that matter for an idle tab:
 * messages posted to it (its timer worker's ticks arrive that way), timers, rendering, garbage
 * collection, and the JavaScript each task entered (a data channel's onmessage, a worker's tick
 * handler), named through the build's source maps. Activities nest, so they do not add up to the
 * main thread's total; cpu-profile.ts names the functions the time is spent in.
 */
export interface TraceRow {
  readonly what: string;
  readonly cpuMs: number;
  readonly count: number;
}

export interface TraceSummary {
  readonly windowMs: number;
  readonly threads: readonly TraceRow[];
  readonly mainThread: readonly TraceRow[];
}

interface TraceEvent {
  readonly ph?: string;
  readonly name?: string;
  readonly pid?: number;
  readonly tid?: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: {
    name?: string;
    data?: { functionName?: string; url?: string; lineNumber?: number; columnNumber?: number; frames?: { processId?: number; url?: string }[] };
  };
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8'];
const RENDERING = new Set(['FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit']);
const GC = new Set(['MinorGC', 'MajorGC']);
const TOP = 10;

function add(map: Map<string, { cpuMs: number; count: number }>, key: string, us: number): void {
  const row = map.get(key) ?? { cpuMs: 0, count: 0 };
  row.cpuMs += us / 1000;
  row.count += 1;
  map.set(key, row);
}

const rows = (map: Map<string, { cpuMs: number; count: number }>): TraceRow[] =>
  [...map].map(([what, r]) => ({ what, ...r })).sort((a, b) => b.cpuMs - a.cpuMs);

export function summarise(events: readonly TraceEvent[], pageUrl: string, windowMs: number, resolve: Resolver): TraceSummary {
  const started = events.find((e) => e.name === 'TracingStartedInBrowser');
  const pid = started?.args?.data?.frames?.find((f) => f.url === pageUrl)?.processId;
  if (pid === undefined) throw new Error(`the trace names no renderer process for ${pageUrl}`);
  const threadNames = new Map<number, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.tid !== undefined) threadNames.set(e.tid, e.args?.name ?? String(e.tid));
  const mainTid = [...threadNames].find(([, n]) => n === 'CrRendererMain')?.[0];
  const complete = events
    .filter((e) => e.pid === pid && e.ph === 'X' && e.ts !== undefined && e.dur !== undefined && e.tdur !== undefined)
    .sort((a, b) => (a.tid as number) - (b.tid as number) || (a.ts as number) - (b.ts as number));
  const threads = new Map<string, { cpuMs: number; count: number }>();
  const main = new Map<string, { cpuMs: number; count: number }>();
  let tid: number | undefined;
  let topEnd = -Infinity;
  for (const e of complete) {
    const [ts, dur, tdur] = [e.ts as number, e.dur as number, e.tdur as number];
    if (e.tid !== tid) [tid, topEnd] = [e.tid, -Infinity];
    if (ts >= topEnd) {
      // A top-level event: its thread time is the thread's CPU for that task.
      topEnd = ts + dur;
      add(threads, threadNames.get(e.tid as number) ?? `thread ${e.tid}`, tdur);
    }
    if (e.tid !== mainTid) continue;
    const name = e.name ?? '?';
    if (name === 'HandlePostMessage') add(main, 'postMessage delivered (timer-worker ticks, ports)', tdur);
    else if (name === 'TimerFire') add(main, 'main-thread timer fired', tdur);
    else if (name === 'FunctionCall') {
      // The trace numbers lines and columns from 1, source maps from 0.
      const d = e.args?.data;
      const at = d?.url ? resolve(d.url, (d.lineNumber ?? 1) - 1, (d.columnNumber ?? 1) - 1) : undefined;
      add(main, `JS entered: ${d?.functionName || '(anonymous)'}${at ? ` (${at})` : ''}`, tdur);
    }
    else if (RENDERING.has(name)) add(main, `rendering: ${name}`, tdur);
    else if (GC.has(name)) add(main, 'garbage collection', tdur);
  }
  return { windowMs, threads: rows(threads).slice(0, TOP), mainThread: rows(main).slice(0, TOP) };
}

/** Traces the browser of `page` for `ms` and summarises the page's renderer process. */
export async function traceTab(page: Page, ms: number, resolve: Resolver): Promise<TraceSummary> {
  const browser = page.context().browser();
  if (browser === null) throw new Error('the page has no browser to trace');
  await browser.startTracing(page, { categories: CATEGORIES });
  let buffer: Buffer;
  try {
    await sleep(ms);
  } finally {
    buffer = await browser.stopTracing();
  }
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  return summarise(Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []), page.url(), ms, resolve);
}
