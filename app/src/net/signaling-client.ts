import { Listeners, type Unsubscribe } from '../../../core/link.ts';
import { nextBackoff } from '../../../core/mesh-planner.ts';
import { createRng, type Rng } from '../../../core/rng.ts';
import { every, type Scheduler } from '../../../core/scheduler.ts';
import { parseServerFrame, type ClientFrame, type JoinRequest, type Member } from './signaling-protocol.ts';

export interface SignalingEvents {
  joined: { readonly room: string; readonly id: string; readonly members: Member[]; readonly iceServers: RTCIceServer[] };
  'member-joined': Member;
  'member-left': { readonly id: string; readonly reason: string };
  signal: { readonly from: string; readonly data: unknown };
  error: { readonly code: string; readonly reason: string };
  /** An instructor's command, as relayed by the server; `seq` numbers the room's commands. */
  control: { readonly command: Readonly<Record<string, unknown>>; readonly seq: number };
  /** The socket went away; unless close() was called, a reconnect (and re-join) follows. */
  closed: { readonly code: number; readonly reason: string; readonly reconnecting: boolean };
}

export interface SignalingClientOptions {
  /** Timers for heartbeats and reconnects: a worker scheduler keeps them honest in hidden tabs. */
  readonly scheduler: Scheduler;
  /** Defaults to /signal on the page's own host. */
  readonly url?: string;
  /** A ping goes out this often; a server silent for 2.5 intervals counts as gone. */
  readonly pingIntervalMs?: number;
  /** Jitter for reconnect backoff. */
  readonly rng?: Rng;
  readonly createSocket?: (url: string) => WebSocket;
}

export interface SignalingClient {
  readonly state: 'connecting' | 'open' | 'closed';
  /** Joins (or, after a reconnect, re-joins) a room; sent as soon as the socket is open. */
  join(request: JoinRequest): void;
  /** Relays data to one member; false if not currently joined. */
  signal(to: string, data: unknown): boolean;
  /** Sends this node's overview to the room's instructors; false if not currently joined. */
  report(data: Readonly<Record<string, unknown>>): boolean;
  leave(): void;
  /** Closes for good: no reconnect. Safe to call more than once. */
  close(): void;
  on<K extends keyof SignalingEvents>(type: K, handler: (event: SignalingEvents[K]) => void): Unsubscribe;
  stats(): { readonly malformed: number; readonly reconnects: number };
}

const SOCKET_OPEN = 1;
/**
 * How often a re-join refused as `duplicate-id` is tried again. The server holds a dead socket's
 * seat until its heartbeat gives up on it (two rounds, 20 s by default); eight backoff steps
 * (0.5 s doubling to the 30 s cap) wait at least 45 s in all, well past that.
 */
export const MAX_REJOIN_RETRIES = 8;

