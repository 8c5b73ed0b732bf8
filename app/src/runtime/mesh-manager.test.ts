import { describe, expect, it } from 'vitest';
import { Listeners, type LinkState } from '../../../core/link.ts';
import { acceptLimit, REFUSAL_BACKOFF_MS } from '../../../core/mesh-planner.ts';
import { createRng } from '../../../core/rng.ts';
import { createVirtualScheduler, type VirtualScheduler } from '../../../core/sim/virtual-scheduler.ts';
import type { PeerLink, PeerLinkStats, PeerSignal } from '../net/peer-link.ts';
import { createMeshManager, type MeshManager } from './mesh-manager.ts';

/**
 * A fake WebRTC under real mesh managers: an initiator emits an offer, the answering end an
 * answer, and the answer opens both ends. The offer's token plays the part of SDP credentials,
 * so an answer only ever opens the pair it belongs to. Signaling is a hub with 2 ms latency.
 */
class FakeLink implements PeerLink {
  state: LinkState = 'connecting';
  partner: FakeLink | null = null;
  private readonly opens = new Listeners<[]>();
  private readonly closes = new Listeners<[string]>();

  constructor(
    private readonly net: Net,
    readonly local: string,
    readonly remote: string,
    readonly initiator: boolean,
    private readonly emit: (s: PeerSignal) => void,
  ) {
    if (!initiator) return;
    const token = `t${net.offers.size + 1}`;
    net.offers.set(token, this);
    net.scheduler.after(5, () => this.state === 'connecting' && emit({ type: 'offer', sdp: token }));
  }

  signal(data: unknown): boolean {
    const s = data as PeerSignal;
    if (this.state !== 'connecting' || s.type === 'candidate') return false;
    const offerer = this.net.offers.get(s.sdp);
    if (s.type === 'offer' && !this.initiator && offerer?.remote === this.local) {
      this.partner = offerer;
      this.net.scheduler.after(5, () => this.emit({ type: 'answer', sdp: s.sdp }));
      return true;
    }
    const answerer = s.type === 'answer' && offerer === this ? this.net.answererOf(this) : undefined;
    if (answerer) {
      this.partner = answerer;
      this.net.scheduler.after(this.net.openDelayMs, () => {
        this.opened();
        answerer.opened();
      });
      return true;
    }
    return false;
  }

  opened(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    this.opens.emit();
  }

  /** The connection dies under both ends. */
  fail(): void {
    for (const l of [this, this.partner]) l?.close('connection failed');
  }

  send = (): boolean => this.state === 'open';
  onMessage = () => () => false;
  onOpen = (h: () => void) => this.opens.add(h);
  onClose = (h: (r: string) => void) => this.closes.add(h);
  close(reason = 'closed'): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closes.emit(reason);
    const partner = this.partner;
    if (partner) this.net.scheduler.after(1, () => partner.close('closed by peer'));
  }
  stats = (): PeerLinkStats => ({} as PeerLinkStats);
}

class Net {
  readonly scheduler: VirtualScheduler = createVirtualScheduler();
  readonly offers = new Map<string, FakeLink>();
  readonly links: FakeLink[] = [];
  readonly managers = new Map<string, MeshManager>();
  readonly errors: string[] = [];
  /** Every relayed signal, in sending order. */
  readonly sent: { at: number; from: string; to: string; t: string }[] = [];
  /** From the answer to an open channel (ICE and DTLS, in a real browser). */
  openDelayMs = 1;
  /** Signals to a node wait until this time: its page is busy. */
  readonly busyUntil = new Map<string, number>();
  private readonly rng = createRng(7);

  answererOf(offerer: FakeLink): FakeLink | undefined {
    return this.links.find((l) => !l.initiator && l.partner === offerer && l.state === 'connecting');
  }

