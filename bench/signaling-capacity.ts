import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuMsOf, forkBench, machineBusyMs, memoryOf, nextMessage, openFileLimitOf, stopChild, waitForExit } from './child-processes.ts';
import type { Dialect, FromLoadClient, FromServerHost, LoadConfig, LoadSnapshot } from './signaling-load-config.ts';
import { writeSignalingSection, type Measurement } from './signaling-report.ts';

/**
 * `npm run bench:signaling`: relay throughput and memory of tabmesh's signaling server against
 * y-webrtc's reference server, each in its own process, loaded by plain `ws` clients from a
 * third process. One JSON object per measurement on stdout; the section goes to bench/RESULTS.md.
 */
const ROOM_SIZE = 10;
const WINDOW = 2;
const SETTLE_MS = 500;
const WARMUP_MS = 2000;
const MEASURE_MS = 5000;
const SETUP_TIMEOUT_MS = 90_000;
const IPC_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5000;
/** Descriptors a process needs beyond its sockets: stdio, IPC, the listener, epoll, libuv. */
const FD_HEADROOM = 64;

type Host = ChildProcess & { readonly pid: number };

function started(child: ChildProcess): Host {
  if (child.pid === undefined) throw new Error('a bench child process failed to start');
  return child as Host;
}

async function startServer(dialect: Dialect): Promise<{ server: Host; port: number }> {
  const server = started(forkBench('./signaling-server-host.ts', [dialect]));
  const message = await nextMessage<FromServerHost, FromServerHost>(server, IPC_TIMEOUT_MS, (m) => (m.type === 'stats' ? undefined : m));
  if (message.type !== 'listening') throw new Error(`${dialect} server failed: ${message.type === 'failed' ? message.reason : message.type}`);
  return { server, port: message.port };
}

async function snapshot(client: Host): Promise<LoadSnapshot> {
  client.send({ type: 'snapshot' });
  return nextMessage<FromLoadClient, LoadSnapshot>(client, IPC_TIMEOUT_MS, (m) => (m.type === 'snapshot' ? m.snapshot : undefined));
}

async function serverErrors(server: Host): Promise<Record<string, number> | undefined> {
  server.send({ type: 'stats' });
  const errors = await nextMessage<FromServerHost, { value: Readonly<Record<string, number>> | undefined }>(server, IPC_TIMEOUT_MS, (m) =>
    m.type === 'stats' ? { value: m.errors } : undefined,
  );
  return errors.value === undefined ? undefined : Object.fromEntries(Object.entries(errors.value).filter(([, n]) => n > 0));
}

async function measure(dialect: Dialect, sockets: number): Promise<Measurement> {
  const { server, port } = await startServer(dialect);
  let client: Host | undefined;
  try {
    const fdLimit = openFileLimitOf(server.pid);
    if (fdLimit < sockets + FD_HEADROOM) throw new Error(`open-file limit ${fdLimit} is below the ${sockets + FD_HEADROOM} descriptors needed`);
    await sleep(SETTLE_MS);
    const baseline = memoryOf(server.pid).rss;
    const config: LoadConfig = { dialect, port, sockets, roomSize: ROOM_SIZE, window: WINDOW, connectConcurrency: 200, setupTimeoutMs: SETUP_TIMEOUT_MS };
    client = started(forkBench('./signaling-load-client.ts', [JSON.stringify(config)]));
    const ready = await nextMessage<FromLoadClient, FromLoadClient>(client, SETUP_TIMEOUT_MS + IPC_TIMEOUT_MS, (m) =>
      m.type === 'ready' || m.type === 'failed' ? m : undefined,
    );
    if (ready.type !== 'ready') throw new Error(`load client failed: ${ready.type === 'failed' ? ready.reason : ready.type}`);
    await sleep(SETTLE_MS);
    const idle = memoryOf(server.pid).rss;
    client.send({ type: 'go' });
    await sleep(WARMUP_MS);
    const [a, serverCpuA, clientCpuA, busyA] = [await snapshot(client), cpuMsOf(server.pid), cpuMsOf(client.pid), machineBusyMs()];
    await sleep(MEASURE_MS / 2);
    const underLoad = memoryOf(server.pid).rss;
    await sleep(MEASURE_MS / 2);
    const [b, serverCpuB, clientCpuB, busyB] = [await snapshot(client), cpuMsOf(server.pid), cpuMsOf(client.pid), machineBusyMs()];
    const peak = memoryOf(server.pid).peak;
    const seconds = (b.atMs - a.atMs) / 1000;
    const rate = (key: 'sent' | 'delivered' | 'useful') => Math.round((b[key] - a[key]) / seconds);
    return {
      server: dialect,
      sockets,
      rooms: Math.ceil(sockets / ROOM_SIZE),
      setupMs: ready.setupMs,
      windowSeconds: +seconds.toFixed(2),
      sentPerSecond: rate('sent'),
      deliveredPerSecond: rate('delivered'),
      usefulPerSecond: rate('useful'),
      serverCpuPercent: Math.round(((serverCpuB - serverCpuA) / 10) / seconds),
      clientCpuPercent: Math.round(((clientCpuB - clientCpuA) / 10) / seconds),
      otherCpuPercent: Math.max(0, Math.round(((busyB - busyA - (serverCpuB - serverCpuA) - (clientCpuB - clientCpuA)) / 10) / seconds)),
      rssBaselineBytes: baseline,
      rssIdleBytes: idle,
      rssLoadBytes: underLoad,
      rssPeakBytes: peak,
      rssPerSocketBytes: Math.round((idle - baseline) / sockets),
      fdLimit: Math.min(fdLimit, openFileLimitOf(client.pid)),
      clientErrors: b.errors,
      serverErrors: await serverErrors(server),
      closedEarly: b.closed,
    };
  } finally {
    if (client !== undefined) {
      // The client closes its sockets itself when told; signals are the fallback.
      if (client.connected) client.send({ type: 'stop' });
      if (!(await waitForExit(client, STOP_GRACE_MS))) await stopChild(client);
    }
    await stopChild(server);
  }
}

/**
 * The 1,000-socket pair decides the target, so it runs three times with the order alternating,
 * and the target uses the medians: the machine may be shared, and a busy neighbour during one
 * run must not decide the verdict. The other sizes run once each.
 */
const SCHEDULE: readonly (readonly [Dialect, number])[] = [
  ['tabmesh', 100],
  ['y-webrtc', 100],
  ['tabmesh', 1000],
  ['y-webrtc', 1000],
  ['y-webrtc', 1000],
  ['tabmesh', 1000],
  ['tabmesh', 1000],
  ['y-webrtc', 1000],
  ['tabmesh', 5000],
  ['y-webrtc', 5000],
];

async function main(): Promise<void> {
  const startedAt = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const measurements: Measurement[] = [];
  for (const [dialect, sockets] of SCHEDULE) {
    console.error(`signaling: ${dialect} with ${sockets} sockets...`);
    const m = await measure(dialect, sockets);
    console.log(JSON.stringify(m));
    measurements.push(m);
  }
  writeSignalingSection(measurements, {
    roomSize: ROOM_SIZE,
    window: WINDOW,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    totalSeconds: Math.round((performance.now() - startedAt) / 1000),
    loadAverage: [loadBefore, loadavg()[0] ?? 0],
  });
}

main().catch((error: unknown) => {
  console.error(`bench:signaling failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
