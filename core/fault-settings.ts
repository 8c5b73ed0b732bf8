/** What the fault injector does to one direction of one link. */
export interface FaultSettings {
  /** Probability (0..1) that a message is lost. */
  readonly drop: number;
  /** Fixed added latency in ms. */
  readonly delayMs: number;
  /** Extra latency drawn uniformly from [0, jitterMs], so delayed messages reorder naturally. */
  readonly jitterMs: number;
  /** Probability (0..1) that a message is delivered twice. */
  readonly duplicate: number;
  /** Probability (0..1) that a message is held back behind the next one. */
  readonly reorder: number;
  /** Link capacity in kilobits per second; messages queue behind each other. null = unlimited. */
  readonly bandwidthKbps: number | null;
  /** Partition: nothing passes. */
  readonly cut: boolean;
}

export type FaultPatch = Partial<FaultSettings>;
export type Direction = 'out' | 'in' | 'both';

export const NO_FAULTS: FaultSettings = Object.freeze({
  drop: 0,
  delayMs: 0,
  jitterMs: 0,
  duplicate: 0,
  reorder: 0,
  bandwidthKbps: null,
  cut: false,
});

const PROBABILITIES = ['drop', 'duplicate', 'reorder'] as const;
const DURATIONS = ['delayMs', 'jitterMs'] as const;
/** An hour: anything longer is a typo, and would pin messages in memory. */
const MAX_DELAY_MS = 3_600_000;

/**
 * Validates a patch from the UI, the automation API or an instructor; throws a RangeError that
 * names the field, so a bad call fails loudly instead of silently doing nothing.
 */
export function validatePatch(patch: unknown): FaultPatch {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new TypeError('fault settings must be an object');
  const out: Record<string, number | boolean | null> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if ((PROBABILITIES as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new RangeError(`${key} must be a probability from 0 to 1, got ${String(value)}`);
    } else if ((DURATIONS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !(value >= 0 && value <= MAX_DELAY_MS)) throw new RangeError(`${key} must be 0..${MAX_DELAY_MS} ms, got ${String(value)}`);
    } else if (key === 'bandwidthKbps') {
      if (value !== null && (typeof value !== 'number' || !(value > 0))) throw new RangeError(`bandwidthKbps must be a positive number or null, got ${String(value)}`);
    } else if (key === 'cut') {
      if (typeof value !== 'boolean') throw new RangeError(`cut must be true or false, got ${String(value)}`);
    } else {
      throw new RangeError(`unknown fault setting "${key}"`);
    }
    out[key] = value as number | boolean | null;
  }
  return out as FaultPatch;
}

export const applyPatch = (settings: FaultSettings, patch: FaultPatch): FaultSettings => ({ ...settings, ...patch });

export const isFaultFree = (s: FaultSettings): boolean =>
  s.drop === 0 && s.delayMs === 0 && s.jitterMs === 0 && s.duplicate === 0 && s.reorder === 0 && s.bandwidthKbps === null && !s.cut;