  add(id: string, degree = 8, announcedLinks?: (id: string) => readonly string[] | undefined): MeshManager {
    const m = createMeshManager({
      self: id,
      degree,
      scheduler: this.scheduler,
      rng: this.rng.fork(),
      ...(announcedLinks ? { announcedLinks } : {}),
      signaling: {
        joined: () => true,
        signal: (to, data) => {
          this.sent.push({ at: this.scheduler.now(), from: id, to, t: data.t });
          const copy = JSON.parse(JSON.stringify(data)) as unknown;
          const wait = Math.max(2, (this.busyUntil.get(to) ?? 0) - this.scheduler.now());
          this.scheduler.after(wait, () => this.managers.get(to)?.receive(id, copy));
          return this.managers.has(to);
        },
      },
      members: () => [...this.managers.keys()],
      createLink: (remote, initiator, onSignal) => {
        const link = new FakeLink(this, id, remote, initiator, onSignal);
        this.links.push(link);
        return link;
      },
      attach: () => {},
      onError: (source, code, detail) => this.errors.push(`${id} ${source}:${code} ${detail}`),
      newConnectionId: (() => {
        let n = 0;
        return () => `${id}${++n}`.replace(/[^a-z0-9]/g, '');
      })(),
    });
    this.managers.set(id, m);
    return m;
  }

  /** Open links per node, counted from that node's side. */
  openLinks(id: string): string[] {
    return this.links.filter((l) => l.local === id && l.state === 'open').map((l) => l.remote).sort();
  }
}

