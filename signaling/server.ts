import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { handleInbound, type InboundLimits } from './inbound.ts';
import { HARD_FRAME_FACTOR, resolveOptions, type SignalingServerOptions } from './options.ts';
import type { Delivery } from './outcome.ts';
import type { ErrorCode, LeaveReason } from './protocol.ts';
import { createThrottle, createTokenBucket } from './rate-limit.ts';
import { createRoomBudget } from './room-budget.ts';
import { createRoomRegistry } from './rooms.ts';
import { createTally, type ServerStats } from './server-stats.ts';
import { createStaticHandler } from './static-files.ts';
import { createTopicRegistry } from './ywebrtc.ts';

export type { SignalingServerOptions } from './options.ts';
export type { ServerStats } from './server-stats.ts';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  /** http URL of the app on this server; WebSockets connect to `${url}signal` (ws: scheme). */
  readonly url: string;
}

export interface SignalingServer {
  listen(): Promise<ListenAddress>;
  /** Closes every socket and the HTTP server; safe to call more than once. */
  close(): Promise<void>;
  stats(): ServerStats;
  readonly httpServer: Server;
}

/** A flooding socket hears about its dropped frames at most this often, so replies cannot amplify. */
const RATE_LIMIT_NOTICE_MS = 1000;
/** How long close() waits for clients to acknowledge a close frame before cutting them off. */
const CLOSE_GRACE_MS = 1000;

interface Session {
  readonly ws: WebSocket;
  alive: boolean;
  readonly takeToken: () => boolean;
  readonly mayNoticeRateLimit: () => boolean;
  readonly takeControlToken: () => boolean;
  readonly takeReportToken: () => boolean;
}

type State = 'idle' | 'listening' | 'closing' | 'closed';

export function createSignalingServer(options: SignalingServerOptions = {}): SignalingServer {
  const opts = resolveOptions(options);
  const budget = createRoomBudget(opts.maxRooms);
  const registries = {
    rooms: createRoomRegistry<Session>({ ...opts, budget }),
    topics: createTopicRegistry<Session>({ budget, maxMembersPerRoom: opts.maxMembersPerRoom }),
  };
  const sessions = new Set<Session>();
  const tally = createTally();
  const limits: InboundLimits<Session> = {
    ...opts,
    take: (session, kind) => (kind === 'control' ? session.takeControlToken() : session.takeReportToken()),
  };
  let state: State = 'idle';
  let heartbeat: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;

  const httpServer = createServer(createStaticHandler(opts.staticDir));
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes * HARD_FRAME_FACTOR });

  function deliver(deliveries: readonly Delivery<Session>[]): void {
    for (const { to, frame } of deliveries) {
      const text = JSON.stringify(frame);
      for (const session of to) {
        if (session.ws.readyState === WebSocket.OPEN) session.ws.send(text);
      }
      tally.delivered(frame, to.length);
    }
  }

  function fail(ws: WebSocket, code: ErrorCode, reason: string): void {
    tally.error(code);
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'error', code, reason }));
  }

  /** Takes a socket out of every room and topic; idempotent, as a timeout precedes the close. */
  function drop(session: Session, reason: LeaveReason): void {
    if (!sessions.delete(session)) return;
    deliver(registries.rooms.leave(session, reason));
    registries.topics.drop(session);
  }

  function onMessage(session: Session, data: WebSocket.RawData, isBinary: boolean): void {
    tally.frameIn();
    if (!sessions.has(session)) return;
    if (!session.takeToken()) {
      tally.error('rate-limited');
      if (session.mayNoticeRateLimit()) {
        const reason = `more than ${opts.maxFramesPerSecond} frames per second; frames are being dropped`;
        session.ws.send(JSON.stringify({ type: 'error', code: 'rate-limited', reason }));
      }
      return;
    }
    const outcome = handleInbound(registries, limits, session, data, isBinary);
    if (outcome.ok) deliver(outcome.deliveries);
    else fail(session.ws, outcome.code, outcome.reason);
  }

  function onConnection(ws: WebSocket): void {
    // ws reports protocol violations (bad UTF-8, a frame past maxPayload) here, then closes the
    // socket itself; without a listener the first one would throw and stop the server.
    ws.on('error', (error: Error & { code?: string }) => {
      tally.error(error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too-large' : 'bad-frame');
    });
    if (sessions.size >= opts.maxSockets) {
      fail(ws, 'too-many-sockets', `the server already holds its maximum of ${opts.maxSockets} sockets`);
      ws.close(1013, 'server full');
      return;
    }
    const now = () => performance.now();
    const session: Session = {
      ws,
      alive: true,
      takeToken: createTokenBucket({ ratePerSecond: opts.maxFramesPerSecond, burst: opts.frameBurst, now }).take,
      mayNoticeRateLimit: createThrottle(RATE_LIMIT_NOTICE_MS, now),
      takeControlToken: createTokenBucket({ ratePerSecond: opts.maxControlPerSecond, burst: opts.controlBurst, now }).take,
      takeReportToken: createTokenBucket({ ratePerSecond: opts.maxReportsPerSecond, burst: opts.reportBurst, now }).take,
    };
    sessions.add(session);
    ws.on('pong', () => {
      session.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(session, data, isBinary);
      } catch (error) {
        // A bug must cost one socket, never the classroom's server.
        console.error('signaling: failed to handle a frame', error);
        ws.close(1011, 'internal error');
      }
    });
    ws.on('close', () => drop(session, 'closed'));
  }

  function beat(): void {
    for (const session of [...sessions]) {
      if (!session.alive) {
        drop(session, 'timeout');
        session.ws.terminate();
        continue;
      }
      session.alive = false;
      session.ws.ping();
    }
  }

  httpServer.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?', 1)[0];
    if (state !== 'listening') return rejectUpgrade(socket, 503, 'server is shutting down');
    if (path !== '/signal') return rejectUpgrade(socket, 400, 'WebSocket connections are accepted only at /signal');
    wss.handleUpgrade(req, socket, head, onConnection);
  });

  async function shutdown(): Promise<void> {
    state = 'closing';
    clearInterval(heartbeat);
    for (const ws of wss.clients) ws.close(1001, 'server shutting down');
    const cutoff = setTimeout(() => {
      for (const ws of wss.clients) ws.terminate();
    }, CLOSE_GRACE_MS);
    const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    await closed;
    clearTimeout(cutoff);
    state = 'closed';
  }

  return {
    httpServer,
    listen() {
      if (state !== 'idle') return Promise.reject(new Error(`cannot listen: the server is ${state}`));
      state = 'listening';
      return new Promise<ListenAddress>((resolve, reject) => {
        const onError = (error: Error) => {
          state = 'idle';
          reject(error);
        };
        httpServer.once('error', onError);
        httpServer.listen(opts.port, opts.host, () => {
          httpServer.off('error', onError);
          heartbeat = setInterval(beat, opts.heartbeatMs);
          const { port } = httpServer.address() as AddressInfo;
          resolve({ host: opts.host, port, url: `http://${urlHost(opts.host)}:${port}/` });
        });
      });
    },
    close: () => (closing ??= shutdown()),
    stats: () => tally.snapshot({ sockets: sessions.size, ...registries.rooms.counts(), ...registries.topics.counts() }),
  };
}

function rejectUpgrade(socket: Duplex, status: 400 | 503, body: string): void {
  const title = status === 400 ? 'Bad Request' : 'Service Unavailable';
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** A host as it appears in a URL: wildcard binds are reachable as localhost, IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
