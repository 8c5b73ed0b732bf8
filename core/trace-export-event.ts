import { isMessageKind } from './envelope.ts';
import type { JournalEvent, JournalEventType } from './journal.ts';
import { isVectorClock } from './vector-clock.ts';

/**
 * Validation of one journal event that came from outside this node: an imported file or a
 * peer's trace summary. Both paths share it, so a trace that imports also shares, and back.
 */
export const JOURNAL_EVENT_TYPES: readonly JournalEventType[] = ['send', 'deliver', 'drop', 'duplicate', 'delay'];
export const MAX_TRACE_ID_CHARS = 256;
export const MAX_TRACE_CLOCK_ENTRIES = 4096;

const FIELDS = new Set(['n', 't', 'type', 'node', 'peer', 'dir', 'msgId', 'kind', 'bytes', 'lamport', 'vc', 'detail']);

export type EventCheck =
  | { readonly ok: true; readonly event: JournalEvent }
  | { readonly ok: false; readonly field: string; readonly problem: string };

const fail = (field: string, problem: string): EventCheck => ({ ok: false, field, problem });

/** A short rendering of a bad value for an error message; never the whole of a huge input. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_TRACE_ID_CHARS;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Checks every field; on success returns a fresh event holding only the known fields. */
export function checkJournalEvent(value: unknown): EventCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('event', `must be an object, got ${describeValue(value)}`);
  for (const key of Object.keys(value)) if (!FIELDS.has(key)) return fail(key.slice(0, 40), 'is not a journal event field');
  const e = value as Record<string, unknown>;
  if (!isCount(e.n) || e.n < 1) return fail('n', `must be a positive integer, got ${describeValue(e.n)}`);
  if (typeof e.t !== 'number' || !Number.isFinite(e.t) || e.t < 0) return fail('t', `must be a time in ms (a finite number >= 0), got ${describeValue(e.t)}`);
  const type = e.type;
  if (!JOURNAL_EVENT_TYPES.includes(type as JournalEventType)) return fail('type', `must be one of ${JOURNAL_EVENT_TYPES.join(', ')}, got ${describeValue(type)}`);
  for (const field of ['node', 'peer', 'msgId'] as const) {
    if (!isId(e[field])) return fail(field, `must be a string of 1..${MAX_TRACE_ID_CHARS} characters, got ${describeValue(e[field])}`);
  }
  if (e.dir !== 'out' && e.dir !== 'in') return fail('dir', `must be "out" or "in", got ${describeValue(e.dir)}`);
  if (!isMessageKind(e.kind)) return fail('kind', `must be a message kind, got ${describeValue(e.kind)}`);
  if (!isCount(e.bytes)) return fail('bytes', `must be a non-negative integer, got ${describeValue(e.bytes)}`);
  if (!isCount(e.lamport)) return fail('lamport', `must be a non-negative integer, got ${describeValue(e.lamport)}`);
  if (!isVectorClock(e.vc)) return fail('vc', `must be an object of non-negative integers, got ${describeValue(e.vc)}`);
  const entries = Object.entries(e.vc);
  if (entries.length > MAX_TRACE_CLOCK_ENTRIES) return fail('vc', `has ${entries.length} entries, more than ${MAX_TRACE_CLOCK_ENTRIES}`);
  const badKey = entries.find(([node]) => !isId(node));
  if (badKey) return fail('vc', `has an entry for ${describeValue(badKey[0])}, not a node id of 1..${MAX_TRACE_ID_CHARS} characters`);
  if (e.detail !== undefined && (typeof e.detail !== 'string' || e.detail.length > MAX_TRACE_ID_CHARS)) {
    return fail('detail', `must be a string of at most ${MAX_TRACE_ID_CHARS} characters, got ${describeValue(e.detail)}`);
  }
  const event: JournalEvent = {
    n: e.n,
    t: e.t,
    type: type as JournalEventType,
    node: e.node as string,
    peer: e.peer as string,
    dir: e.dir,
    msgId: e.msgId as string,
    kind: e.kind,
    bytes: e.bytes,
    lamport: e.lamport,
    // fromEntries defines each key, so an entry named "__proto__" survives (assignment would drop it).
    vc: Object.fromEntries(entries),
    ...(e.detail === undefined ? {} : { detail: e.detail }),
  };
  return { ok: true, event };
}
