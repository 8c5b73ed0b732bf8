import { DEFAULT_PARAMS } from '../runtime/params.ts';
import { ROOM_PATTERN } from '../../../signaling/protocol.ts';

/**
 * The instructor view's URL: /teach?room=NAME, optionally &key=KEY. The room defaults to the
 * students' default room; a bad one stops the page with an error naming it.
 */
export interface TeachParams {
  readonly room: string;
  /** From ?key=, or null to ask for it. */
  readonly key: string | null;
}

export function parseTeachParams(search: string): TeachParams {
  const q = new URLSearchParams(search);
  const room = q.get('room') ?? DEFAULT_PARAMS.room;
  if (!ROOM_PATTERN.test(room)) throw new RangeError(`?room must be 1-64 characters from A-Z a-z 0-9 _ . -, got ${JSON.stringify(room)}`);
  const key = q.get('key');
  return { room, key: key === null || key === '' ? null : key };
}

/** The same query without the key, so the address bar on a projected screen does not show it. */
export function withoutKey(search: string): string {
  const q = new URLSearchParams(search);
  q.delete('key');
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
