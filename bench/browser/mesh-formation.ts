import { setTimeout as sleep } from 'node:timers/promises';
import { table, writeSection } from '../results-file.ts';
import { openLab, type Lab } from './lab.ts';
import { isOverridden, loadNow, parseOverrides, printMeasurement, runLine, startRun, verdict } from './report.ts';
import { DEFAULT_DEGREE, Room, TABS_PER_BROWSER, type Formation, type System } from './room.ts';
import { median, ratio } from './stats.ts';

/**
 * `npm run bench:mesh`: how long a room of N tabs takes to form, tabmesh against y-webrtc 10
 * (the e2e page's stock WebrtcProvider on y-webrtc's own bin/server.js), alternating the two.
 * One JSON object per room on stdout; the section goes to bench/RESULTS.md.
 */
const SIZES = [4, 8, 16];
const RUNS = 3;
const FORM_TIMEOUT_MS = 60_000;
/** Lets a closed room's teardown finish before the next one starts. */
const SETTLE_MS = 2000;
const TARGET_SIZES = [8, 16];

interface MeshMeasurement extends Formation {
  readonly part: 'mesh';
  readonly system: System;
  readonly n: number;
  readonly run: number;
}

async function formRoom(lab: Lab, system: System, n: number): Promise<Formation> {
  const room = await Room.open(lab, { system, n });
  try {
    return await room.waitFormed(FORM_TIMEOUT_MS);
  } finally {
    await room.close();
  }
}

/** A run that did not complete counts as slower than any that did. */
const msOf = (m: MeshMeasurement): number => m.ms ?? Number.POSITIVE_INFINITY;

function cell(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : `incomplete at ${FORM_TIMEOUT_MS / 1000} s`;
}

function runsCell(ms: readonly MeshMeasurement[]): string {
  return ms.map((m) => (m.ms === null ? `✗ (${m.completeTabs}/${m.n} tabs)` : (m.ms / 1000).toFixed(2))).join(', ');
}

/** An incomplete median (Infinity) is "more than the deadline": the ratio is then a bound. */
function ratioCell(tabmesh: number, yWebrtc: number): string {
  if (Number.isFinite(tabmesh) && Number.isFinite(yWebrtc)) return ratio(tabmesh, yWebrtc);
  if (Number.isFinite(yWebrtc)) return `> ${(FORM_TIMEOUT_MS / yWebrtc).toFixed(2)}×`;
  if (Number.isFinite(tabmesh)) return `< ${(tabmesh / FORM_TIMEOUT_MS).toFixed(2)}×`;
  return 'n/a';
}

