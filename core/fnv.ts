/**
 * FNV-1a, 32 bits: a fast, well-scattering hash for short keys (ids, small tables). Not for
 * anything an adversary chooses to collide: every use here only spreads or compares honest data.
 */
export const FNV_OFFSET = 0x811c9dc5;

/** Folds one value (a character code, a count) into `hash`. */
export function fnvMix(hash: number, value: number): number {
  return Math.imul(hash ^ value, 0x01000193) >>> 0;
}

/** Folds every UTF-16 code unit of `s` into `hash`. */
export function fnvString(s: string, hash = FNV_OFFSET): number {
  for (let i = 0; i < s.length; i++) hash = fnvMix(hash, s.charCodeAt(i));
  return hash;
}
