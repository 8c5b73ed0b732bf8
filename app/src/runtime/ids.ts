/**
 * Per-page-load identity. Node ids come from crypto.getRandomValues: crypto.randomUUID needs a
 * secure context (a classroom serves plain http on a LAN address), and an id kept in
 * sessionStorage would be copied into every tab opened with window.open, giving two tabs one id.
 */

/** 32 letters and digits without look-alikes (0/o, 1/l), all in the signaling server's id alphabet. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
/** 12 symbols of 5 bits: 60 bits, so ids never collide in a classroom-sized room. */
const ID_LENGTH = 12;

export function randomNodeId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_LENGTH));
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/** A seed for this page's Rng (fault decisions, gossip targets, mesh choices). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

/** A short random token naming one WebRTC connection attempt between two nodes. */
export function randomConnectionId(): string {
  return randomNodeId().slice(0, 8);
}
