import { setTimeout as sleep } from 'node:timers/promises';
import type { CDPSession, Page } from '@playwright/test';
import { installChannelDrop } from './channel-drop.ts';
import { FloorMesh } from './floor-mesh.ts';
import type { Lab } from './lab.ts';
import { Room, TABS_PER_BROWSER, type Formation, type System } from './room.ts';

/**
 * One idle measurement: tabs linked (a room of `n` tabs formed, or the floor's bare mesh), then
 * a window in which nothing drives the pages, read through Chromium's own counters at both ends
 * (see idle-cost.ts for what each is). Every tab also counts its data-channel sends (channel-
 * drop.ts with the drop off), so all rows' idle traffic is compared the same way; tabmesh's sends
 * are also split by message kind from its journal, read before and after the window, never
 * during it.
 */
export interface WindowMeasures {
  readonly windowMs: number;
  /** Per tab, % of one core: its renderer process, its main thread, main-thread tasks, script. */
  readonly rendererPercent: readonly number[];
  readonly mainThreadPercent: readonly number[];
  readonly taskPercent: readonly number[];
  readonly scriptPercent: readonly number[];
  /** Per tab, per second. */
  readonly layoutsPerSecond: readonly number[];
  readonly styleRecalcsPerSecond: readonly number[];
  readonly channelSendsPerSecond: readonly number[];
  readonly heapUsedBytes: readonly number[];
  /** Browser-side processes, % of one core summed over the browsers, by process type. */
  readonly browserSidePercent: Readonly<Record<string, number>>;
}

/** What the tabs say about themselves after the window. */
interface TabReport {
  /** tabmesh only: messages sent per tab and second, by kind. */
  readonly sendsByKind: Readonly<Record<string, number>>;
  readonly linksAtEnd: readonly number[];
}

/** The floor's mesh is complete or the bench has thrown; `ms` from its first open() call. */
export interface FloorFormation {
  readonly complete: true;
  readonly ms: number;
}

export interface IdleResult extends WindowMeasures, TabReport {
  readonly part: 'idle';
  readonly system: System | 'floor';
  /** tabmesh's URL parameters beyond room, name and degree (none: its defaults). */
  readonly params: Readonly<Record<string, string>>;
  readonly n: number;
  readonly formation: Formation | FloorFormation;
}

/** The tabs a window is measured over: a Room or a FloorMesh. */
interface Tabs {
  readonly pages: readonly Page[];
  all<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R[]>;
}

/** Reads in the tabs just before the window's first sample and after its last one. */
interface Around<B> {
  before(): Promise<B>;
  after(before: B, seconds: number): Promise<TabReport>;
}

export interface WindowOptions {
  readonly settleMs: number;
  readonly windowMs: number;
}

const METRICS = ['ProcessTime', 'ThreadTime', 'TaskDuration', 'ScriptDuration', 'LayoutCount', 'RecalcStyleCount', 'JSHeapUsedSize'] as const;
type Metric = (typeof METRICS)[number];
type Sample = Record<Metric, number>;

interface DebugWindow {
  __tabmeshDebug?: { journal(): { n: number; type: string; kind: string }[] };
}

/** Every tab counts its sends, the drop off; seeded per tab only because the wrapper wants a seed. */
const channelCounter = (i: number): string => `(${installChannelDrop.toString()})(${i + 1});`;

async function tabSamples(sessions: readonly CDPSession[]): Promise<Sample[]> {
  return Promise.all(
    sessions.map(async (s) => {
      const { metrics } = await s.send('Performance.getMetrics');
      const out = {} as Sample;
      for (const name of METRICS) {
        const m = metrics.find((x) => x.name === name);
        if (m === undefined) throw new Error(`Performance.getMetrics has no ${name}`);
        out[name] = m.value;
      }
      return out;
    }),
  );
}

/** Cumulative CPU seconds of the browsers' non-renderer processes, by process type. */
async function browserSide(sessions: readonly CDPSession[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of sessions) {
    const { processInfo } = (await s.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; cpuTime: number }[] };
    for (const p of processInfo) if (p.type !== 'renderer') out.set(p.type, (out.get(p.type) ?? 0) + p.cpuTime);
  }
  return out;
}

const channelSends = (tabs: Tabs): Promise<number[]> => tabs.all(() => window.__benchDrop?.stats().sent ?? 0, undefined);
const journalEnd = (room: Room): Promise<number[]> =>
  room.all(() => (window as DebugWindow).__tabmeshDebug?.journal().at(-1)?.n ?? 0, undefined);