function section(all: readonly MeshMeasurement[], sizes: readonly number[], runs: number, head: string): string {
  const rows: (string | number)[][] = [];
  const targets: string[] = [];
  for (const n of sizes) {
    const of = (s: System) => all.filter((m) => m.n === n && m.system === s);
    const [tm, yw] = [of('tabmesh'), of('y-webrtc')];
    const [mt, my] = [median(tm.map(msOf)), median(yw.map(msOf))];
    const r = ratioCell(mt, my);
    rows.push([n, Math.ceil(n / TABS_PER_BROWSER), Math.min(DEFAULT_DEGREE, n - 1), runsCell(tm), cell(mt), runsCell(yw), cell(my), r]);
    if (TARGET_SIZES.includes(n)) {
      const pass = Number.isFinite(mt) && mt <= my;
      targets.push(`- **N = ${n}: tabmesh ≤ 1.0× y-webrtc** (medians): ${cell(mt)} vs ${cell(my)}, ratio ${r} → ${verdict(pass)}.`);
    }
  }
  const phaseRows: (string | number)[][] = [];
  for (const n of sizes) {
    for (const system of ['tabmesh', 'y-webrtc'] as const) {
      const ms = all.filter((m) => m.n === n && m.system === system);
      const med = (pick: (m: MeshMeasurement) => number | null): string => {
        const xs = ms.map(pick).map((x) => x ?? Number.POSITIVE_INFINITY);
        return xs.length === 0 ? 'n/a' : Number.isFinite(median(xs)) ? (median(xs) / 1000).toFixed(2) : 'never (median)';
      };
      const na = system === 'y-webrtc' ? (): string => '—' : med;
      phaseRows.push([n, system, med((m) => m.phases.ready), na((m) => m.phases.known), med((m) => m.phases.linked), na((m) => m.phases.alive), med((m) => m.ms), med((m) => m.rendererCpuMs)]);
    }
  }
  const lost = all.filter((m) => m.lost > 0).map((m) => `${m.system} N=${m.n} run ${m.run}: ${m.lost}`);
  const missing = all.filter((m) => !m.complete).map((m) => `${m.system} N=${m.n} run ${m.run}: ${m.missing.slice(0, 6).join('; ')}${m.missing.length > 6 ? '; …' : ''}`);
  return `## Mesh formation in headless Chromium: tabmesh vs y-webrtc

${head}

**Setup.** N tabs, one browser context each (no shared storage, and y-webrtc's BroadcastChannel cannot shortcut between tabs), ${TABS_PER_BROWSER} tabs per Chromium process, round robin, as a classroom of laptops. All N pages are navigated at once. tabmesh: the app built into a temporary directory, served with its signaling by tabmesh's server (default options); \`?degree=${DEFAULT_DEGREE}\`. y-webrtc 10.3.0: the e2e page (e2e/pages/ywebrtc, a stock \`WebrtcProvider\`, no ICE servers) on y-webrtc's own \`bin/server.js\`, bound to 127.0.0.1. Each server runs in its own process.

**Measured.** From the first tab's navigation start (\`performance.timeOrigin\`) until the moment every tab was complete at once, on the pages' own clock (\`performance.timeOrigin + performance.now()\`, one clock for every tab of the machine), sampled in each page every 20 ms by an init script, so the orchestrator's polling is not in the figure. tabmesh complete: \`peers()\` lists the N − 1 others, all alive (the same membership everywhere), with at least min(${DEFAULT_DEGREE}, N − 1) links open (a room of at most degree + 1 is a full mesh, larger rooms top up to the degree). y-webrtc complete: the provider has N − 1 open connections. A room not complete after ${FORM_TIMEOUT_MS / 1000} s is recorded as incomplete and counts as slower than any complete run. ${runs} runs per size and system, alternating (odd runs start with y-webrtc); medians.

${table(['N', 'browsers', 'tabmesh target links', 'tabmesh runs (s)', 'tabmesh median', 'y-webrtc runs (s)', 'y-webrtc median', 'ratio tabmesh / y-webrtc'], rows)}

${targets.join('\n')}

**Where the time goes.** Each tab's watcher also notes when it first reached each step; the table gives, per size and system, the median over runs of the moment the *last* tab reached it (seconds from the first navigation start), and the CPU time all the room's renderer processes had used by the end of the wait (CDP \`Performance.getMetrics\` ProcessTime, summed over tabs: page load, signaling, WebRTC set-up and the protocols' own traffic). With ${runs > 1 ? 'several' : 'one'} run${runs > 1 ? 's' : ''} per cell and the machine shared, a phase that dominates is the finding, not the last decimal.

${table(['N', 'system', 'app script running', 'all members listed', 'target links open', 'all alive', 'complete', 'renderer CPU, all tabs (s)'], phaseRows)}
${missing.length > 0 ? `\nIncomplete rooms (tab: what it had at the deadline): ${missing.join(' · ')}.` : ''}
${lost.length > 0 ? `\nTabs that were complete, then fell back before the whole room was: ${lost.join(', ')}.` : ''}`;
}

async function main(): Promise<void> {
  const o = parseOverrides(process.argv.slice(2));
  const sizes = o.sizes ?? SIZES;
  const runs = o.runs ?? RUNS;
  const loadBefore = loadNow();
  const lab = await openLab(Math.ceil(Math.max(...sizes) / TABS_PER_BROWSER));
  const all: MeshMeasurement[] = [];
  try {
    const info = startRun('npm run bench:mesh', lab.chromium, loadBefore);
    for (const n of sizes) {
      for (let run = 0; run < runs; run++) {
        const order: System[] = run % 2 === 0 ? ['tabmesh', 'y-webrtc'] : ['y-webrtc', 'tabmesh'];
        for (const system of order) {
          console.error(`mesh: ${system}, N = ${n}, run ${run + 1}/${runs}...`);
          const m: MeshMeasurement = { part: 'mesh', system, n, run, ...(await formRoom(lab, system, n)) };
          printMeasurement(m);
          all.push(m);
          await sleep(SETTLE_MS);
        }
      }
    }
    const text = section(all, sizes, runs, runLine(info));
    if (isOverridden(o)) console.error(`mesh: shrunk run (arguments given); bench/RESULTS.md left as it was. The section would read:\n${text}`);
    else writeSection('browser-mesh', text);
  } finally {
    await lab.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:mesh failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
