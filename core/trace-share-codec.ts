import { decodeError, type Decoded } from './codec.ts';
import type { JournalEvent } from './journal.ts';
import { checkJournalEvent, describeValue, JOURNAL_EVENT_TYPES, MAX_TRACE_CLOCK_ENTRIES } from './trace-export-event.ts';

/**
 * Wire format of a trace summary: UTF-8 JSON `{ v: 1, ids: [...], e: [[...], ...] }`. Node ids
 * (peers and clock entries) are written once in `ids` and referred to by index, and each clock
 * is written as its change from the previous event's clock, as flat [id index, value] pairs
 * (value 0: entry gone). A node's consecutive events differ in one or two entries, so a
 * 50-member clock costs a few bytes per event instead of a kilobyte. The sender is the
 * broadcast's origin and is not repeated.
 */
export const TRACE_SUMMARY_VERSION = 1;
/** Largest summary accepted; 200 events take about 20 KiB, so this leaves ample room. */
export const MAX_SUMMARY_BYTES = 256 * 1024;
export const MAX_SUMMARY_EVENTS = 1000;
const MAX_IDS = MAX_TRACE_CLOCK_ENTRIES + 2 * MAX_SUMMARY_EVENTS;

type Row = [number, number, number, number, number, string, string, number, number, number[]] | [number, number, number, number, number, string, string, number, number, number[], string];

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes events recorded by one node, oldest first. */
export function encodeSummary(events: readonly JournalEvent[]): Uint8Array {
  const ids: string[] = [];
  const index = new Map<string, number>();
  const id = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = ids.length;
      index.set(s, i);
      ids.push(s);
    }
    return i;
  };
  let previous = new Map<string, number>();
  const rows = events.map((e): Row => {
    const delta: number[] = [];
    const current = new Map(Object.entries(e.vc));
    for (const [node, value] of current) if (previous.get(node) !== value) delta.push(id(node), value);
    for (const node of previous.keys()) if (!current.has(node)) delta.push(id(node), 0);
    previous = current;
    const row: Row = [e.n, e.t, JOURNAL_EVENT_TYPES.indexOf(e.type), id(e.peer), e.dir === 'out' ? 0 : 1, e.msgId, e.kind, e.bytes, e.lamport, delta];
    return e.detail === undefined ? row : [...row, e.detail];
  });
  return utf8Encoder.encode(JSON.stringify({ v: TRACE_SUMMARY_VERSION, ids, e: rows }));
}

const isIndex = (value: unknown, length: number): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < length;

/** Decodes a summary from `origin`. Total: any bytes give events or an error naming the first bad part. */
export function decodeSummary(bytes: Uint8Array, origin: string): Decoded<JournalEvent[]> {
  if (bytes.length > MAX_SUMMARY_BYTES) return decodeError('oversized', `${bytes.length} bytes exceed the ${MAX_SUMMARY_BYTES}-byte summary limit`);
  let doc: unknown;
  try {
    doc = JSON.parse(utf8Decoder.decode(bytes));
  } catch (err) {
    return decodeError('malformed', `not UTF-8 JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return decodeError('malformed', `a summary must be an object, got ${describeValue(doc)}`);
  const { v, ids, e } = doc as Record<string, unknown>;
  if (v !== TRACE_SUMMARY_VERSION) return decodeError('bad-version', `summary version ${describeValue(v)}, expected ${TRACE_SUMMARY_VERSION}`);
  if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every((s) => typeof s === 'string')) return decodeError('malformed', `ids must be an array of at most ${MAX_IDS} strings`);
  if (!Array.isArray(e) || e.length > MAX_SUMMARY_EVENTS) return decodeError('malformed', `e must be an array of at most ${MAX_SUMMARY_EVENTS} events`);
  const names = ids as string[];
  const clock = new Map<string, number>();
  const events: JournalEvent[] = [];
  for (let i = 0; i < e.length; i++) {
    const row: unknown = e[i];
    const bad = (problem: string): Decoded<never> => decodeError('malformed', `summary event ${i}: ${problem}`);
    if (!Array.isArray(row) || (row.length !== 10 && row.length !== 11)) return bad('must be an array of 10 or 11 fields');
    const [n, t, type, peer, dir, msgId, kind, size, lamport, delta, detail] = row as unknown[];
    if (!isIndex(type, JOURNAL_EVENT_TYPES.length)) return bad(`type ${describeValue(type)} is not an event type number`);
    if (!isIndex(peer, names.length)) return bad(`peer ${describeValue(peer)} is not an index into ids`);
    if (dir !== 0 && dir !== 1) return bad(`dir must be 0 or 1, got ${describeValue(dir)}`);
    if (!Array.isArray(delta) || delta.length % 2 !== 0 || delta.length > 2 * MAX_TRACE_CLOCK_ENTRIES) return bad('the clock change must be an array of [id index, value] pairs');
    for (let k = 0; k < delta.length; k += 2) {
      const node = delta[k] as unknown;
      const value = delta[k + 1] as unknown;
      if (!isIndex(node, names.length)) return bad(`clock entry ${describeValue(node)} is not an index into ids`);
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return bad(`clock value ${describeValue(value)} is not a non-negative integer`);
      if (value === 0) clock.delete(names[node] as string);
      else clock.set(names[node] as string, value);
    }
    const candidate = { n, t, type: JOURNAL_EVENT_TYPES[type], node: origin, peer: names[peer], dir: dir === 0 ? 'out' : 'in', msgId, kind, bytes: size, lamport, vc: Object.fromEntries(clock), ...(row.length === 11 ? { detail } : {}) };
    const checked = checkJournalEvent(candidate);
    if (!checked.ok) return decodeError(checked.field === 'kind' ? 'unknown-kind' : 'malformed', `summary event ${i}: ${checked.field} ${checked.problem}`);
    const last = events[events.length - 1];
    if (last && checked.event.n <= last.n) return bad(`n ${checked.event.n} does not follow ${last.n}`);
    events.push(checked.event);
  }
  return { ok: true, value: events };
}
