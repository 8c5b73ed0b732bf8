import { decodeError, type CodecErrorCode, type Decoded } from './codec.ts';
import type { JournalEvent } from './journal.ts';
import { checkJournalEvent, describeValue } from './trace-export-event.ts';

export { checkShiViz } from './trace-export-shiviz-check.ts';
export { SHIVIZ_REGEX, toShiViz, type ShiVizExport } from './trace-export-shiviz.ts';

/**
 * A journal as a file: a versioned JSON document that tabmesh reads back (to replay a trace in
 * the space-time view, or to attach to a bug report). One event per line, so the file diffs
 * and greps well.
 */
export const JOURNAL_FORMAT = 'tabmesh-journal';
export const JOURNAL_FORMAT_VERSION = 1;
/** Ten times a tab's journal; a larger file is a mistake, and would stall the page parsing it. */
export const MAX_EXPORT_EVENTS = 200_000;
/** About 640 characters per event at the limit: far above real events, far below a tab's memory. */
export const MAX_EXPORT_CHARS = 128 * 1024 * 1024;
const MAX_META_CHARS = 256;

export interface ExportMeta {
  /** The node that exported its journal. */
  readonly node: string;
  readonly room: string;
  /** When, as the exporter's clock tells it (an ISO date from the UI); shown, never interpreted. */
  readonly exportedAt: string;
}

export interface JournalExport {
  readonly meta: ExportMeta;
  readonly events: JournalEvent[];
}

const META_FIELDS = ['node', 'room', 'exportedAt'] as const;
const TOP_FIELDS = new Set(['format', 'version', 'meta', 'events']);

/** Only the known fields of an event, in a fixed order, so the file never carries stray properties. */
const eventJson = (e: JournalEvent): string =>
  JSON.stringify({ n: e.n, t: e.t, type: e.type, node: e.node, peer: e.peer, dir: e.dir, msgId: e.msgId, kind: e.kind, bytes: e.bytes, lamport: e.lamport, vc: e.vc, ...(e.detail === undefined ? {} : { detail: e.detail }) });

/**
 * The export file. Throws RangeError for what parseJsonExport would refuse (too many events, a
 * meta string too long), so an export never produces a file tabmesh cannot read back.
 */
export function toJsonExport(events: readonly JournalEvent[], meta: ExportMeta): string {
  if (events.length > MAX_EXPORT_EVENTS) throw new RangeError(`${events.length} events exceed the ${MAX_EXPORT_EVENTS}-event export limit`);
  for (const field of META_FIELDS) {
    const value = meta[field];
    if (typeof value !== 'string' || value.length > MAX_META_CHARS) throw new RangeError(`meta.${field} must be a string of at most ${MAX_META_CHARS} characters`);
  }
  const head = JSON.stringify({ format: JOURNAL_FORMAT, version: JOURNAL_FORMAT_VERSION, meta: { node: meta.node, room: meta.room, exportedAt: meta.exportedAt } });
  const body = events.map(eventJson).join(',\n');
  return `${head.slice(0, -1)},"events":[${events.length > 0 ? `\n${body}\n` : ''}]}\n`;
}

const bad = (code: CodecErrorCode, message: string): Decoded<never> => decodeError(code, message);

/** Reads an export file. Total: any text gives the journal or an error naming the first bad field. */
export function parseJsonExport(text: string): Decoded<JournalExport> {
  if (typeof text !== 'string') return bad('malformed', 'the export must be text');
  if (text.length > MAX_EXPORT_CHARS) return bad('oversized', `${text.length} characters exceed the ${MAX_EXPORT_CHARS}-character limit`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return bad('malformed', `not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad('malformed', `the export must be a JSON object, got ${describeValue(doc)}`);
  const top = doc as Record<string, unknown>;
  if (top.format !== JOURNAL_FORMAT) return bad('malformed', `format must be "${JOURNAL_FORMAT}", got ${describeValue(top.format)}`);
  if (top.version !== JOURNAL_FORMAT_VERSION) return bad('bad-version', `version ${describeValue(top.version)} is not supported (this tabmesh reads version ${JOURNAL_FORMAT_VERSION})`);
  const extra = Object.keys(top).find((key) => !TOP_FIELDS.has(key));
  if (extra !== undefined) return bad('malformed', `unknown field ${describeValue(extra)}`);
  const meta = parseMeta(top.meta);
  if (typeof meta === 'string') return bad('malformed', meta);
  if (!Array.isArray(top.events)) return bad('malformed', `events must be an array, got ${describeValue(top.events)}`);
  if (top.events.length > MAX_EXPORT_EVENTS) return bad('oversized', `${top.events.length} events exceed the ${MAX_EXPORT_EVENTS}-event limit`);
  const events: JournalEvent[] = [];
  for (let i = 0; i < top.events.length; i++) {
    const checked = checkJournalEvent(top.events[i]);
    if (!checked.ok) return bad(checked.field === 'kind' ? 'unknown-kind' : 'malformed', `event ${i}: ${checked.field} ${checked.problem}`);
    events.push(checked.event);
  }
  return { ok: true, value: { meta, events } };
}

function parseMeta(value: unknown): ExportMeta | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `meta must be an object, got ${describeValue(value)}`;
  const m = value as Record<string, unknown>;
  const extra = Object.keys(m).find((key) => !(META_FIELDS as readonly string[]).includes(key));
  if (extra !== undefined) return `meta has an unknown field ${describeValue(extra)}`;
  for (const field of META_FIELDS) {
    const v = m[field];
    if (typeof v !== 'string' || v.length > MAX_META_CHARS) return `meta.${field} must be a string of at most ${MAX_META_CHARS} characters, got ${describeValue(v)}`;
  }
  return { node: m.node as string, room: m.room as string, exportedAt: m.exportedAt as string };
}
