import type { LinkStatus } from '../api-types.ts';
import type { FaultSettingsView, LivenessView } from '../view-source.ts';

/** Which directions of a link the fault injector has cut. */
export type CutState = 'none' | 'out' | 'in' | 'both';

export function cutState(faults: { out: FaultSettingsView; in: FaultSettingsView }): CutState {
  if (faults.out.cut && faults.in.cut) return 'both';
  if (faults.out.cut) return 'out';
  if (faults.in.cut) return 'in';
  return 'none';
}

export type Tone = 'good' | 'warn' | 'bad' | 'quiet';

/** Text and a symbol for every state, so colour is never the only thing that tells them apart. */
export interface StatusLabel {
  readonly symbol: string;
  readonly text: string;
  readonly tone: Tone;
}

const LINK_LABELS: Record<LinkStatus, StatusLabel> = {
  open: { symbol: '●', text: 'open', tone: 'good' },
  connecting: { symbol: '◌', text: 'connecting', tone: 'warn' },
  closed: { symbol: '○', text: 'closed', tone: 'bad' },
  none: { symbol: '·', text: 'no direct link', tone: 'quiet' },
};

/** A cut outranks the transport state: an open but cut link carries nothing. */
export function linkLabel(link: LinkStatus, cut: CutState): StatusLabel {
  if (cut === 'both') return { symbol: '✕', text: 'cut', tone: 'bad' };
  if (cut === 'out') return { symbol: '✕', text: 'cut outgoing', tone: 'bad' };
  if (cut === 'in') return { symbol: '✕', text: 'cut incoming', tone: 'bad' };
  return LINK_LABELS[link];
}

const LIVENESS_LABELS: Record<LivenessView, StatusLabel> = {
  alive: { symbol: '♥', text: 'alive', tone: 'good' },
  // Suspected may still come back (a slow or partitioned member); dead will not.
  suspected: { symbol: '?', text: 'suspected', tone: 'warn' },
  dead: { symbol: '†', text: 'dead', tone: 'bad' },
  unknown: { symbol: '·', text: 'not in membership', tone: 'quiet' },
};

export function livenessLabel(liveness: LivenessView): StatusLabel {
  return LIVENESS_LABELS[liveness];
}

/** Vector clock entries in a stable order (by node id), so a clock reads the same on every render. */
export function clockEntries(vector: Record<string, number>): [string, number][] {
  return Object.entries(vector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Node ids run to 64 characters; the first few are enough to tell members apart on screen. */
export function shortId(id: string): string {
  return id.length <= 8 ? id : `${id.slice(0, 6)}…`;
}
