import { fileURLToPath } from 'node:url';
import { DEFAULT_MEMBERSHIP } from '../../core/membership.ts';
import { DEFAULT_NODE } from '../../core/node.ts';
import { table, writeSection } from '../results-file.ts';
import { profileSelfTime, type ProfileEntry } from './cpu-profile.ts';
import { measureFloorIdle, measureIdle, type IdleResult } from './idle-sample.ts';
import { openLab } from './lab.ts';
import { isOverridden, loadNow, parseOverrides, printMeasurement, runLine, startRun, verdict } from './report.ts';
import { TABS_PER_BROWSER, type System } from './room.ts';
import { createResolver } from './source-map.ts';
import { median } from './stats.ts';
import { traceTab, type TraceSummary } from './trace-summary.ts';

/**
 * `npm run bench:idle`: what an idle tab costs once its links are up. 9 tabs in a room, so with
 * degree 8 every tabmesh tab holds 8 open links (and every y-webrtc tab 8 connections, measured
 * the same way for reference), then the floor under both: 9 tabs holding 8 bare simple-peer
 * links each, no app and no traffic, measured the same way, so the target can be read against
 * what open links cost by themselves. tabmesh is also measured without its page and with a slower
 * failure detector (see RUNS). When tabmesh misses its budget, one of its tabs is traced
 * and profiled right after the window, and the section says where the time goes. One JSON
 * object per row (and per profile) on stdout.
 */
const N = 9;
const DEGREE = 8;
const IDLE_MS = 30_000;
const SETTLE_MS = 5000;
const PROFILE_MS = 10_000;
const FORM_TIMEOUT_MS = 60_000;
const TARGET_PERCENT = 1;
const TOP_ENTRIES = 12;

interface Diagnosis {
  readonly trace: TraceSummary;
  readonly profile: readonly ProfileEntry[];
}

const floorLabel = `floor: ${N - 1} bare simple-peer links, no traffic`;

/**
 * tabmesh is measured three ways: as a student opens it, then without its page (`?ui=none`), then
 * also with the failure detector SLOWER times slower (every timeout scaled alike). The differences between
 * the rows say what the page and the detector's pace cost, measured, not estimated.
 */
const SLOWER = 4;
const NO_PAGE = { ui: 'none' };
const SLOW_DETECTOR = {
  ui: 'none',
  heartbeatMs: String(SLOWER * DEFAULT_NODE.heartbeatMs),
  suspectMs: String(SLOWER * DEFAULT_MEMBERSHIP.suspectAfterMs),
  deadMs: String(SLOWER * DEFAULT_MEMBERSHIP.deadAfterMs),
};
const RUNS: readonly { system: System; params: Readonly<Record<string, string>> }[] = [
  { system: 'tabmesh', params: {} },
  { system: 'y-webrtc', params: {} },
  { system: 'tabmesh', params: NO_PAGE },
  { system: 'tabmesh', params: SLOW_DETECTOR },
];
/** A run's URL parameters as a query string ('' for the defaults): how rows are named and found. */
const query = (params: Readonly<Record<string, string>>): string => new URLSearchParams(params).toString();
const isDefault = (r: IdleResult): boolean => r.system === 'tabmesh' && query(r.params) === '';
const rowLabel = (r: IdleResult): string => (r.system === 'floor' ? floorLabel : query(r.params) === '' ? r.system : `${r.system} \`?${query(r.params)}\``);
const seconds = (ms: number): string => `${ms / 1000} s`;
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const p2 = (x: number): string => x.toFixed(2);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const processName = (type: string): string => type.replace(/\.mojom\.\w+$/, '');