/** The window itself, the same for every row: CDP sessions, settle, then samples at both ends. */
async function measureWindow<B>(lab: Lab, tabs: Tabs, o: WindowOptions, around: Around<B>): Promise<WindowMeasures & TabReport> {
  const browserSessions = await Promise.all(lab.browsers.slice(0, Math.ceil(tabs.pages.length / TABS_PER_BROWSER)).map((b) => b.newBrowserCDPSession()));
  const sessions = await Promise.all(tabs.pages.map((p) => p.context().newCDPSession(p)));
  await Promise.all(sessions.map((s) => s.send('Performance.enable')));
  await sleep(o.settleMs);
  const [sendsA, before] = [await channelSends(tabs), await around.before()];
  const [a, sideA, t0] = [await tabSamples(sessions), await browserSide(browserSessions), performance.now()];
  await sleep(o.windowMs);
  const [b, sideB, t1] = [await tabSamples(sessions), await browserSide(browserSessions), performance.now()];
  const seconds = (t1 - t0) / 1000;
  const sendsB = await channelSends(tabs);
  const report = await around.after(before, seconds);
  await Promise.all([...sessions, ...browserSessions].map((s) => s.detach().catch(() => undefined)));
  const delta = (m: Metric): number[] => b.map((x, i) => x[m] - (a[i] as Sample)[m]);
  const pct = (cpuSeconds: number): number => (100 * cpuSeconds) / seconds;
  return {
    windowMs: t1 - t0,
    rendererPercent: delta('ProcessTime').map(pct),
    mainThreadPercent: delta('ThreadTime').map(pct),
    taskPercent: delta('TaskDuration').map(pct),
    scriptPercent: delta('ScriptDuration').map(pct),
    layoutsPerSecond: delta('LayoutCount').map((x) => x / seconds),
    styleRecalcsPerSecond: delta('RecalcStyleCount').map((x) => x / seconds),
    channelSendsPerSecond: sendsB.map((x, i) => (x - (sendsA[i] ?? 0)) / seconds),
    heapUsedBytes: b.map((x) => x.JSHeapUsedSize),
    browserSidePercent: Object.fromEntries([...sideB].map(([type, cpu]) => [type, pct(cpu - (sideA.get(type) ?? 0))])),
    ...report,
  };
}

/** Measures an idle room; the caller closes the returned room (after profiling it, perhaps). */
export async function measureIdle(
  lab: Lab,
  system: System,
  o: WindowOptions & { n: number; degree: number; formTimeoutMs: number; params?: Readonly<Record<string, string>> },
): Promise<{ result: IdleResult; room: Room }> {
  const params = o.params ?? {};
  const room = await Room.open(lab, { system, n: o.n, degree: o.degree, params, initScript: channelCounter });
  try {
    const formation = await room.waitFormed(o.formTimeoutMs);
    await room.stopWatchers();
    const measures = await measureWindow(lab, room, o, {
      before: async () => (system === 'tabmesh' ? journalEnd(room) : []),
      async after(journalA, seconds) {
        const kinds = system === 'tabmesh' ? await room.each((after: number) => {
          const counts: Record<string, number> = {};
          for (const e of (window as DebugWindow).__tabmeshDebug?.journal() ?? []) if (e.n > after && e.type === 'send') counts[e.kind] = (counts[e.kind] ?? 0) + 1;
          return counts;
        }, (i) => journalA[i] ?? 0) : [];
        const linksAtEnd = await room.all((s) => (s === 'tabmesh' ? window.tabmesh.peers().filter((p) => p.link === 'open').length : window.yw.peers()), system);
        const sendsByKind: Record<string, number> = {};
        // The journal's sends span the window plus the sampling around it; per second of the window.
        for (const k of kinds) for (const [kind, c] of Object.entries(k)) sendsByKind[kind] = (sendsByKind[kind] ?? 0) + c / o.n / seconds;
        return { sendsByKind, linksAtEnd };
      },
    });
    return { result: { part: 'idle', system, params, n: o.n, formation, ...measures }, room };
  } catch (error) {
    await room.close();
    throw error;
  }
}

/** Measures the floor's idle mesh of `n` tabs, exactly as a room, and closes it. */
export async function measureFloorIdle(lab: Lab, o: WindowOptions & { n: number; connectTimeoutMs: number }): Promise<IdleResult> {
  const mesh = await FloorMesh.open(lab, { n: o.n, connectTimeoutMs: o.connectTimeoutMs, initScript: channelCounter });
  try {
    const measures = await measureWindow(lab, mesh, o, {
      before: async () => undefined,
      after: async () => ({ sendsByKind: {}, linksAtEnd: await mesh.openCounts() }),
    });
    return { part: 'idle', system: 'floor', params: {}, n: o.n, formation: { complete: true, ms: mesh.connectMs }, ...measures };
  } finally {
    await mesh.close();
  }
}
