import { Listeners, type Unsubscribe } from '../../../core/link.ts';
import { nextBackoff } from '../../../core/mesh-planner.ts';
import { createRng, type Rng } from '../../../core/rng.ts';
import { every, type Scheduler } from '../../../core/scheduler.ts';
import { defaultSignalingUrl } from '../net/signaling-client.ts';
import type { Member } from '../net/signaling-protocol.ts';
import type { NodeCommand } from '../runtime/control-commands.ts';
import { parseInstructorFrame, type InstructorClientFrame } from './instructor-protocol.ts';

/**
 * The teacher's socket: proves the instructor key for one room, then hears the room's members
 * come and go, sends them commands and receives their reports. It is not a member and cannot
 * signal. A lost socket reconnects with backoff and proves the key again; a refused key is
 * final, so a typo is reported once instead of retried forever.
 */
export type InstructorStatus = 'connecting' | 'accepted' | 'refused' | 'closed';

export interface InstructorEvents {
  accepted: { readonly room: string; readonly members: readonly Member[] };
  'member-joined': Member;
  'member-left': { readonly id: string; readonly reason: string };
  report: { readonly from: string; readonly data: Readonly<Record<string, unknown>> };
  'control-sent': { readonly seq: number; readonly to: readonly string[]; readonly command: Readonly<Record<string, unknown>> };
  /** A refusal of one frame after acceptance (rate-limited, unknown-peer...). */
  error: { readonly code: string; readonly reason: string };
  /** Every change of status, with why when it is a refusal or a lost socket. */
  status: { readonly status: InstructorStatus; readonly detail: string | null };
}

export interface InstructorClientOptions {
  readonly room: string;
  readonly key: string;
  readonly scheduler: Scheduler;
  readonly url?: string;
  readonly pingIntervalMs?: number;
  readonly rng?: Rng;
  readonly createSocket?: (url: string) => WebSocket;
}

export interface InstructorClient {
  readonly status: InstructorStatus;
  /** Sends a command to every member or to some; false unless accepted. */
  control(to: 'all' | readonly string[], command: NodeCommand): boolean;
  on<K extends keyof InstructorEvents>(type: K, handler: (event: InstructorEvents[K]) => void): Unsubscribe;
  /** Gives up the instructor role and closes for good; safe to call twice. */
  close(): void;
  stats(): { readonly malformed: number; readonly reconnects: number };
}

const SOCKET_OPEN = 1;

export function createInstructorClient(o: InstructorClientOptions): InstructorClient {
  const { scheduler } = o;
  const url = o.url ?? defaultSignalingUrl();
  const pingIntervalMs = o.pingIntervalMs ?? 10_000;
  const rng = o.rng ?? createRng(crypto.getRandomValues(new Uint32Array(1))[0] ?? 0);
  const createSocket = o.createSocket ?? ((u: string) => new WebSocket(u));
  const listeners: { [K in keyof InstructorEvents]: Listeners<[InstructorEvents[K]]> } = {
    accepted: new Listeners(),
    'member-joined': new Listeners(),
    'member-left': new Listeners(),
    report: new Listeners(),
    'control-sent': new Listeners(),
    error: new Listeners(),
    status: new Listeners(),
  };
  let status: InstructorStatus = 'connecting';
  let socket: WebSocket | null = null;
  let failures = 0;
  let lastHeard = 0;
  let malformed = 0;
  let reconnects = 0;
  let stopHeartbeat: () => void = () => {};
  let cancelReconnect: () => void = () => {};

  const setStatus = (next: InstructorStatus, detail: string | null): void => {
    status = next;
    listeners.status.emit({ status: next, detail });
  };

  const send = (frame: InstructorClientFrame): boolean => {
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

  const lost = (reason: string): void => {
    detach();
    failures++;
    setStatus('connecting', `${reason}; reconnecting`);
    cancelReconnect = scheduler.after(nextBackoff(failures, rng), () => {
      reconnects++;
      connect();
    });
  };

  const receive = (raw: unknown): void => {
    lastHeard = scheduler.now();
    const parsed = parseInstructorFrame(raw);
    if (!parsed.ok) {
      malformed++;
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'instructor-joined':
        failures = 0;
        setStatus('accepted', null);
        listeners.accepted.emit({ room: frame.room, members: frame.members });
        break;
      case 'member-joined':
        listeners['member-joined'].emit(frame.member);
        break;
      case 'member-left':
        listeners['member-left'].emit({ id: frame.id, reason: frame.reason });
        break;
      case 'report':
        listeners.report.emit({ from: frame.from, data: frame.data });
        break;
      case 'control-sent':
        listeners['control-sent'].emit({ seq: frame.seq, to: frame.to, command: frame.command });
        break;
      case 'error':
        if (status === 'accepted') {
          listeners.error.emit({ code: frame.code, reason: frame.reason });
        } else {
          // Refused before acceptance: a wrong key, no key on the server, or a full room.
          detach();
          setStatus('refused', `${frame.code}: ${frame.reason}`);
        }
        break;
      case 'pong':
        break;
    }
  };

  const heartbeat = (): void => {
    if (scheduler.now() - lastHeard > pingIntervalMs * 2.5) lost('no reply from the signaling server');
    else send({ type: 'ping' });
  };

  const connect = (): void => {
    let ws: WebSocket;
    try {
      ws = createSocket(url);
    } catch (err) {
      lost(err instanceof Error ? err.message : String(err));
      return;
    }
    socket = ws;
    ws.onopen = () => {
      lastHeard = scheduler.now();
      send({ type: 'instructor', room: o.room, key: o.key });
      stopHeartbeat = every(scheduler, pingIntervalMs, heartbeat);
    };
    ws.onmessage = (event) => receive(event.data);
    ws.onclose = (event) => lost(event.reason || `connection closed (${event.code})`);
    // An error is always followed by a close event, which is where reconnecting starts.
    ws.onerror = () => {};
  };

  connect();

  return {
    get status() {
      return status;
    },
    control(to, command) {
      return status === 'accepted' && send({ type: 'control', to, command });
    },
    on(type, handler) {
      return listeners[type].add(handler);
    },
    close() {
      if (status === 'closed') return;
      cancelReconnect();
      send({ type: 'leave' });
      detach();
      setStatus('closed', null);
      for (const l of Object.values(listeners)) l.clear();
    },
    stats: () => ({ malformed, reconnects }),
  };
}
