import type { MessageKind } from '../../../core/envelope.ts';
import type { VectorClock } from '../../../core/vector-clock.ts';
import type { PlacedEvent } from './space-time-model.ts';

/**
 * Pairs each send with what became of it. A send is known by (sender, receiver, msgId); the
 * same broadcast id is sent hop by hop by different nodes, and the same node may send it twice
 * (a push, then an anti-entropy repair), so deliveries are matched first in, first out among
 * sends that could have caused them. Drop, duplicate and delay records carry the Lamport time
 * of their send, which pins each to exactly one send. A duplicate adds an expected copy and a
 * drop removes one; copies neither delivered nor dropped end at the receiver's lane edge as
 * 'unknown' (its trace is missing, or the copy was still on the way when the trace ends).
 */
export type ArrowStart = { readonly type: 'sent'; readonly event: string; readonly y: number } | { readonly type: 'unknown' };

export type ArrowEnd =
  | { readonly type: 'delivered'; readonly event: string; readonly y: number }
  | { readonly type: 'dropped'; readonly event: string; readonly y: number; readonly where: 'out' | 'in'; readonly reason: string }
  | { readonly type: 'unknown' };

export interface Arrow {
  readonly key: string;
  readonly msgId: string;
  readonly kind: MessageKind;
  /** Lane indices of sender and receiver. */
  readonly from: number;
  readonly to: number;
  /** 'unknown' when the delivery is in the data but the sender's trace is not. */
  readonly start: ArrowStart;
  readonly end: ArrowEnd;
  /** The send was duplicated on the way; this arrow is one of its copies. */
  readonly duplicated: boolean;
  /** The send was held back by an injected delay or limited bandwidth. */
  readonly delayed: boolean;
  /** Keys of the send's drop, duplicate and delay events. */
  readonly faults: readonly string[];
}

interface SendRecord {
  readonly send: PlacedEvent;
  readonly faults: PlacedEvent[];
  copies: number;
  readonly delivers: PlacedEvent[];
}

const linkKey = (sender: string, receiver: string, msgId: string): string => `${sender}\u0000${receiver}\u0000${msgId}`;
const own = (vc: VectorClock, node: string): number => (Object.hasOwn(vc, node) ? (vc[node] ?? 0) : 0);

export function matchArrows(events: readonly PlacedEvent[], laneOf: ReadonlyMap<string, number>): Arrow[] {
  const lane = (node: string): number => laneOf.get(node) ?? 0;
  const byTime = [...events].sort((a, b) => a.y - b.y || a.event.n - b.event.n);
  const sends = new Map<string, SendRecord[]>();
  const byLamport = new Map<string, SendRecord>();
  const records: SendRecord[] = [];
  const arrows: Arrow[] = [];

  for (const p of byTime) {
    const e = p.event;
    if (e.type !== 'send') continue;
    const record: SendRecord = { send: p, faults: [], copies: 1, delivers: [] };
    const key = linkKey(e.node, e.peer, e.msgId);
    let list = sends.get(key);
    if (!list) sends.set(key, (list = []));
    list.push(record);
    records.push(record);
    byLamport.set(`${key}\u0000${e.lamport}`, record);
  }

  for (const p of byTime) {
    const e = p.event;
    if (e.type === 'send' || e.type === 'deliver') continue;
    const sender = e.dir === 'out' ? e.node : e.peer;
    const receiver = e.dir === 'out' ? e.peer : e.node;
    const record = byLamport.get(`${linkKey(sender, receiver, e.msgId)}\u0000${e.lamport}`);
    if (record) {
      record.faults.push(p);
      if (e.type === 'duplicate') record.copies += 1;
      if (e.type === 'drop') record.copies -= 1;
    } else if (e.type === 'drop') {
      arrows.push(arrow(`?x${p.key}`, p, lane(sender), lane(receiver), { type: 'unknown' }, dropEnd(p), []));
    }
  }

  for (const p of byTime) {
    const e = p.event;
    if (e.type !== 'deliver') continue;
    const candidates = sends.get(linkKey(e.peer, e.node, e.msgId)) ?? [];
    // A send can cause this delivery only if it came first and the delivery's clock knows it.
    const fits = (r: SendRecord): boolean => r.send.y <= p.y && own(r.send.event.vc, e.peer) <= own(e.vc, e.peer);
    // The earliest send still owed a copy; failing that, an extra copy of the latest that fits.
    let record = candidates.find((r) => fits(r) && r.delivers.length < r.copies);
    for (let i = candidates.length - 1; record === undefined && i >= 0; i--) if (fits(candidates[i] as SendRecord)) record = candidates[i];
    if (record) record.delivers.push(p);
    else arrows.push(arrow(`?>${p.key}`, p, lane(e.peer), lane(e.node), { type: 'unknown' }, { type: 'delivered', event: p.key, y: p.y }, []));
  }

  for (const r of records) {
    const e = r.send.event;
    const start: ArrowStart = { type: 'sent', event: r.send.key, y: r.send.y };
    const add = (key: string, end: ArrowEnd): void => void arrows.push(arrow(key, r.send, lane(e.node), lane(e.peer), start, end, r.faults));
    for (const d of r.delivers) add(`${r.send.key}>${d.key}`, { type: 'delivered', event: d.key, y: d.y });
    for (const f of r.faults) if (f.event.type === 'drop') add(`${r.send.key}x${f.key}`, dropEnd(f));
    for (let i = r.delivers.length; i < r.copies; i++) add(`${r.send.key}>?${i}`, { type: 'unknown' });
  }
  return arrows;
}

function dropEnd(p: PlacedEvent): ArrowEnd {
  return { type: 'dropped', event: p.key, y: p.y, where: p.event.dir, reason: p.event.detail ?? 'drop' };
}

function arrow(key: string, about: PlacedEvent, from: number, to: number, start: ArrowStart, end: ArrowEnd, faults: readonly PlacedEvent[]): Arrow {
  return {
    key,
    msgId: about.event.msgId,
    kind: about.event.kind,
    from,
    to,
    start,
    end,
    duplicated: faults.some((f) => f.event.type === 'duplicate'),
    delayed: faults.some((f) => f.event.type === 'delay'),
    faults: faults.map((f) => f.key),
  };
}
