/**
 * The signaling socket, opened by an inline script in index.html while the app's module is still
 * being fetched, compiled and run. On two busy cores that takes the page 1–2 s after its HTML is
 * parsed, and a socket opened only then spends more time opening (bench:mesh); opened early, it
 * is usually open by the time the app wants to join. The server sends nothing before a join, so
 * nothing can arrive before the app takes the socket over.
 *
 * index.html stores the socket under this name; the app takes it once, for its first
 * connection, and every reconnect opens a socket of its own.
 */
export const EARLY_SOCKET_KEY = '__tabmeshEarlySocket';

const CONNECTING = 0;
const OPEN = 1;

/**
 * Takes the early socket from `holder` (the page's window) if it is for `url` and not already
 * closing; anything else found there is closed and forgotten, and the caller opens its own.
 */
export function takeEarlySocket(holder: Record<string, unknown>, url: string): WebSocket | null {
  const found = remove(holder);
  if (!found) return null;
  if (found.url === url && (found.readyState === CONNECTING || found.readyState === OPEN)) return found;
  found.close();
  return null;
}

/** Closes the early socket, if any: the app could not start and will not join. */
export function closeEarlySocket(holder: Record<string, unknown>): void {
  remove(holder)?.close();
}

/** Takes whatever is stored under the name off `holder`, and returns it if it is a socket. */
function remove(holder: Record<string, unknown>): WebSocket | null {
  const found = holder[EARLY_SOCKET_KEY];
  delete holder[EARLY_SOCKET_KEY];
  if (typeof found !== 'object' || found === null) return null;
  const s = found as Partial<Record<'url' | 'readyState' | 'send' | 'close', unknown>>;
  const socket = typeof s.url === 'string' && typeof s.readyState === 'number' && typeof s.send === 'function' && typeof s.close === 'function';
  return socket ? (found as WebSocket) : null;
}
