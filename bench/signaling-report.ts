import { availableParallelism } from 'node:os';
import { machineLine, table, writeSection } from './results-file.ts';
import { HARD_FRAME_FACTOR, resolveOptions } from '../signaling/options.ts';
import { TABMESH_BENCH_OPTIONS, type Dialect } from './signaling-load-config.ts';

/** One server at one socket count, as bench/signaling-capacity.ts measured it. */
export interface Measurement {
  readonly server: Dialect;
  readonly sockets: number;
  readonly rooms: number;
  readonly setupMs: number;
  readonly windowSeconds: number;
  readonly sentPerSecond: number;
  readonly deliveredPerSecond: number;
  readonly usefulPerSecond: number;
  /** Percent of one core over the window. */
  readonly serverCpuPercent: number;
  readonly clientCpuPercent: number;
  /** CPU every other process on the machine used over the window, in percent of one core. */
  readonly otherCpuPercent: number;
  readonly rssBaselineBytes: number;
  readonly rssIdleBytes: number;
  readonly rssLoadBytes: number;
  readonly rssPeakBytes: number;
  readonly rssPerSocketBytes: number;
  /** The lower of the server's and the load client's soft open-file limits. */
  readonly fdLimit: number;
  readonly clientErrors: Readonly<Record<string, number>>;
  /** Tabmesh's own count of refusals (non-zero codes only); y-webrtc keeps none. */
  readonly serverErrors: Readonly<Record<string, number>> | undefined;
  readonly closedEarly: number;
}

export interface RunSettings {
  readonly roomSize: number;
  readonly window: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly totalSeconds: number;
  /** One-minute load average of the machine when the bench started and when it ended. */
  readonly loadAverage: readonly [number, number];
}

const TARGET_SOCKETS = 1000;
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const count = (n: number): string => n.toLocaleString('en-US');