function diagnosisText(d: Diagnosis): string {
  const share = (ms: number): string => ((100 * ms) / d.trace.windowMs).toFixed(2);
  const js = d.profile.filter((e) => !e.where.startsWith('(')).slice(0, TOP_ENTRIES);
  const states = d.profile.filter((e) => e.where.startsWith('('));
  return `
**Where the time goes.** The target was missed, so tab 0 of the tabmesh room was traced for ${d.trace.windowMs / 1000} s right after the window (Chromium trace, categories devtools.timeline, toplevel, v8), then profiled for ${PROFILE_MS / 1000} s (V8 sampling profiler over CDP, 250 µs). Trace figures are CPU time (thread time), so waiting for a core on a busy machine does not count; tracing itself adds some. Minified positions are mapped back to sources through the build's hidden source maps.

Renderer threads (top-level task CPU):

${table(['thread', 'CPU ms', '% of a core', 'tasks'], d.trace.threads.map((r) => [r.what, r.cpuMs.toFixed(1), share(r.cpuMs), r.count]))}

Main thread, by activity (nested: rows overlap):

${table(['activity', 'CPU ms', '% of a core', 'count'], d.trace.mainThread.map((r) => [r.what, r.cpuMs.toFixed(1), share(r.cpuMs), r.count]))}

JavaScript self time (sampling profile; wall-clock samples, so the shares matter more than the milliseconds; ${states.map((s) => `${s.where} ${(s.ms / 1000).toFixed(2)} s`).join(', ')}):

${table(['function (source)', 'self ms', `% of ${PROFILE_MS / 1000} s`], js.map((e) => [e.where, e.ms.toFixed(1), ((100 * e.ms) / PROFILE_MS).toFixed(2)]))}
`;
}

/** What the floor is and where the target stands against it, from the measured means. */
function floorSentence(floorMean: number, tmMean: number, ywMean: number): string {
  const target =
    floorMean > TARGET_PERCENT
      ? `the ${TARGET_PERCENT} % target is below it: bare open links alone cost ${(floorMean / TARGET_PERCENT).toFixed(2)}× the target`
      : `the ${TARGET_PERCENT} % target leaves ${p2(TARGET_PERCENT - floorMean)} points above it for a system's own work`;
  return `\n**Floor.** ${N} tabs holding ${N - 1} bare simple-peer links each, no traffic and no app, cost ${p2(floorMean)} % of a core per tab (renderer, mean), so ${target}; tabmesh adds ${p2(tmMean - floorMean)} points to the floor, y-webrtc ${p2(ywMean - floorMean)}.`;
}

/** What the page and the detector's pace each cost, from the differences between tabmesh's rows. */
function shares(results: readonly IdleResult[]): string {
  const at = (params: Readonly<Record<string, string>>): number | undefined => {
    const r = results.find((x) => x.system === 'tabmesh' && query(x.params) === query(params));
    return r === undefined ? undefined : mean(r.rendererPercent);
  };
  const [all, noPage, slow] = [at({}), at(NO_PAGE), at(SLOW_DETECTOR)];
  const floor = results.find((r) => r.system === 'floor');
  if (all === undefined || noPage === undefined || slow === undefined || floor === undefined) return '';
  const budget = TARGET_PERCENT - mean(floor.rendererPercent);
  const over = [
    ...(all - noPage > budget ? ['the page'] : []),
    ...(noPage - slow > budget ? ["the default detector's pace"] : []),
    ...(slow - mean(floor.rendererPercent) > budget ? ['what is left without both'] : []),
  ];
  return `
**What the page and the detector cost.** From tabmesh's three rows: its page (the live clocks and message counters, repainted every 2 s) costs ${p2(all - noPage)} points; the failure detector's pace another ${p2(noPage - slow)} (heartbeats every ${DEFAULT_NODE.heartbeatMs} ms against every ${seconds(SLOWER * DEFAULT_NODE.heartbeatMs)}, suspicion after ${seconds(DEFAULT_MEMBERSHIP.suspectAfterMs)} against ${seconds(SLOWER * DEFAULT_MEMBERSHIP.suspectAfterMs)}); without the page and at 1/${SLOWER} of the pace a tab still uses ${p2(slow)} %, ${p2(slow - mean(floor.rendererPercent))} points above the floor. The target leaves ${p2(budget)} points above the floor; ${over.length === 0 ? 'each of these fits in it by itself' : `by itself, each of these costs more: ${over.join(', ')}`}.`;
}

