import * as Y from 'yjs';

/**
 * Checked edits of the shared Y.Text. Yjs itself throws late or not at all on a bad index, and
 * silently loses data a peer cannot decode: text travels as UTF-8, where an unpaired surrogate
 * (including half of a pair split by an index) arrives as U+FFFD, so replicas would differ.
 */

/** Largest single insert: its update must fit a message (4 MiB) with room to spare. */
export const MAX_INSERT_BYTES = 1024 * 1024;

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** True when `index` falls between the two halves of a surrogate pair. */
function splitsPair(s: string, index: number): boolean {
  return index > 0 && index < s.length && isHigh(s.charCodeAt(index - 1)) && isLow(s.charCodeAt(index));
}

function checkIndex(what: string, index: unknown, max: number): asserts index is number {
  if (typeof index !== 'number' || !Number.isInteger(index)) throw new TypeError(`${what} must be an integer, got ${String(index)}`);
  if (index < 0 || index > max) throw new RangeError(`${what} ${index} is outside 0..${max}`);
}

export function insertText(text: Y.Text, index: number, s: string): void {
  if (typeof s !== 'string') throw new TypeError('text to insert must be a string');
  const current = text.toString();
  checkIndex('index', index, current.length);
  if (splitsPair(current, index)) throw new RangeError(`index ${index} falls inside a surrogate pair`);
  if (/\p{Cs}/u.test(s)) throw new RangeError('text to insert contains an unpaired surrogate');
  const bytes = new TextEncoder().encode(s).length;
  if (bytes > MAX_INSERT_BYTES) throw new RangeError(`insert of ${bytes} UTF-8 bytes exceeds ${MAX_INSERT_BYTES}`);
  if (s.length > 0) text.insert(index, s);
}

export function deleteText(text: Y.Text, index: number, length: number): void {
  const current = text.toString();
  checkIndex('index', index, current.length);
  checkIndex('length', length, current.length - index);
  if (splitsPair(current, index) || splitsPair(current, index + length)) {
    throw new RangeError(`deleting ${length} at ${index} would split a surrogate pair`);
  }
  if (length > 0) text.delete(index, length);
}
