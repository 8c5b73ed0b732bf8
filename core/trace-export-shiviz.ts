import type { JournalEvent } from './journal.ts';
import { compare, type VectorClock } from './vector-clock.ts';

/**
 * Export for ShiViz (bestchai.bitbucket.io/shiviz), which draws a space-time diagram from any
 * log whose events carry vector clocks. The file is ShiViz's upload format: line 1 the parsing
 * regex, line 2 the multiple-executions delimiter (empty: one execution), then two lines per
 * event — the description, then `host {"host":1,...}` — which is also the layout of ShiViz's
 * default regex, so the log part can be pasted into its text box as it is.
 *
 * ShiViz accepts a host's events only if their own clock entries are exactly 1, 2, 3, ...,
 * and every entry for another host names an event of that host present in the log. Our clocks
 * count every send and delivery, and a tab keeps only its recent journal, so the export
 * renumbers: each host's events present in the trace are numbered 1..k in clock order, and an
 * entry "host h at v" becomes "the last present event of h at or before v". Happened-before
 * between exported events is unchanged by this (both sides are monotone in v).
 *
 * One ShiViz event per tick of a node's clock: a delivery, or a send — a multicast is one tick
 * with one journal 'send' per link, written as one event naming every receiver. Drop,
 * duplicate and delay records are not ticks (they carry the send's clock, or for the receiving
 * lane the sender's clock), so ShiViz would reject them as repeated clock values; each is
 * folded into the text of the send it happened to, e.g. `[to n02: dropped on the way out (cut)]`.
 */
export const SHIVIZ_REGEX = String.raw`(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`;

export interface ShiVizExport {
  /** The file to upload to ShiViz. */
  readonly text: string;
  /** ShiViz events written. */
  readonly events: number;
  /** Journal events left out (their tick is not in the trace, or their clock contradicts another's). */
  readonly skipped: number;
  /** Why, for the first few skipped events. */
  readonly notes: readonly string[];
}

interface Tick {
  readonly node: string;
  readonly own: number;
  readonly vc: VectorClock;
  readonly first: JournalEvent;
  readonly receivers: string[];
  readonly faults: string[];
}

const MAX_NOTES = 10;
/** ShiViz's host group is `\S*`, and its event group one line: ids from peers may hold either. */
const host = (id: string): string => id.replace(/\s/g, '_');
const oneLine = (text: string): string => text.replace(/[\r\n\u2028\u2029]/g, ' ');
const ownEntry = (vc: VectorClock, node: string): number => (Object.hasOwn(vc, node) ? (vc[node] ?? 0) : 0);

export function toShiViz(events: readonly JournalEvent[]): ShiVizExport {
  const ticks = new Map<string, Tick>();
  const notes: string[] = [];
  let skipped = 0;
  const skip = (e: JournalEvent, why: string): void => {
    skipped += 1;
    if (notes.length < MAX_NOTES) notes.push(`${e.type} ${e.msgId} recorded by ${e.node} (#${e.n}): ${why}`);
  };
  const key = (node: string, own: number): string => `${node}\u0000${own}`;

  for (const e of events) {
    if (e.type !== 'send' && e.type !== 'deliver') continue;
    const own = ownEntry(e.vc, e.node);
    if (own < 1) {
      skip(e, 'its clock has no entry for its own node');
      continue;
    }
    const tick = ticks.get(key(e.node, own));
    if (!tick) ticks.set(key(e.node, own), { node: e.node, own, vc: e.vc, first: e, receivers: e.type === 'send' ? [e.peer] : [], faults: [] });
    else if (tick.first.type === 'send' && e.type === 'send' && compare(tick.vc, e.vc) === 'equal') tick.receivers.push(e.peer);
    else skip(e, `its clock repeats ${e.node}:${own} of another event`);
  }
  for (const e of events) {
    if (e.type === 'send' || e.type === 'deliver') continue;
    const sender = e.dir === 'out' ? e.node : e.peer;
    const receiver = e.dir === 'out' ? e.peer : e.node;
    const tick = ticks.get(key(sender, ownEntry(e.vc, sender)));
    if (!tick || tick.first.type !== 'send' || !tick.receivers.includes(receiver)) skip(e, 'the send it belongs to is not in the trace');
    else tick.faults.push(`[to ${receiver}: ${faultText(e)} on the way ${e.dir}]`);
  }

  // Each host's clock values present in the trace, ascending: position + 1 is the ShiViz number.
  const owns = new Map<string, number[]>();
  for (const t of ticks.values()) {
    let list = owns.get(t.node);
    if (!list) owns.set(t.node, (list = []));
    list.push(t.own);
  }
  for (const list of owns.values()) list.sort((a, b) => a - b);

  const placed = [...ticks.values()].map((t) => {
    const clock = new Map<string, number>();
    let sum = 0;
    for (const [node, v] of Object.entries(t.vc)) {
      const list = owns.get(node);
      const k = list ? countAtMost(list, v) : 0;
      if (k > 0) {
        clock.set(node, k);
        sum += k;
      }
    }
    return { tick: t, clock, sum, index: clock.get(t.node) ?? 0 };
  });
  // The sum of a clock grows along every happened-before edge, so this order is causal.
  placed.sort((a, b) => a.sum - b.sum || (a.tick.node < b.tick.node ? -1 : a.tick.node > b.tick.node ? 1 : a.index - b.index));

  const lines = [SHIVIZ_REGEX, ''];
  for (const { tick, clock } of placed) {
    lines.push(oneLine(describe(tick)));
    const entries = [...clock].map(([node, k]) => `${JSON.stringify(host(node))}:${k}`);
    lines.push(`${host(tick.node)} {${entries.join(',')}}`);
  }
  return { text: `${lines.join('\n')}\n`, events: placed.length, skipped, notes };
}

/** How many values in the ascending list are <= v. */
function countAtMost(list: readonly number[], v: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function faultText(e: JournalEvent): string {
  if (e.type === 'drop') return `dropped (${e.detail ?? 'drop'})`;
  if (e.type === 'delay') return `delayed ${e.detail ?? '?'} ms`;
  return 'duplicated';
}

// The first word is 'send' or 'deliver' and the second a kind: the line can never look like a
// `host {clock}` line, which would make ShiViz's regex pair lines wrongly.
function describe(t: Tick): string {
  const e = t.first;
  const what = e.type === 'send' ? `send ${e.kind} ${e.msgId} to ${t.receivers.join(', ')}` : `deliver ${e.kind} ${e.msgId} from ${e.peer}`;
  return [`${what} (${e.bytes} B, t=${e.t}, lamport ${e.lamport})`, ...t.faults].join(' ');
}
