/**
 * Positions for the topology graph that do not move when members come and go: this node sits
 * at the centre, and every other node gets the first free slot on concentric rings when it is
 * first seen, and keeps it for as long as it is listed. Ring r holds 8·2^(r-1) slots, filled in
 * bit-reversed order, so the first few members spread around the ring instead of bunching up.
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

const FIRST_RING = 8;
/** Bounded: 8 + 16 + 32 + 64 + 128 slots, far more than a room holds. */
const MAX_RINGS = 5;

function bitReverse(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
  return r;
}

/** Slot `n` (from 0) as a point, rings one unit apart; beyond the last ring slots stack on it. */
export function slotPoint(n: number): Point {
  let ring = 1;
  let size = FIRST_RING;
  let index = n;
  while (index >= size && ring < MAX_RINGS) {
    index -= size;
    ring += 1;
    size *= 2;
  }
  const bits = Math.log2(size);
  const turn = (bitReverse(index % size, bits) + (ring % 2 === 0 ? 0.5 : 0)) / size;
  const angle = 2 * Math.PI * turn - Math.PI / 2;
  return { x: ring * Math.cos(angle), y: ring * Math.sin(angle) };
}

/** The ring a slot lies on (1 = innermost). */
export function slotRing(n: number): number {
  let ring = 1;
  let size = FIRST_RING;
  for (let index = n; index >= size && ring < MAX_RINGS; ring++) {
    index -= size;
    size *= 2;
  }
  return ring;
}

export class SlotLayout {
  readonly #slots = new Map<string, number>();

  /** Positions of `self` (the centre) and `others`; slots of ids no longer listed are freed. */
  place(self: string, others: readonly string[]): Map<string, Point> {
    const listed = new Set(others);
    listed.delete(self);
    for (const id of [...this.#slots.keys()]) if (!listed.has(id)) this.#slots.delete(id);
    const taken = new Set(this.#slots.values());
    let next = 0;
    for (const id of listed) {
      if (this.#slots.has(id)) continue;
      while (taken.has(next)) next += 1;
      this.#slots.set(id, next);
      taken.add(next);
    }
    const out = new Map<string, Point>([[self, { x: 0, y: 0 }]]);
    for (const id of listed) out.set(id, slotPoint(this.#slots.get(id) as number));
    return out;
  }

  /** The outermost ring in use, 0 when only this node is placed. */
  get rings(): number {
    let max = 0;
    for (const slot of this.#slots.values()) max = Math.max(max, slotRing(slot));
    return max;
  }
}
