import { DEFAULT_MEMBERSHIP } from '../../../core/membership.ts';
import { DEFAULT_NODE } from '../../../core/node.ts';
import { ROOM_PATTERN } from '../../../signaling/protocol.ts';

/**
 * The page's URL parameters, checked once at start-up. A bad value stops the page with an error
 * naming the parameter: a tab quietly running with a different room or timeout than asked for
 * would be a confusing lab partner.
 *
 *   ?room=NAME          room to join (default "main"; 1-64 of A-Z a-z 0-9 _ . -)
 *   ?name=TEXT          display name (default: a generated friendly name)
 *   ?degree=N           target number of direct links, 1..64 (default 8)
 *   ?heartbeatMs=N      failure-detector heartbeat interval (default 500)
 *   ?suspectMs=N        silence before a member is suspected (default 2500)
 *   ?deadMs=N           silence before a member is dead (default 6000)
 *   ?ui=full|none       the page's views, or none: a node driven through window.tabmesh only
 */
export interface BrowserNodeParams {
  readonly room: string;
  /** null: generate one. */
  readonly name: string | null;
  readonly degree: number;
  readonly heartbeatMs: number;
  readonly suspectMs: number;
  readonly deadMs: number;
  /**
   * 'none': the node runs and window.tabmesh drives it, but the views never mount. Painting live
   * clocks and counters is a sixth to a third of an idle tab's CPU (bench:idle), and a test that
   * opens many nodes on a small machine reads them through the API anyway.
   */
  readonly ui: UiMode;
}

export type UiMode = 'full' | 'none';
const UI_MODES: readonly UiMode[] = ['full', 'none'];

export const DEFAULT_PARAMS: BrowserNodeParams = {
  room: 'main',
  name: null,
  degree: 8,
  heartbeatMs: DEFAULT_NODE.heartbeatMs,
  suspectMs: DEFAULT_MEMBERSHIP.suspectAfterMs,
  deadMs: DEFAULT_MEMBERSHIP.deadAfterMs,
  ui: 'full',
};

/** What the signaling server accepts as a name: 1-64 characters, none of them control or format, not blank. */
const NAME_PATTERN = /^(?=.*\S)[^\p{C}]{1,64}$/u;
const MAX_DEGREE = 64;
const MIN_HEARTBEAT_MS = 20;
const MAX_TIMEOUT_MS = 600_000;

export function parseParams(search: string): BrowserNodeParams {
  const q = new URLSearchParams(search);
  const room = q.get('room') ?? DEFAULT_PARAMS.room;
  if (!ROOM_PATTERN.test(room)) throw new RangeError(`?room must be 1-64 characters from A-Z a-z 0-9 _ . -, got ${JSON.stringify(room)}`);
  const name = q.get('name');
  if (name !== null && !NAME_PATTERN.test(name)) throw new RangeError(`?name must be 1-64 printable characters, got ${JSON.stringify(name)}`);
  const degree = integer(q, 'degree', DEFAULT_PARAMS.degree, 1, MAX_DEGREE);
  const heartbeatMs = integer(q, 'heartbeatMs', DEFAULT_PARAMS.heartbeatMs, MIN_HEARTBEAT_MS, MAX_TIMEOUT_MS);
  const suspectMs = integer(q, 'suspectMs', DEFAULT_PARAMS.suspectMs, MIN_HEARTBEAT_MS, MAX_TIMEOUT_MS);
  const deadMs = integer(q, 'deadMs', DEFAULT_PARAMS.deadMs, MIN_HEARTBEAT_MS, MAX_TIMEOUT_MS);
  // A member must miss at least one beat before it is suspected, and be suspected before it is dead.
  if (!(suspectMs > heartbeatMs)) throw new RangeError(`?suspectMs (${suspectMs}) must exceed ?heartbeatMs (${heartbeatMs})`);
  if (!(deadMs > suspectMs)) throw new RangeError(`?deadMs (${deadMs}) must exceed ?suspectMs (${suspectMs})`);
  const ui = q.get('ui') ?? DEFAULT_PARAMS.ui;
  if (!isUiMode(ui)) throw new RangeError(`?ui must be one of ${UI_MODES.join(', ')}, got ${JSON.stringify(ui)}`);
  return { room, name, degree, heartbeatMs, suspectMs, deadMs, ui };
}

function isUiMode(s: string): s is UiMode {
  return (UI_MODES as readonly string[]).includes(s);
}

function integer(q: URLSearchParams, key: string, fallback: number, min: number, max: number): number {
  const raw = q.get(key);
  if (raw === null) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new RangeError(`?${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** The query string of a new node in the same room and settings, without this tab's name. */
export function siblingSearch(search: string): string {
  const q = new URLSearchParams(search);
  q.delete('name');
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