describe('createMeshManager', () => {
  it('links two nodes once, with the smaller id making the offer', () => {
    const net = new Net();
    net.add('b');
    net.add('a');
    net.scheduler.runFor(3000);
    expect(net.openLinks('a')).toEqual(['b']);
    expect(net.openLinks('b')).toEqual(['a']);
    expect(net.links.filter((l) => l.initiator).every((l) => l.local === 'a')).toBe(true);
    expect(net.managers.get('a')?.status('b')).toBe('open');
    expect(net.errors).toEqual([]);
  });

  it('forms a full mesh of six without glare, and every attempt but one per pair is avoided', () => {
    const net = new Net();
    const ids = ['f', 'c', 'a', 'e', 'b', 'd'];
    for (const id of ids) net.add(id);
    net.scheduler.runFor(5000);
    for (const id of ids) expect(net.openLinks(id)).toEqual(ids.filter((x) => x !== id).sort());
    expect(net.links.filter((l) => l.initiator && l.state === 'open')).toHaveLength(15);
    // Two ends per pair and nothing more: no crossed offers, no replaced attempts.
    expect(net.links).toHaveLength(30);
    expect(net.errors).toEqual([]);
  });

  it('reconnects after a link fails, once its backoff has passed', () => {
    const net = new Net();
    net.add('a');
    net.add('b');
    net.scheduler.runFor(3000);
    const first = net.links.find((l) => l.state === 'open');
    first?.fail();
    net.scheduler.runFor(10);
    expect(net.managers.get('a')?.status('b')).not.toBe('open');
    net.scheduler.runFor(5000);
    expect(net.openLinks('a')).toEqual(['b']);
    expect(net.managers.get('a')?.stats().attempts).toBe(2);
  });

  it('keeps a handshake whose peer answers late, timing it from the last signal heard', () => {
    const net = new Net();
    net.openDelayMs = 2000;
    net.add('a');
    net.add('b');
    // b's page is busy for 9.5 s: a's offer waits that long, and the channel opens 2 s after
    // the answer, past 10 s from the offer. Timed from the offer, a would cut it and start over.
    net.busyUntil.set('b', 9500);
    net.scheduler.runFor(15_000);
    expect(net.openLinks('a')).toEqual(['b']);
    expect(net.managers.get('a')?.stats().attempts).toBe(1);
    expect(net.errors).toEqual([]);
  });

  it('keeps a partial mesh within its accept limit, with every node linked', () => {
    const net = new Net();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const id of ids) net.add(id, 2);
    net.scheduler.runFor(30_000);
    for (const id of ids) {
      expect(net.openLinks(id).length).toBeGreaterThanOrEqual(1);
      expect(net.openLinks(id).length).toBeLessThanOrEqual(acceptLimit(2));
    }
  });

  it('answers a request it cannot admit with a refusal, so the asker tries elsewhere at once', () => {
    const net = new Net();
    // 'a' offers for every pair but wants one link, so admits three; the six others want all.
    net.add('a', 1);
    const others = ['b', 'c', 'd', 'e', 'f', 'g'];
    for (const id of others) net.add(id, 7);
    // Far below the 10 s connect timeout (without refusals the turned-away askers would still be
    // connecting), and before the periodic plan at 1 s asks 'a' again.
    net.scheduler.runFor(900);
    const a = net.managers.get('a');
    expect(a?.stats().refused).toBeGreaterThanOrEqual(3);
    expect(net.openLinks('a').length).toBe(acceptLimit(1));
    const statuses = others.map((id) => net.managers.get(id)?.status('a'));
    expect(statuses.filter((s) => s === 'connecting')).toEqual([]);
    expect(statuses.filter((s) => s === 'closed').length).toBe(others.length - acceptLimit(1));
    for (const id of others) expect(net.openLinks(id)).toEqual(expect.arrayContaining(others.filter((x) => x !== id)));
    expect(net.errors).toEqual([]);
  });

  it('asks a peer that refused again after a few seconds, however often it refused', () => {
    const net = new Net();
    // 'a' admits three links; the six others each want a link to everyone, so three keep asking.
    net.add('a', 1);
    const others = ['b', 'c', 'd', 'e', 'f', 'g'];
    for (const id of others) net.add(id, 6);
    net.scheduler.runFor(60_000);
    const refusedTo = (id: string): number[] => net.sent.filter((s) => s.from === 'a' && s.to === id && s.t === 'refuse').map((s) => s.at);
    const asking = others.filter((id) => refusedTo(id).length > 0);
    expect(asking).toHaveLength(others.length - acceptLimit(1));
    for (const id of asking) {
      const times = refusedTo(id);
      // A failure backoff would have doubled past 30 s by now; a refusal's stays under 4 s, plus a plan period.
      expect(times.length).toBeGreaterThan(10);
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(REFUSAL_BACKOFF_MS + 1000 + 10);
    }
    expect(net.errors).toEqual([]);
  });

  it('asks the members announcing the fewest links first', () => {
    const net = new Net();
    const announced: Record<string, string[]> = { a: ['p', 'q', 'r'], b: [], c: ['p', 'q'] };
    for (const id of ['a', 'b', 'c']) net.add(id, 1);
    net.add('z', 1, (id) => announced[id]);
    net.scheduler.runFor(1);
    expect(net.sent.filter((s) => s.from === 'z')).toEqual([{ at: 0, from: 'z', to: 'b', t: 'request' }]);
  });

  it('sheds links between two nodes over degree while a member announces it is short', () => {
    const net = new Net();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    // Silent at first, so the mesh forms at random with nodes over degree side by side; then
    // every node announces its links, except 'h', which stays short as far as anyone hears.
    let announcing = false;
    for (const id of ids) net.add(id, 2, (id) => (!announcing ? undefined : id === 'h' ? [] : net.openLinks(id)));
    const over = (id: string): boolean => id !== 'h' && net.openLinks(id).length > 2;
    const overPairs = (): string[] => ids.filter(over).flatMap((id) => net.openLinks(id).filter((peer) => peer > id && over(peer)).map((peer) => `${id}-${peer}`));
    net.scheduler.runFor(20_000);
    expect(overPairs()).not.toEqual([]);
    announcing = true;
    net.scheduler.runFor(30_000);
    expect(overPairs()).toEqual([]);
    for (const id of ids) expect(net.openLinks(id).length).toBeGreaterThanOrEqual(2);
    expect(net.errors).toEqual([]);
  });

  it('ignores signals of abandoned attempts and reports malformed or misdirected ones', () => {
    const net = new Net();
    const a = net.add('a');
    net.add('b');
    a.receive('b', { t: 'signal', conn: 'old1', signal: { type: 'answer', sdp: 'x' } });
    expect(a.stats().stale).toBe(1);
    a.receive('b', { t: 'refuse', conn: 'old1' });
    expect(a.stats().stale).toBe(2);
    a.receive('b', 'not a signal');
    net.managers.get('b')?.receive('a', { t: 'request' });
    a.receive('b', { t: 'refuse', conn: 'NOT A CONN ID' });
    expect(net.errors).toEqual([
      expect.stringContaining('a mesh:malformed'),
      expect.stringContaining('b mesh:unexpected-request'),
      expect.stringContaining('a mesh:malformed'),
    ]);
  });

  it('closes every link on close, and plans nothing afterwards', () => {
    const net = new Net();
    const a = net.add('a');
    net.add('b');
    net.scheduler.runFor(3000);
    a.close();
    a.close();
    net.scheduler.runFor(5000);
    expect(net.openLinks('a')).toEqual([]);
    expect(net.openLinks('b')).toEqual([]);
  });
});