function section(results: readonly IdleResult[], diagnosis: Diagnosis | undefined, windowMs: number, head: string): string {
  const rows = results.map((r) => {
    const side = Object.values(r.browserSidePercent).reduce((s, x) => s + x, 0);
    return [
      rowLabel(r),
      r.formation.complete ? `${Math.min(...r.linksAtEnd)}–${Math.max(...r.linksAtEnd)}` : `incomplete (${r.formation.completeTabs}/${r.n})`,
      p2(mean(r.rendererPercent)),
      p2(median(r.rendererPercent)),
      p2(Math.max(...r.rendererPercent)),
      p2(mean(r.mainThreadPercent)),
      p2(mean(r.scriptPercent)),
      `${mean(r.layoutsPerSecond).toFixed(2)} / ${mean(r.styleRecalcsPerSecond).toFixed(2)}`,
      mean(r.channelSendsPerSecond).toFixed(1),
      mb(median(r.heapUsedBytes)),
      `${p2(side / r.n)} (${Object.entries(r.browserSidePercent).map(([t, x]) => `${processName(t)} ${p2(x)}`).join(', ')})`,
    ];
  });
  const tm = results.find(isDefault);
  const yw = results.find((r) => r.system === 'y-webrtc');
  const fl = results.find((r) => r.system === 'floor');
  const tmMean = tm === undefined ? Number.NaN : mean(tm.rendererPercent);
  const kinds = (r: IdleResult): string => Object.entries(r.sendsByKind).sort((a, b) => b[1] - a[1]).map(([k, x]) => `${k} ${x.toFixed(1)}`).join(', ');
  const kindLines = results.filter((r) => r.system === 'tabmesh').map((r) => `- ${rowLabel(r)}: ${kinds(r)}.`).join('\n');
  return `## Idle cost of a tab with 8 open links in headless Chromium

${head}

**Setup.** ${N} tabs in a room (one context each, ${TABS_PER_BROWSER} per Chromium process), tabmesh with \`?degree=${DEGREE}\`, so each tab holds ${N - 1} open links; y-webrtc's page in the same shape for reference (${N - 1} connections each). Then tabmesh twice more, the target's reading being only the first row: \`?ui=none\` (the node without its page), and that with every failure-detector timeout ${SLOWER}× its default. The floor row: ${N} tabs of a bare page (bench/browser/floor-page, \`window.floorMesh\`) placed the same way, each opening one simple-peer connection (y-webrtc's library; tabmesh opens the same kind of data channel through the browser's RTCPeerConnection; trickle ICE, no ICE servers) to every other tab, the handshakes relayed by the bench through \`page.evaluate\`: no signaling server, no app, nothing sent once the ${N - 1} channels per tab are open; measured last, with the same settle, window and counters. Once formed, the bench's in-page watchers are stopped, CDP \`Performance.enable\` is sent to every tab, ${SETTLE_MS / 1000} s pass, then a ${windowMs / 1000} s window in which nothing drives the pages (no evaluate, no input; Playwright keeps headless pages visible and unthrottled, like a student's focused tab).

**Measured.** Per tab, CDP \`Performance.getMetrics\` at both ends of the window: *ProcessTime* is the CPU time of the tab's renderer process (main thread, its timer worker, WebRTC and compositor threads: everything the tab runs), *ThreadTime* that of its main thread, *ScriptDuration* its JavaScript, all as % of one core; *LayoutCount* and *RecalcStyleCount* per second (the view re-rendering); *JSHeapUsedSize* at the end. Data-channel sends per second are counted in every tab of every row by a wrapper on \`RTCDataChannel.prototype.send\` (bench/browser/channel-drop.ts, dropping nothing). Browser side: \`SystemInfo.getProcessInfo\` on each browser (browser-level CDP session), the non-renderer processes' CPU (browser process, network service, which carries every tab's UDP, GPU, …) over the same window, summed over the browsers and divided by the tabs; it includes Playwright's own idle CDP traffic, so it is shown beside the target, not in it.

${table(['system', 'open links per tab', 'renderer % of a core, mean', 'median', 'max', 'main thread %', 'script %', 'layouts / style recalcs per s', 'data-channel sends per s', 'JS heap used, median MB', 'browser side per tab % (by process)'], rows)}

tabmesh messages sent per tab and second, by kind (its journal, read around the window):

${kindLines}

- **Idle tab ≤ ${TARGET_PERCENT} % of one core** (tabmesh, renderer process, mean over the ${N} tabs): ${p2(tmMean)} % (max ${tm === undefined ? 'n/a' : p2(Math.max(...tm.rendererPercent))} %; y-webrtc ${yw === undefined ? 'n/a' : p2(mean(yw.rendererPercent))} %) → ${verdict(tmMean <= TARGET_PERCENT)}.
${fl === undefined ? '' : floorSentence(mean(fl.rendererPercent), tmMean, yw === undefined ? Number.NaN : mean(yw.rendererPercent))}
${shares(results)}
${diagnosis === undefined ? '' : diagnosisText(diagnosis)}`;
}

