/** One contiguous replacement: delete `deleteCount` code units at `index`, then insert `insert` there. */
export interface TextEdit {
  readonly index: number;
  readonly deleteCount: number;
  readonly insert: string;
}

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let n = 0;
  while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

function commonSuffix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let n = 0;
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

/**
 * The smallest single replacement turning `before` into `after`. Typing "a" into "aa" is
 * ambiguous (any of three positions fits), so `caret` — where the caret sits in `after` once
 * the user's edit is done — picks the edit that ends at the caret, which is the one the user
 * made; other peers then see their own concurrent edits land in the right place. An edit never
 * splits a surrogate pair, since half an emoji is not a valid string to send.
 */
export function textDiff(before: string, after: string, caret?: number): TextEdit {
  const minLength = Math.min(before.length, after.length);
  const prefix = commonPrefix(before, after);
  const suffix = commonSuffix(before, after);
  const best = Math.min(prefix + suffix, minLength);

  let keepEnd = Math.min(suffix, minLength - prefix);
  if (caret !== undefined) {
    const atCaret = Math.min(suffix, Math.max(0, after.length - caret));
    if (Math.min(prefix, minLength - atCaret) + atCaret === best) keepEnd = atCaret;
  }
  let keepStart = Math.min(prefix, minLength - keepEnd);

  if (keepStart > 0 && isHigh(before.charCodeAt(keepStart - 1)) && keepStart < before.length && isLow(before.charCodeAt(keepStart))) {
    keepStart--;
  }
  if (keepEnd > 0 && isLow(before.charCodeAt(before.length - keepEnd)) && isHigh(before.charCodeAt(before.length - keepEnd - 1))) {
    keepEnd--;
  }
  return {
    index: keepStart,
    deleteCount: before.length - keepStart - keepEnd,
    insert: after.slice(keepStart, after.length - keepEnd),
  };
}

export function applyEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.index) + edit.insert + text.slice(edit.index + edit.deleteCount);
}

/**
 * Where a caret at `position` belongs after someone else's edit: text inserted before it
 * pushes it along, text inserted exactly at it does not (the other person typed there, not
 * us), and a caret inside a deleted stretch lands where the stretch was.
 */
export function mapCaret(position: number, edit: TextEdit): number {
  if (position <= edit.index) return position;
  if (position >= edit.index + edit.deleteCount) return position - edit.deleteCount + edit.insert.length;
  return edit.index + edit.insert.length;
}
