/**
 * What the mesh manager relays through signaling, inside a `signal` frame's data. Every WebRTC
 * signal is tagged with the id of the connection attempt it belongs to, so an answer or ICE
 * candidate left over from an abandoned attempt can never reach (and break) a newer one. The
 * answering side of a pair cannot offer (see isInitiator), so it sends a request instead.
 */
export type LinkSignal =
  /** "Please offer me a connection": from the larger id to the smaller one. */
  | { readonly t: 'request' }
  /** A WebRTC signal (offer, answer, candidate; peer-link.ts) of connection attempt `conn`. */
  | { readonly t: 'signal'; readonly conn: string; readonly signal: unknown }
  /**
   * "I am full": the answer to a request (no conn) or to the offer of attempt `conn`. Without it
   * the asking side holds a connecting link until its connect timeout (10 s) before it tries
   * another member, which is most of what a large room's formation time used to be.
   */
  | { readonly t: 'refuse'; readonly conn: string | null };

const CONN_PATTERN = /^[a-z0-9]{1,16}$/;

/** The relayed data, or null when it is not a link signal (the peer link checks `signal` itself). */
export function parseLinkSignal(data: unknown): LinkSignal | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { t, conn, signal } = data as Record<string, unknown>;
  if (t === 'request') return { t };
  if (t === 'refuse' && (conn === null || (typeof conn === 'string' && CONN_PATTERN.test(conn)))) return { t, conn };
  if (t === 'signal' && typeof conn === 'string' && CONN_PATTERN.test(conn) && signal !== undefined) return { t, conn, signal };
  return null;
}

export const isOffer = (signal: unknown): boolean =>
  typeof signal === 'object' && signal !== null && (signal as { type?: unknown }).type === 'offer';