async function main(): Promise<void> {
  const o = parseOverrides(process.argv.slice(2));
  const windowMs = (o.seconds ?? IDLE_MS / 1000) * 1000;
  const loadBefore = loadNow();
  const lab = await openLab(Math.ceil(N / TABS_PER_BROWSER));
  try {
    const info = startRun('npm run bench:idle', lab.chromium, loadBefore);
    const resolve = createResolver(lab.appDir, fileURLToPath(new URL('../..', import.meta.url)));
    const results: IdleResult[] = [];
    let diagnosis: Diagnosis | undefined;
    for (const { system, params } of RUNS) {
      console.error(`idle: ${system}${query(params) === '' ? '' : ` ?${query(params)}`}, ${N} tabs, ${windowMs / 1000} s window...`);
      const { result, room } = await measureIdle(lab, system, { n: N, degree: DEGREE, formTimeoutMs: FORM_TIMEOUT_MS, settleMs: SETTLE_MS, windowMs, params });
      try {
        printMeasurement(result);
        results.push(result);
        const page = room.pages[0];
        if (isDefault(result) && mean(result.rendererPercent) > TARGET_PERCENT && page !== undefined) {
          console.error(`idle: tabmesh tabs use ${p2(mean(result.rendererPercent))} % of a core; tracing and profiling tab 0...`);
          diagnosis = { trace: await traceTab(page, PROFILE_MS, resolve), profile: await profileSelfTime(page, PROFILE_MS, resolve) };
          printMeasurement({ part: 'idle-diagnosis', system, trace: diagnosis.trace, profile: diagnosis.profile.slice(0, 2 * TOP_ENTRIES) });
        }
      } finally {
        await room.close();
      }
    }
    console.error(`idle: ${floorLabel}, ${N} tabs, ${windowMs / 1000} s window...`);
    const floor = await measureFloorIdle(lab, { n: N, connectTimeoutMs: FORM_TIMEOUT_MS, settleMs: SETTLE_MS, windowMs });
    printMeasurement(floor);
    results.push(floor);
    const text = section(results, diagnosis, windowMs, runLine(info));
    if (isOverridden(o)) console.error(`idle: shrunk run (arguments given); bench/RESULTS.md left as it was. The section would read:\n${text}`);
    else writeSection('browser-idle', text);
  } finally {
    await lab.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:idle failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
