import { setTimeout as sleep } from 'node:timers/promises';
import { table, writeSection } from '../results-file.ts';
import { within } from './deadline.ts';
import type { ObservedVia } from './edit-observer.ts';
import { measureFloor, type FloorSample } from './edit-floor.ts';
import { openLab, type Lab } from './lab.ts';
import { isOverridden, loadNow, parseOverrides, printMeasurement, runLine, startRun, verdict } from './report.ts';
import { Room, TABS_PER_BROWSER, type Formation, type System } from './room.ts';
import { median, percentile, ratio } from './stats.ts';

/**
 * `npm run bench:edits`: one tab appends to the shared text; how long until every other tab has
 * it. tabmesh (faults off, the fault layer still in the path: every link is wrapped in it) vs
 * y-webrtc, on rooms of N tabs, in blocks ordered A B B A so neither system always goes first;
 * and the floor: one bare simple-peer hop between two tabs. One JSON object per edit on stdout.
 */
const SIZES = [4, 8, 16];
const REPS = 50;
const WARMUP_REPS = 2;
const OBSERVE_TIMEOUT_MS = 5000;
const GAP_MS = 100;
/** tabmesh's page appears once the room has formed: a second or two after formation here. */
const PAGE_TIMEOUT_MS = 30_000;
const FORM_TIMEOUT_MS = 60_000;
const SETTLE_MS = 2000;
const EVALUATE_TIMEOUT_MS = 30_000;
const TARGET_N = 8;
const VIAS: readonly ObservedVia[] = ['event', 'followup', 'poll'];

interface EditSample {
  readonly part: 'edits';
  readonly system: System;
  readonly n: number;
  readonly block: number;
  readonly rep: number;
  readonly sender: number;
  /** Until the last other tab had it; null if one had not within the timeout. */
  readonly allMs: number | null;
  readonly perReceiverMs: readonly number[];
  /** How long the sender's insert call ran (it encodes and sends before returning). */
  readonly senderMs: number;
  /** Per receiver caught by 'event': from the insert's start until the task that applied it began, and that task's run until applied. */
  readonly arrivalMs: readonly number[];
  readonly applyMs: readonly number[];
  readonly missed: number;
  readonly via: Readonly<Record<ObservedVia, number>>;
}

interface Block {
  readonly system: System;
  readonly n: number;
  readonly formation: Formation;
  readonly samples: readonly EditSample[];
}

async function oneEdit(room: Room, block: number, rep: number): Promise<Omit<EditSample, 'part'>> {
  const sender = ((rep % room.n) + room.n) % room.n;
  const marker = `<${block}.${rep}>`;
  const pages = room.pages;
  const receivers = pages.filter((_, i) => i !== sender);
  await Promise.all(receivers.map((p) => within(p.evaluate((m) => window.__benchObserver?.arm(m), marker), EVALUATE_TIMEOUT_MS, 'arm')));
  const [sentAt, returnedAt] = await within(
    (pages[sender] as (typeof pages)[number]).evaluate(
      ([system, m]) => {
        const t = performance.timeOrigin + performance.now();
        if (system === 'tabmesh') window.tabmesh.text.insert(window.tabmesh.text.value().length, m);
        else window.yw.insert(m);
        return [t, performance.timeOrigin + performance.now()] as const;
      },
      [room.system, marker] as const,
    ),
    EVALUATE_TIMEOUT_MS,
    'insert',
  );
  const seen = await Promise.all(
    receivers.map((p) => within(p.evaluate((ms) => window.__benchObserver?.wait(ms) ?? null, OBSERVE_TIMEOUT_MS), OBSERVE_TIMEOUT_MS + EVALUATE_TIMEOUT_MS, 'wait')),
  );
  const got = seen.filter((s) => s !== null);
  const via = { event: 0, followup: 0, poll: 0 };
  for (const s of got) via[s.via] += 1;
  const perReceiverMs = got.map((s) => s.at - sentAt);
  const byEvent = got.filter((s) => s.taskStart !== null);
  const arrivalMs = byEvent.map((s) => (s.taskStart as number) - sentAt);
  const applyMs = byEvent.map((s) => s.at - (s.taskStart as number));
  const missed = seen.length - got.length;
  const allMs = missed > 0 ? null : Math.max(...perReceiverMs);
  return { system: room.system, n: room.n, block, rep, sender, allMs, perReceiverMs, senderMs: returnedAt - sentAt, arrivalMs, applyMs, missed, via };
}