export function defaultSignalingUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`;
}

export function createSignalingClient(options: SignalingClientOptions): SignalingClient {
  const { scheduler } = options;
  const url = options.url ?? defaultSignalingUrl();
  if (!/^wss?:\/\/[^/]/.test(url)) throw new TypeError(`signaling url must start with ws:// or wss://, got ${JSON.stringify(url)}`);
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  if (!(pingIntervalMs > 0)) throw new TypeError(`pingIntervalMs must be positive, got ${pingIntervalMs}`);
  const rng = options.rng ?? createRng(crypto.getRandomValues(new Uint32Array(1))[0] ?? 0);
  const createSocket = options.createSocket ?? ((u: string) => new WebSocket(u));

  const listeners: { [K in keyof SignalingEvents]: Listeners<[SignalingEvents[K]]> } = {
    joined: new Listeners(),
    'member-joined': new Listeners(),
    'member-left': new Listeners(),
    signal: new Listeners(),
    error: new Listeners(),
    control: new Listeners(),
    closed: new Listeners(),
  };
  let state: SignalingClient['state'] = 'connecting';
  let socket: WebSocket | null = null;
  let request: JoinRequest | null = null;
  let joined = false;
  /** The current request was admitted once, so joining with it again is a re-join of our own seat. */
  let admitted = false;
  let rejoinRetries = 0;
  let failures = 0;
  let lastHeard = 0;
  let malformed = 0;
  let reconnects = 0;
  let stopHeartbeat: () => void = () => {};
  let cancelReconnect: () => void = () => {};
  let cancelRejoin: () => void = () => {};

  const send = (frame: ClientFrame): boolean => {
    if (!socket || socket.readyState !== SOCKET_OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  };

  const detach = (): void => {
    stopHeartbeat();
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    socket.close();
    socket = null;
  };

  const lost = (code: number, reason: string): void => {
    detach();
    // The reconnect re-sends the join as soon as the new socket opens.
    cancelRejoin();
    joined = false;
    state = 'connecting';
    failures++;
    cancelReconnect = scheduler.after(nextBackoff(failures, rng), () => {
      reconnects++;
      connect();
    });
    listeners.closed.emit({ code, reason, reconnecting: true });
  };

  const retryRejoin = (again: JoinRequest): void => {
    rejoinRetries++;
    cancelRejoin = scheduler.after(nextBackoff(rejoinRetries, rng), () => {
      if (request === again && !joined) send({ type: 'join', ...again });
    });
  };

  /** A new request, or none: whatever was pending for the old one no longer applies. */
  const resetRequest = (next: JoinRequest | null): void => {
    cancelRejoin();
    request = next;
    joined = false;
    admitted = false;
    rejoinRetries = 0;
  };

  const heartbeat = (): void => {
    if (scheduler.now() - lastHeard > pingIntervalMs * 2.5) lost(4000, 'no reply from the signaling server');
    else send({ type: 'ping' });
  };

  const receive = (raw: unknown): void => {
    lastHeard = scheduler.now();
    const parsed = parseServerFrame(raw);
    if (!parsed.ok) {
      malformed++;
      return;
    }
    failures = 0;
    const frame = parsed.frame;
    switch (frame.type) {
      case 'joined':
        joined = true;
        admitted = true;
        rejoinRetries = 0;
        listeners.joined.emit({ room: frame.room, id: frame.id, members: frame.members, iceServers: frame.iceServers });
        break;
      case 'member-joined':
        listeners['member-joined'].emit(frame.member);
        break;
      case 'member-left':
        listeners['member-left'].emit({ id: frame.id, reason: frame.reason });
        break;
      case 'signal':
        listeners.signal.emit({ from: frame.from, data: frame.data });
        break;
      case 'error':
        if (request && !joined) {
          // Our id is still seated on the server: it has not yet noticed that our previous socket died.
          if (frame.code === 'duplicate-id' && admitted && rejoinRetries < MAX_REJOIN_RETRIES) {
            retryRejoin(request);
            break;
          }
          // Any other refused join (bad password, full room, an id someone else holds) is final:
          // re-sending it on every reconnect would not help.
          resetRequest(null);
        }
        listeners.error.emit({ code: frame.code, reason: frame.reason });
        break;
      case 'control':
        listeners.control.emit({ command: frame.command, seq: frame.seq });
        break;
      case 'pong':
        break;
    }
  };

  const connect = (): void => {
    state = 'connecting';
    let ws: WebSocket;
    try {
      ws = createSocket(url);
    } catch (err) {
      lost(1006, err instanceof Error ? err.message : String(err));
      return;
    }
    socket = ws;
    const opened = (): void => {
      state = 'open';
      lastHeard = scheduler.now();
      if (request) send({ type: 'join', ...request });
      stopHeartbeat = every(scheduler, pingIntervalMs, heartbeat);
    };
    ws.onopen = opened;
    ws.onmessage = (event) => receive(event.data);
    ws.onclose = (event) => lost(event.code, event.reason || 'connection closed');
    // An error is always followed by a close event, which is where reconnecting starts.
    ws.onerror = () => {};
    // A socket opened before the client existed (early-socket.ts) fires no open event for us.
    if (ws.readyState === SOCKET_OPEN) opened();
  };

  connect();

  return {
    get state() {
      return state;
    },
    join(req) {
      for (const field of ['room', 'id', 'name'] as const) {
        if (typeof req[field] !== 'string') throw new TypeError(`join: ${field} must be a string`);
      }
      if (!req.room || !req.id) throw new TypeError('join: room and id must not be empty');
      const next = { ...req };
      resetRequest(next);
      send({ type: 'join', ...next });
    },
    signal(to, data) {
      return joined && send({ type: 'signal', to, data });
    },
    report(data) {
      return joined && send({ type: 'report', data });
    },
    leave() {
      if (!request) return;
      resetRequest(null);
      send({ type: 'leave' });
    },
    close() {
      if (state === 'closed') return;
      cancelReconnect();
      detach();
      state = 'closed';
      resetRequest(null);
      listeners.closed.emit({ code: 1000, reason: 'closed by client', reconnecting: false });
      for (const l of Object.values(listeners)) l.clear();
    },
    on(type, handler) {
      return listeners[type].add(handler);
    },
    stats: () => ({ malformed, reconnects }),
  };
}
