import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/rng.ts';
import type { Scheduler } from '../../../core/scheduler.ts';
import { createSignalingClient, MAX_REJOIN_RETRIES, type SignalingClient, type SignalingEvents } from './signaling-client.ts';

/** Virtual time: timers fire only when the test advances the clock. */
function manualScheduler(): Scheduler & { advance(ms: number): void } {
  let t = 0;
  let seq = 0;
  const timers = new Map<number, { due: number; fn: () => void }>();
  return {
    now: () => t,
    after(ms, fn) {
      const id = seq++;
      timers.set(id, { due: t + ms, fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      const end = t + ms;
      for (let guard = 0; guard < 10_000; guard++) {
        const next = [...timers].sort(([a, x], [b, y]) => x.due - y.due || a - b)[0];
        if (!next || next[1].due > end) break;
        timers.delete(next[0]);
        t = next[1].due;
        next[1].fn();
      }
      t = end;
    },
  };
}

/** Stands in for a browser WebSocket; the test plays the server. */
class FakeSocket {
  readyState = 0;
  readonly sent: unknown[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  deliver(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

function setup(pingIntervalMs = 1000): {
  client: SignalingClient;
  sockets: FakeSocket[];
  latest: () => FakeSocket;
  scheduler: ReturnType<typeof manualScheduler>;
  seen: <K extends keyof SignalingEvents>(type: K) => SignalingEvents[K][];
} {
  const scheduler = manualScheduler();
  const sockets: FakeSocket[] = [];
  const client = createSignalingClient({
    scheduler,
    url: 'ws://127.0.0.1:1/signal',
    pingIntervalMs,
    rng: createRng(3),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s as unknown as WebSocket;
    },
  });
  const seen = <K extends keyof SignalingEvents>(type: K): SignalingEvents[K][] => {
    const out: SignalingEvents[K][] = [];
    client.on(type, (e) => out.push(e));
    return out;
  };
  const latest = (): FakeSocket => {
    const s = sockets.at(-1);
    if (!s) throw new Error('no socket yet');
    return s;
  };
  return { client, sockets, latest, scheduler, seen };
}

const request = { room: 'lab', id: 'a', name: 'Ada' };
const joins = (socket: FakeSocket): number => socket.sent.filter((f) => (f as { type?: unknown }).type === 'join').length;
const joinedFrame = { type: 'joined', room: 'lab', id: 'a', members: [{ id: 'b', name: 'Bob' }], iceServers: [] };

describe('createSignalingClient', () => {
  it('joins once the socket opens and reports the room', () => {
    const { client, latest, seen } = setup();
    const joined = seen('joined');
    client.join(request);
    expect(latest().sent).toEqual([]);
    latest().open();
    expect(latest().sent).toEqual([{ type: 'join', ...request }]);
    latest().deliver(joinedFrame);
    expect(joined).toEqual([{ room: 'lab', id: 'a', members: [{ id: 'b', name: 'Bob' }], iceServers: [] }]);
    expect(client.state).toBe('open');
  });

  it('joins at once over a socket that was already open when the client took it', () => {
    const scheduler = manualScheduler();
    const early = new FakeSocket('ws://127.0.0.1:1/signal');
    early.readyState = 1;
    const client = createSignalingClient({ scheduler, url: early.url, rng: createRng(3), createSocket: () => early as unknown as WebSocket });
    expect(client.state).toBe('open');
    client.join(request);
    expect(early.sent).toEqual([{ type: 'join', ...request }]);
    early.deliver(joinedFrame);
    expect(client.signal('b', { type: 'offer', sdp: 'v=0' })).toBe(true);
    // Its heartbeat runs as for a socket opened by the client.
    scheduler.advance(10_000);
    expect(early.sent.at(-1)).toEqual({ type: 'ping' });
  });

  it('relays signals only while joined, in both directions', () => {
    const { client, latest, seen } = setup();
    const signals = seen('signal');
    latest().open();
    expect(client.signal('b', { type: 'offer', sdp: 'v=0' })).toBe(false);
    client.join(request);
    latest().deliver(joinedFrame);
    expect(client.signal('b', { type: 'offer', sdp: 'v=0' })).toBe(true);
    expect(latest().sent.at(-1)).toEqual({ type: 'signal', to: 'b', data: { type: 'offer', sdp: 'v=0' } });
    latest().deliver({ type: 'signal', from: 'b', data: { type: 'answer', sdp: 'v=0' } });
    expect(signals).toEqual([{ from: 'b', data: { type: 'answer', sdp: 'v=0' } }]);
  });

  it('hands instructor commands on, and sends reports only while joined', () => {
    const { client, latest, seen } = setup();
    const commands = seen('control');
    latest().open();
    expect(client.report({ name: 'Ada' })).toBe(false);
    client.join(request);
    latest().deliver(joinedFrame);
    latest().deliver({ type: 'control', command: { op: 'heal' }, seq: 4 });
    latest().deliver({ type: 'control', command: 'heal', seq: 5 });
    expect(commands).toEqual([{ command: { op: 'heal' }, seq: 4 }]);
    expect(client.stats().malformed).toBe(1);
    expect(client.report({ name: 'Ada' })).toBe(true);
    expect(latest().sent.at(-1)).toEqual({ type: 'report', data: { name: 'Ada' } });
  });

  it('counts and ignores malformed frames without losing good ones', () => {
    const { client, latest, seen } = setup();
    const joins = seen('member-joined');
    latest().open();
    latest().deliver('not json');
    latest().deliver({ type: 'member-joined', member: { id: 3 } });
    latest().deliver({ type: 'member-joined', member: { id: 'c', name: 'Cy' } });
    expect(joins).toEqual([{ id: 'c', name: 'Cy' }]);
    expect(client.stats().malformed).toBe(2);
  });

  it('reconnects with growing backoff and re-joins the same room as the same id', () => {
    const { client, sockets, latest, scheduler, seen } = setup();
    const closed = seen('closed');
    client.join(request);
    latest().open();
    latest().deliver(joinedFrame);
    latest().drop();
    expect(closed).toEqual([{ code: 1006, reason: 'connection closed', reconnecting: true }]);
    expect(client.signal('b', 1)).toBe(false);
    scheduler.advance(249);
    expect(sockets).toHaveLength(1);
    scheduler.advance(251);
    expect(sockets).toHaveLength(2);
    latest().drop();
    scheduler.advance(499);
    expect(sockets).toHaveLength(2);
    scheduler.advance(501);
    expect(sockets).toHaveLength(3);
    latest().open();
    expect(latest().sent).toEqual([{ type: 'join', ...request }]);
    expect(client.stats().reconnects).toBe(2);
  });

  it('pings the server and drops a socket that stays silent', () => {
    const { latest, sockets, scheduler, seen } = setup(1000);
    const closed = seen('closed');
    latest().open();
    scheduler.advance(1000);
    expect(latest().sent).toEqual([{ type: 'ping' }]);
    latest().deliver({ type: 'pong' });
    scheduler.advance(2000);
    expect(closed).toEqual([]);
    scheduler.advance(1000);
    expect(closed).toEqual([{ code: 4000, reason: 'no reply from the signaling server', reconnecting: true }]);
    expect(sockets[0]?.closed).toBe(true);
  });

  it('does not re-join after leave() or after the server refused the join', () => {
    const { client, latest, scheduler, seen } = setup();
    const errors = seen('error');
    client.join({ ...request, password: 'wrong' });
    latest().open();
    latest().deliver({ type: 'error', code: 'bad-password', reason: 'wrong password' });
    expect(errors).toEqual([{ code: 'bad-password', reason: 'wrong password' }]);
    latest().drop();
    scheduler.advance(1000);
    latest().open();
    expect(latest().sent).toEqual([]);
    client.join(request);
    latest().deliver(joinedFrame);
    client.leave();
    expect(latest().sent.at(-1)).toEqual({ type: 'leave' });
    latest().drop();
    scheduler.advance(1000);
    latest().open();
    expect(latest().sent).toEqual([]);
  });

  it('retries a re-join refused as duplicate-id until the server lets go of the old socket', () => {
    const { client, latest, scheduler, seen } = setup(60_000);
    const [joined, errors] = [seen('joined'), seen('error')];
    const duplicate = { type: 'error', code: 'duplicate-id', reason: 'id "a" is already taken in room "lab"' };
    client.join(request);
    latest().open();
    latest().deliver(joinedFrame);
    latest().drop();
    scheduler.advance(500);
    latest().open();
    const rejoin = latest();
    expect(rejoin.sent).toEqual([{ type: 'join', ...request }]);
    rejoin.deliver(duplicate);
    // The first retry waits at most the base backoff (0.5 s), the second at most twice that.
    scheduler.advance(500);
    expect(rejoin.sent).toEqual([{ type: 'join', ...request }, { type: 'join', ...request }]);
    rejoin.deliver(duplicate);
    scheduler.advance(1000);
    expect(rejoin.sent).toEqual([{ type: 'join', ...request }, { type: 'join', ...request }, { type: 'join', ...request }]);
    rejoin.deliver(joinedFrame);
    expect(errors).toEqual([]);
    expect(joined).toHaveLength(2);
    expect(client.signal('b', 1)).toBe(true);
  });

  it('gives up a re-join after a bounded number of duplicate-id refusals, and reports it', () => {
    const { client, latest, scheduler, seen } = setup(120_000);
    const errors = seen('error');
    client.join(request);
    latest().open();
    latest().deliver(joinedFrame);
    latest().drop();
    scheduler.advance(500);
    latest().open();
    const rejoin = latest();
    for (let i = 0; i <= MAX_REJOIN_RETRIES; i++) {
      rejoin.deliver({ type: 'error', code: 'duplicate-id', reason: 'taken' });
      scheduler.advance(30_000);
    }
    expect(joins(rejoin)).toBe(1 + MAX_REJOIN_RETRIES);
    expect(errors).toEqual([{ code: 'duplicate-id', reason: 'taken' }]);
    rejoin.drop();
    scheduler.advance(1000);
    latest().open();
    expect(latest().sent).toEqual([]);
  });

  it('treats duplicate-id on a first join as final: the id belongs to someone else', () => {
    const { client, latest, scheduler, seen } = setup(60_000);
    const errors = seen('error');
    client.join(request);
    latest().open();
    latest().deliver({ type: 'error', code: 'duplicate-id', reason: 'taken' });
    scheduler.advance(5000);
    expect(joins(latest())).toBe(1);
    expect(errors).toEqual([{ code: 'duplicate-id', reason: 'taken' }]);
  });

  it('closes for good, once', () => {
    const { client, sockets, latest, scheduler, seen } = setup();
    const closed = seen('closed');
    latest().open();
    client.close();
    client.close();
    expect(closed).toEqual([{ code: 1000, reason: 'closed by client', reconnecting: false }]);
    expect(latest().closed).toBe(true);
    scheduler.advance(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('closed');
  });

  it('refuses a url that is not a WebSocket url', () => {
    expect(() => createSignalingClient({ scheduler: manualScheduler(), url: 'http://x/signal' })).toThrow(TypeError);
  });
});
