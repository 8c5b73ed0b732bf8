import { WebSocket, type ClientOptions } from 'ws';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from './server.ts';

/**
 * Test harness shared by the signaling suites: real servers on 127.0.0.1:0, real `ws` clients,
 * waits that poll a condition up to a deadline, and one closeAll() for afterEach.
 */

export type Frame = Record<string, unknown>;

export interface TestClient {
  readonly ws: WebSocket;
  /** Every frame received so far, parsed, in order. */
  readonly frames: readonly Frame[];
  send(frame: unknown): void;
  /** Sends text or bytes exactly as given (text frames unless `binary`). */
  sendRaw(data: string | Buffer, binary?: boolean): void;
  /** The first not-yet-taken frame matching `match`, waiting for it up to the deadline. */
  take(match: Partial<Frame>, timeoutMs?: number): Promise<Frame>;
  /** Round-trips a ping: afterwards, all the server sent before handling it has arrived. */
  barrier(): Promise<void>;
  /** Frames of a type that no take() consumed. */
  untaken(type?: string): Frame[];
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
}

export interface Started {
  readonly server: SignalingServer;
  readonly url: string;
  readonly wsUrl: string;
}

export interface Harness {
  start(options?: SignalingServerOptions): Promise<Started>;
  connect(wsUrl: string, options?: ClientOptions): Promise<TestClient>;
  /** Terminates every client and closes every server started through this harness. */
  closeAll(): Promise<void>;
}

export async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const matches = (frame: Frame, match: Partial<Frame>): boolean =>
  Object.entries(match).every(([key, value]) => JSON.stringify(frame[key]) === JSON.stringify(value));

export function createHarness(): Harness {
  const servers: SignalingServer[] = [];
  const sockets: WebSocket[] = [];

  async function start(options: SignalingServerOptions = {}): Promise<Started> {
    const server = createSignalingServer({ host: '127.0.0.1', port: 0, ...options });
    servers.push(server);
    const { url } = await server.listen();
    return { server, url, wsUrl: `${url.replace(/^http/, 'ws')}signal` };
  }

  async function connect(wsUrl: string, options: ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(wsUrl, options);
    sockets.push(ws);
    const frames: Frame[] = [];
    const taken = new Set<Frame>();
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const client: TestClient = {
      ws,
      frames,
      closed,
      send: (frame) => ws.send(JSON.stringify(frame)),
      sendRaw: (data, binary = false) => ws.send(data, { binary }),
      async take(match, timeoutMs) {
        const what = `a frame like ${JSON.stringify(match)}; got ${JSON.stringify(frames).slice(0, 600)}`;
        const frame = await waitFor(() => frames.find((f) => !taken.has(f) && matches(f, match)), what, timeoutMs);
        taken.add(frame);
        return frame;
      },
      async barrier() {
        client.send({ type: 'ping' });
        await client.take({ type: 'pong' });
      },
      untaken: (type) => frames.filter((f) => !taken.has(f) && (type === undefined || f.type === type)),
    };
    return client;
  }

  async function closeAll(): Promise<void> {
    for (const ws of sockets.splice(0)) ws.terminate();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  }

  return { start, connect, closeAll };
}

/** Joins `room` as `id` and returns the `joined` frame. */
export async function join(client: TestClient, room: string, id: string, extra: Frame = {}): Promise<Frame> {
  client.send({ type: 'join', room, id, name: `name of ${id}`, ...extra });
  return client.take({ type: 'joined', id });
}
