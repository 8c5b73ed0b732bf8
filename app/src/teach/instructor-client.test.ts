import { describe, expect, it } from 'vitest';
import { createRng } from '../../../core/rng.ts';
import { createVirtualScheduler } from '../../../core/sim/virtual-scheduler.ts';
import { createInstructorClient, type InstructorEvents } from './instructor-client.ts';

/** Stands in for a browser WebSocket; the test plays the server. */
class FakeSocket {
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  deliver(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const scheduler = createVirtualScheduler();
  const client = createInstructorClient({
    room: 'lab',
    key: 'secret-key',
    scheduler,
    url: 'ws://test/signal',
    rng: createRng(1),
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s as unknown as WebSocket;
    },
  });
  const latest = (): FakeSocket => sockets.at(-1) as FakeSocket;
  const seen = <K extends keyof InstructorEvents>(type: K): InstructorEvents[K][] => {
    const out: InstructorEvents[K][] = [];
    client.on(type, (e) => out.push(e));
    return out;
  };
  return { client, sockets, latest, seen, scheduler };
}

const accepted = { type: 'instructor-joined', room: 'lab', members: [{ id: 'a', name: 'Ada' }] };

describe('instructor client', () => {
  it('proves the key, then hears members and reports and sends commands', () => {
    const { client, latest, seen } = setup();
    const joined = seen('accepted');
    const reports = seen('report');
    const members = seen('member-joined');
    expect(client.control('all', { op: 'heal' })).toBe(false);
    latest().open();
    expect(latest().sent).toEqual([{ type: 'instructor', room: 'lab', key: 'secret-key' }]);
    latest().deliver(accepted);
    expect(joined).toEqual([{ room: 'lab', members: [{ id: 'a', name: 'Ada' }] }]);
    latest().deliver({ type: 'member-joined', member: { id: 'b', name: 'Bo' } });
    latest().deliver({ type: 'report', from: 'a', data: { name: 'Ada' } });
    latest().deliver({ type: 'report', from: 'a', data: 'forged' });
    expect(members).toEqual([{ id: 'b', name: 'Bo' }]);
    expect(reports).toEqual([{ from: 'a', data: { name: 'Ada' } }]);
    expect(client.stats().malformed).toBe(1);
    expect(client.control(['a'], { op: 'crash' })).toBe(true);
    expect(latest().sent.at(-1)).toEqual({ type: 'control', to: ['a'], command: { op: 'crash' } });
  });

  it('treats a refused key as final: no reconnect, and says why', () => {
    const { client, sockets, latest, seen, scheduler } = setup();
    const statuses = seen('status');
    latest().open();
    latest().deliver({ type: 'error', code: 'bad-key', reason: 'wrong instructor key' });
    scheduler.runFor(120_000);
    expect(sockets).toHaveLength(1);
    expect(client.status).toBe('refused');
    expect(statuses.at(-1)).toEqual({ status: 'refused', detail: 'bad-key: wrong instructor key' });
  });

  it('reconnects after a lost socket and proves the key again; errors after acceptance are per frame', () => {
    const { client, sockets, latest, seen, scheduler } = setup();
    const errors = seen('error');
    latest().open();
    latest().deliver(accepted);
    latest().deliver({ type: 'error', code: 'unknown-peer', reason: 'x is not a member' });
    expect(errors).toEqual([{ code: 'unknown-peer', reason: 'x is not a member' }]);
    expect(client.status).toBe('accepted');
    latest().drop();
    expect(client.status).toBe('connecting');
    scheduler.runFor(5000);
    expect(sockets).toHaveLength(2);
    latest().open();
    expect(latest().sent).toEqual([{ type: 'instructor', room: 'lab', key: 'secret-key' }]);
    latest().deliver(accepted);
    expect(client.status).toBe('accepted');
    expect(client.stats().reconnects).toBe(1);
  });

  it('gives a silent server up and reconnects', () => {
    const { sockets, latest, scheduler } = setup();
    latest().open();
    latest().deliver(accepted);
    scheduler.runFor(40_000);
    expect(sockets.length).toBeGreaterThan(1);
  });

  it('leaves on close, once', () => {
    const { client, latest, scheduler, sockets } = setup();
    latest().open();
    latest().deliver(accepted);
    const first = latest();
    client.close();
    client.close();
    expect(first.sent.filter((f) => f.type === 'leave')).toHaveLength(1);
    scheduler.runFor(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.status).toBe('closed');
  });
});