async function runBlock(lab: Lab, system: System, n: number, block: number, reps: number): Promise<Block> {
  const room = await Room.open(lab, { system, n, observeEdits: true });
  try {
    const formation = await room.waitFormed(FORM_TIMEOUT_MS);
    await room.stopWatchers();
    await room.waitPageShown(PAGE_TIMEOUT_MS);
    const samples: EditSample[] = [];
    for (let rep = -WARMUP_REPS; rep < reps; rep++) {
      const s: EditSample = { part: 'edits', ...(await oneEdit(room, block, rep)) };
      if (rep >= 0) {
        printMeasurement(s);
        samples.push(s);
      }
      await sleep(GAP_MS);
    }
    return { system, n, formation, samples };
  } finally {
    await room.close();
  }
}

const fmt = (ms: number): string => (Number.isFinite(ms) ? ms.toFixed(1) : '> 5000');
const allOf = (samples: readonly EditSample[]): number[] => samples.map((s) => s.allMs ?? Number.POSITIVE_INFINITY);

function summary(blocks: readonly Block[], n: number, system: System) {
  const mine = blocks.filter((b) => b.n === n && b.system === system);
  const samples = mine.flatMap((b) => b.samples);
  const all = allOf(samples);
  const via = VIAS.map((v) => samples.reduce((sum, s) => sum + s.via[v], 0));
  const seen = via.reduce((a, b) => a + b, 0);
  const incomplete = mine.filter((b) => !b.formation.complete).map((b) => `${b.formation.completeTabs}/${n}`);
  return {
    count: samples.length,
    median: median(all),
    p95: percentile(all, 95),
    max: Math.max(...all),
    receiverMedian: median(samples.flatMap((s) => s.perReceiverMs)),
    senderMedian: median(samples.map((s) => s.senderMs)),
    arrivalMedian: median(samples.flatMap((s) => s.arrivalMs)),
    applyMedian: median(samples.flatMap((s) => s.applyMs)),
    missed: samples.reduce((sum, s) => sum + s.missed, 0),
    via: VIAS.map((v, i) => `${v} ${seen === 0 ? 0 : Math.round((100 * (via[i] as number)) / seen)} %`).join(', '),
    mesh: incomplete.length === 0 ? 'complete' : `incomplete in ${incomplete.length} of ${mine.length} blocks (${incomplete.join(', ')} tabs complete)`,
  };
}