/** Anything refused or closed means the load was not simply relayed, so the figure cannot count. */
function troubles(m: Measurement): string {
  const codes = { ...m.clientErrors, ...(m.serverErrors ?? {}) };
  const parts = Object.entries(codes).map(([code, n]) => `${code} ×${n}`);
  if (m.closedEarly > 0) parts.push(`${m.closedEarly} sockets closed`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  if (s.length === 0) throw new Error('median of nothing');
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function runsOf(ms: readonly Measurement[], server: Dialect, sockets: number): Measurement[] {
  const runs = ms.filter((x) => x.server === server && x.sockets === sockets);
  if (runs.length === 0) throw new Error(`no ${server} measurement at ${sockets} sockets`);
  return runs;
}

/** Deliveries per second of server CPU: what the server does with the CPU it got. */
const perCpuSecond = (perSecond: number, cpuPercent: number): number => (cpuPercent > 0 ? Math.round(perSecond / (cpuPercent / 100)) : 0);

function targetLines(ms: readonly Measurement[]): string {
  const t = runsOf(ms, 'tabmesh', TARGET_SOCKETS);
  const y = runsOf(ms, 'y-webrtc', TARGET_SOCKETS);
  const clean = [...t, ...y].every((m) => troubles(m) === 'none');
  const med = (runs: readonly Measurement[], key: 'usefulPerSecond' | 'deliveredPerSecond') => median(runs.map((m) => m[key]));
  const list = (runs: readonly Measurement[], key: 'usefulPerSecond' | 'deliveredPerSecond') => runs.map((m) => count(m[key])).join(', ');
  const useful = med(t, 'usefulPerSecond') / med(y, 'usefulPerSecond');
  const frames = med(t, 'deliveredPerSecond') / med(y, 'deliveredPerSecond');
  const verdict = (r: number) => (clean && r >= 1 ? 'PASS' : 'FAIL');
  const efficiency = (runs: readonly Measurement[], key: 'usefulPerSecond' | 'deliveredPerSecond') =>
    median(runs.map((m) => perCpuSecond(m[key], m.serverCpuPercent)));
  const ratio = (a: readonly Measurement[], b: readonly Measurement[], key: 'usefulPerSecond' | 'deliveredPerSecond') =>
    (efficiency(a, key) / efficiency(b, key)).toFixed(2);
  const biggest = Math.max(...ms.map((x) => x.sockets));
  const perSocket = ms
    .filter((m) => m.sockets === biggest)
    .map((m) => `${m.server} ${(m.rssPerSocketBytes / 1024).toFixed(1)} KiB`)
    .join(', ');
  return [
    `- **Signaling throughput ≥ 1.0× y-webrtc's server at 1,000 sockets, with all validation and limits on; RSS per socket reported.** Medians of ${t.length} and ${y.length} runs, alternating order.`,
    `  - Useful deliveries (signals that reached the peer they name): tabmesh ${count(med(t, 'usefulPerSecond'))}/s (runs: ${list(t, 'usefulPerSecond')}) vs y-webrtc ${count(med(y, 'usefulPerSecond'))}/s (runs: ${list(y, 'usefulPerSecond')}) = **${useful.toFixed(2)}×** → **${verdict(useful)}**.`,
    `  - Raw frames delivered (y-webrtc's broadcast copies included): tabmesh ${count(med(t, 'deliveredPerSecond'))}/s vs y-webrtc ${count(med(y, 'deliveredPerSecond'))}/s = **${frames.toFixed(2)}×** → **${verdict(frames)}** on this stricter reading.`,
    `  - Per second of server CPU (less sensitive to other work on the machine): useful ${ratio(t, y, 'usefulPerSecond')}×, raw frames ${ratio(t, y, 'deliveredPerSecond')}× (medians).`,
    `  - Other work on the machine during these ${t.length + y.length} windows: median ${median([...t, ...y].map((m) => m.otherCpuPercent))} % of one core (of ${availableParallelism() * 100} %); wall-clock figures are that much below an idle machine's, the per-CPU ones much less so.`,
    `  - Refusals or closed sockets in any of these runs: ${clean ? 'none, so nothing was rate-limited' : 'some (see the table), so the runs do not count'}.`,
    `  - RSS per socket at ${count(biggest)} sockets: ${perSocket} → **PASS** (reported).`,
  ].join('\n');
}

export function writeSignalingSection(ms: readonly Measurement[], run: RunSettings): void {
  const rows = ms.map((m) => [
    m.server,
    count(m.sockets),
    m.rooms,
    count(m.deliveredPerSecond),
    count(m.usefulPerSecond),
    `${m.serverCpuPercent} %`,
    `${m.clientCpuPercent} %`,
    `${m.otherCpuPercent} %`,
    count(perCpuSecond(m.deliveredPerSecond, m.serverCpuPercent)),
    count(perCpuSecond(m.usefulPerSecond, m.serverCpuPercent)),
    mib(m.rssBaselineBytes),
    mib(m.rssIdleBytes),
    mib(m.rssLoadBytes),
    mib(m.rssPeakBytes),
    (m.rssPerSocketBytes / 1024).toFixed(1),
    troubles(m),
  ]);
  const cores = availableParallelism();
  const fdLimit = Math.min(...ms.map((m) => m.fdLimit));
  const biggest = Math.max(...ms.map((m) => m.sockets));
  const options = Object.entries(TABMESH_BENCH_OPTIONS)
    .map(([k, v]) => `\`${k}: ${v}\``)
    .join(', ');
  // Host, port and paths are the bench's plumbing, not limits; a key would be a secret.
  const { host: _host, port: _port, staticDir: _staticDir, iceServers, instructorKey, ...limits } = resolveOptions(TABMESH_BENCH_OPTIONS);
  const effective = [
    ...Object.entries(limits).map(([k, v]) => `${k} ${String(v)}`),
    `iceServers ${iceServers.length === 0 ? 'none' : iceServers.length}`,
    `instructorKey ${instructorKey === undefined ? 'none' : 'set'}`,
  ].join(', ');
  writeSection(
    'signaling',
    `## Signaling capacity: tabmesh's server vs y-webrtc's reference server

Command: \`npm run bench:signaling\` — ${machineLine()}. Whole run: ${run.totalSeconds} s; one-minute load average ${run.loadAverage[0].toFixed(1)} at the start and ${run.loadAverage[1].toFixed(1)} at the end (other work on the machine takes CPU from all three processes, which is why the runs at 1,000 sockets are repeated and why throughput per server CPU-second is shown too).

**Processes.** Each server runs alone in its own child process (node with the tsx loader for both, so they share the runtime's baseline); the load comes from a second child process of plain \`ws\` clients (no permessage-deflate, UTF-8 validation skipped on the client side only). Everything is on 127.0.0.1. y-webrtc's \`bin/server.js\` (10.3.0) calls \`server.listen(PORT)\` with no host, which binds every interface; its host process redirects that one-argument \`listen\` to 127.0.0.1 with PORT=0 and reports the port. Both servers use the same \`ws\` package.

**Load.** Sockets sit in rooms of ${run.roomSize}. A tabmesh client sends \`join\`, a y-webrtc client \`subscribe\`s to its room's topic (then \`ping\`, so its subscription is known to be in place). Once every socket is in, each sends a ~200-byte ICE-candidate signal to the next member of its room: \`{type:'signal', to, data}\` to tabmesh, and to y-webrtc exactly what y-webrtc's client publishes, \`{type:'publish', topic, data:{to, from, type:'signal', token, signal}}\`. The loop is closed: each socket keeps ${run.window} signals in flight and sends the next one when one reaches the member it named. Both servers therefore get the same work request (deliver this signal to that peer) and run as fast as they can, with no queue growing without bound on either side. ${run.warmupMs / 1000} s of warm-up, then a ${run.measureMs / 1000} s window.

**Two throughputs.** *Frames delivered/s* counts every relayed frame any client received. y-webrtc's \`publish\` goes to every subscriber of the topic, the sender included (its design: directed signals are broadcast and each client drops those not addressed to it), so one signal becomes ${run.roomSize} frames in rooms of ${run.roomSize}; tabmesh relays a signal to the one peer it names. *Useful deliveries/s* counts frames that reached the member they were addressed to: the work a signaling server exists to do, and the figure the target is judged on. Both ratios are shown.

**tabmesh's settings.** Raised for the bench: ${options}. Every option as the server ran: ${effective}. So: WebSocket pings (silent sockets dropped), the frame-size limit (ws closes a socket at ${HARD_FRAME_FACTOR}× it), the room and member limits, a token bucket checked on every frame, and every frame parsed and validated (closed records, id and room patterns, bounded JSON depth) — all on. The bench fails the run if any frame was refused (e.g. \`rate-limited\`) or any socket closed. y-webrtc runs as shipped: a ping every 30 s per socket, no validation, no limits.

**Columns.** Rows are in the order they ran. CPU is the share of one core over the window (/proc/<pid>/stat); a load client near 100 % would mean the figure is bounded by the client rather than the server. *Other processes* is what the rest of the machine used meanwhile (/proc/stat minus the two): the machine has ${cores} cores, so anything there was taken from the bench. *Per server CPU-s* divides a throughput by the server's CPU share: what each server does with the CPU it actually got, which varies less than wall-clock throughput when the machine is shared. RSS is the server process's VmRSS (/proc/<pid>/status): *baseline* listening with no sockets, *idle* with every socket joined before the load, *load* in the middle of the window, *peak* VmHWM. RSS per socket = (idle − baseline) / sockets; at 100 sockets a garbage collection moves RSS by more than the sockets do, so the figure means something only at the larger sizes. The baseline includes the tsx loader's worker thread, the same in both servers' processes.

**Descriptors.** ${count(biggest)} sockets need ${count(biggest)} descriptors in the server and as many in the load client (${count(biggest * 2)} in all, in two processes). The soft open-file limit both processes ran with is ${Number.isFinite(fdLimit) ? count(fdLimit) : 'unlimited'}, ${fdLimit >= biggest + 64 ? 'enough' : 'too low'} for one process's ${count(biggest)} sockets plus headroom. With the common default of 1,024 the 5,000-socket runs could not start; raise it with \`ulimit -n\` (the bench checks and says so).

${table(['server', 'sockets', 'rooms', 'frames delivered/s', 'useful deliveries/s', 'server CPU', 'client CPU', 'other processes CPU', 'frames per server CPU-s', 'useful per server CPU-s', 'RSS baseline MiB', 'RSS idle MiB', 'RSS load MiB', 'RSS peak MiB', 'RSS/socket KiB', 'refused / closed'], rows)}

${targetLines(ms)}`,
  );
}
