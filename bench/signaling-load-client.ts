import { WebSocket } from 'ws';
import {
  candidatePayload,
  ID_DIGITS,
  nodeId,
  roomName,
  targetOf,
  type FromLoadClient,
  type LoadConfig,
  type ToLoadClient,
} from './signaling-load-config.ts';

/**
 * Child process of the signaling capacity bench: plain `ws` clients, each in a room, sending
 * ~200-byte signals to the next member of its room in a closed loop (a new signal leaves when
 * one arrives at the member it was meant for). Takes its LoadConfig as JSON in argv[2]; the
 * orchestrator drives it over IPC (go, snapshot, stop).
 */

interface Client {
  readonly index: number;
  readonly ws: WebSocket;
  /** The frame this client sends, prebuilt so the load client spends its CPU on receiving. */
  readonly frame: string;
}

const config = JSON.parse(process.argv[2] ?? '') as LoadConfig;
const clients: Client[] = [];
const counters = { sent: 0, delivered: 0, useful: 0, closed: 0 };
const errors: Record<string, number> = {};
let running = false;
let stopping = false;

const RELAYED_PREFIX = Buffer.from(config.dialect === 'tabmesh' ? '{"type":"signal"' : '{"type":"publish"');
const FROM_MARK = Buffer.from('"from":"p');

function send(message: FromLoadClient): void {
  process.send?.(message);
}

function frameFor(index: number): string {
  const target = nodeId(targetOf(index, config.roomSize, config.sockets));
  const signal = candidatePayload(index);
  if (config.dialect === 'tabmesh') return JSON.stringify({ type: 'signal', to: target, data: signal });
  // y-webrtc's own client publishes exactly this shape (no room password, so no encryption).
  const data = { to: target, from: nodeId(index), type: 'signal', token: 0.5, signal };
  return JSON.stringify({ type: 'publish', topic: roomName(Math.floor(index / config.roomSize)), data });
}

function sendOne(client: Client): void {
  counters.sent++;
  client.ws.send(client.frame);
}

/** Sender index from the fixed-width id after the first `"from":"`, without parsing JSON. */
function senderOf(data: Buffer): number {
  const at = data.indexOf(FROM_MARK);
  if (at < 0) return -1;
  const start = at + FROM_MARK.length;
  return Number(data.toString('latin1', start, start + ID_DIGITS));
}

function onRelayed(receiver: Client, data: Buffer): void {
  counters.delivered++;
  const from = senderOf(data);
  if (from < 0 || targetOf(from, config.roomSize, config.sockets) !== receiver.index) return;
  counters.useful++;
  const sender = clients[from];
  if (running && sender !== undefined) sendOne(sender);
}

function onControl(data: Buffer, settle: () => void): void {
  const frame = JSON.parse(data.toString('utf8')) as { type?: string; code?: string };
  if (frame.type === 'joined' || frame.type === 'pong') settle();
  else if (frame.type === 'error') errors[frame.code ?? 'unknown'] = (errors[frame.code ?? 'unknown'] ?? 0) + 1;
}

/** Opens one socket and resolves once the server has it in its room (joined) or topic (pong). */
function connect(index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${config.port}${config.dialect === 'tabmesh' ? '/signal' : '/'}`, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    const client: Client = { index, ws, frame: frameFor(index) };
    clients[index] = client;
    ws.on('error', reject);
    ws.on('close', () => {
      // A socket the server closes mid-run takes its share of the load with it; the bench reports it.
      if (!stopping) counters.closed++;
    });
    ws.on('open', () => {
      const room = roomName(Math.floor(index / config.roomSize));
      if (config.dialect === 'tabmesh') ws.send(JSON.stringify({ type: 'join', room, id: nodeId(index), name: `load ${index}` }));
      else {
        ws.send(JSON.stringify({ type: 'subscribe', topics: [room] }));
        ws.send(JSON.stringify({ type: 'ping' }));
      }
    });
    ws.on('message', (data: Buffer) => {
      if (data.subarray(0, RELAYED_PREFIX.length).equals(RELAYED_PREFIX)) onRelayed(client, data);
      else onControl(data, resolve);
    });
  });
}

async function setup(): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < config.sockets) await connect(next++);
  };
  const workers = Array.from({ length: Math.min(config.connectConcurrency, config.sockets) }, worker);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`setup took over ${config.setupTimeoutMs} ms`)), config.setupTimeoutMs);
  });
  try {
    await Promise.race([Promise.all(workers), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function stop(): void {
  running = false;
  stopping = true;
  for (const client of clients) client?.ws.terminate();
  process.exit(0);
}

process.on('message', (message: ToLoadClient) => {
  if (message.type === 'go') {
    running = true;
    for (let k = 0; k < config.window; k++) for (const client of clients) sendOne(client);
  } else if (message.type === 'snapshot') {
    send({ type: 'snapshot', snapshot: { atMs: performance.now(), ...counters, errors: { ...errors } } });
  } else stop();
});
process.on('disconnect', () => process.exit(0));

const started = performance.now();
setup().then(
  () => send({ type: 'ready', setupMs: Math.round(performance.now() - started) }),
  (error: unknown) => {
    send({ type: 'failed', reason: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