function section(blocks: readonly Block[], floor: readonly (FloorSample | null)[], sizes: readonly number[], reps: number, head: string): string {
  const rows: (string | number)[][] = [];
  const targets: string[] = [];
  for (const n of sizes) {
    const t = summary(blocks, n, 'tabmesh');
    const y = summary(blocks, n, 'y-webrtc');
    for (const [name, s] of [['tabmesh', t], ['y-webrtc', y]] as const) {
      rows.push([n, name, s.count, fmt(s.median), fmt(s.p95), fmt(s.max), fmt(s.receiverMedian), s.missed, s.via, s.mesh]);
    }
    rows.push([n, 'ratio tabmesh / y-webrtc', '', ratio(t.median, y.median), ratio(t.p95, y.p95), '', ratio(t.receiverMedian, y.receiverMedian), '', '', '']);
    if (n === TARGET_N) {
      targets.push(`- **N = ${n}: median ≤ 1.1× y-webrtc**: ${fmt(t.median)} ms vs ${fmt(y.median)} ms, ${ratio(t.median, y.median)} → ${verdict(t.median <= 1.1 * y.median)}.`);
      targets.push(`- **N = ${n}: p95 ≤ 1.2× y-webrtc**: ${fmt(t.p95)} ms vs ${fmt(y.p95)} ms, ${ratio(t.p95, y.p95)} → ${verdict(t.p95 <= 1.2 * y.p95)}.`);
    }
  }
  const parts = sizes.flatMap((n) =>
    (['tabmesh', 'y-webrtc'] as const).map((system) => {
      const s = summary(blocks, n, system);
      return [n, system, fmt(s.senderMedian), fmt(s.arrivalMedian), fmt(s.applyMedian), fmt(s.receiverMedian)];
    }),
  );
  const f = floor.map((s) => s?.ms ?? Number.POSITIVE_INFINITY);
  const floorVia = VIAS.map((v) => `${v} ${floor.filter((s) => s?.via === v).length}`).join(', ');
  return `## Edit propagation in headless Chromium: tabmesh vs y-webrtc

${head}

**Setup.** Rooms as in the mesh formation bench (one context per tab, ${TABS_PER_BROWSER} tabs per Chromium process); each room first waits until formed (${FORM_TIMEOUT_MS / 1000} s at most; if y-webrtc's mesh is incomplete then, it is measured as it stands, and the table says so), and tabmesh's until every tab shows its page, which appears once the room has formed (a person edits through it; y-webrtc's page is up from the start). tabmesh runs with no faults set, but every link still goes through its fault layer. Per size, ${reps} edits per system in blocks ordered tabmesh, y-webrtc, y-webrtc, tabmesh (a fresh room per block; ${WARMUP_REPS} unrecorded warm-up edits each). Each edit appends a short marker, from tab (rep mod N), ${GAP_MS} ms apart.

**Measured.** The sender notes \`performance.timeOrigin + performance.now()\` just before the insert; every other tab notes the same clock (one clock for all tabs of the machine) the first moment its text (\`window.tabmesh.text.value()\`, \`window.yw.value()\`) contains the marker. Nothing is added to either app: an init script (bench/browser/edit-observer.ts) runs that check right after every task that could deliver an edit (every \`message\` handler: data channels, workers, ports, sockets; every timer callback), then once more in a follow-up task, with a 4 ms poll as the backstop; the "caught by" column shows which check saw each edit first (a poll catch is late by up to 4 ms). *All tabs* is the time until the last tab had it; *per tab* pools every receiving tab's own time. An edit not everywhere within ${OBSERVE_TIMEOUT_MS / 1000} s counts as slower than any other.

${table(['N', 'system', 'edits', 'all tabs median ms', 'all tabs p95 ms', 'max ms', 'per tab median ms', 'missed (tab·edits)', 'caught by', 'mesh at start'], rows)}

**Floor**: one bare simple-peer data channel between two tabs in two Chromium processes (bench/browser/floor-page), same instrument, ${floor.length} one-way messages: median ${fmt(median(f))} ms, p95 ${fmt(percentile(f, 95))} ms, max ${fmt(Math.max(...f))} ms (caught by: ${floorVia}).

${targets.join('\n')}

**Where the time goes.** The instrument also notes when the task that applied an edit began (the outermost wrapped handler: a data channel's message, a worker tick), and the sender how long its insert call ran (encoding and sending happen inside it). Per tab, pooled over edits (medians; the three parts are medians of their own and need not add up):

${table(['N', 'system', 'sender insert call ms', 'insert start → applying task starts ms', 'applying task → text has it ms', 'per tab total ms'], parts)}`;
}

async function main(): Promise<void> {
  const o = parseOverrides(process.argv.slice(2));
  const sizes = o.sizes ?? SIZES;
  const reps = o.runs ?? REPS;
  const loadBefore = loadNow();
  const lab = await openLab(Math.max(2, Math.ceil(Math.max(...sizes) / TABS_PER_BROWSER)));
  try {
    const info = startRun('npm run bench:edits', lab.chromium, loadBefore);
    console.error('edits: simple-peer floor...');
    const floor = await measureFloor(lab, reps, OBSERVE_TIMEOUT_MS, GAP_MS);
    for (const [rep, s] of floor.entries()) printMeasurement({ part: 'edits-floor', rep, ms: s?.ms ?? null, via: s?.via ?? null });
    const blocks: Block[] = [];
    const half = Math.ceil(reps / 2);
    for (const n of sizes) {
      const plan: [System, number][] = [
        ['tabmesh', half],
        ['y-webrtc', half],
        ['y-webrtc', reps - half],
        ['tabmesh', reps - half],
      ];
      for (const [block, [system, count]] of plan.entries()) {
        if (count === 0) continue;
        console.error(`edits: ${system}, N = ${n}, block ${block + 1}/4 (${count} edits)...`);
        blocks.push(await runBlock(lab, system, n, block, count));
        await sleep(SETTLE_MS);
      }
    }
    const text = section(blocks, floor, sizes, reps, runLine(info));
    if (isOverridden(o)) console.error(`edits: shrunk run (arguments given); bench/RESULTS.md left as it was. The section would read:\n${text}`);
    else writeSection('browser-edits', text);
  } finally {
    await lab.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:edits failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
