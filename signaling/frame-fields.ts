/**
 * Field checks shared by the frame parsers (protocol.ts, control-frames.ts). Browser-safe: the
 * app imports the patterns to validate what a user types before it ever reaches a socket.
 */

export const ROOM_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const NODE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type Fields = Record<string, unknown>;

/** Fields that are well formed but bigger than their cap: refused as `too-large`, not `bad-frame`. */
export interface TooLarge {
  readonly tooLarge: string;
}

/** A parsed frame, the reason it is malformed, or the reason it is too large. */
export type Parsed<F> = F | string | TooLarge;

export function matches(value: unknown, pattern: RegExp): value is string {
  return typeof value === 'string' && pattern.test(value);
}

/** Frames are closed records: an unexpected field is a client bug worth reporting, not ignoring. */
export function onlyKeys(o: Fields, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(o).find((key) => key !== 'type' && !allowed.includes(key));
  return extra === undefined ? undefined : `unexpected field ${show(extra)}`;
}

/** A short rendering of a client's value for an error reason; never serialises a whole tree. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

const utf8 = new TextEncoder();

/** Bytes of a value as it will be relayed (JSON text, UTF-8); TextEncoder, as Buffer is Node-only. */
export function jsonBytes(value: unknown): number {
  return utf8.encode(JSON.stringify(value)).length;
}
