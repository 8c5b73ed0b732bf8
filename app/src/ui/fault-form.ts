import type { FaultPatchInput } from '../api-types.ts';
import type { FaultSettingsView } from '../view-source.ts';
import { parseDecimal, percentToProbability, probabilityToPercent } from './percent.ts';

export type FaultField = 'drop' | 'delayMs' | 'jitterMs' | 'duplicate' | 'reorder' | 'bandwidthKbps';
export type FaultFieldValues = Record<FaultField, string>;
export type FaultFieldErrors = Partial<Record<FaultField, string>>;

export interface FaultFieldSpec {
  readonly key: FaultField;
  readonly label: string;
  readonly unit: string;
  readonly hint: string;
}

export const FAULT_FIELDS: readonly FaultFieldSpec[] = [
  { key: 'drop', label: 'Drop', unit: '%', hint: 'chance a message is lost, 0–100' },
  { key: 'delayMs', label: 'Delay', unit: 'ms', hint: 'fixed extra latency' },
  { key: 'jitterMs', label: 'Jitter', unit: 'ms', hint: 'random extra latency up to this' },
  { key: 'duplicate', label: 'Duplicate', unit: '%', hint: 'chance a message arrives twice, 0–100' },
  { key: 'reorder', label: 'Reorder', unit: '%', hint: 'chance a message is held behind the next, 0–100' },
  { key: 'bandwidthKbps', label: 'Bandwidth', unit: 'kbps', hint: 'link capacity; blank for unlimited' },
];

const PERCENT_FIELDS = new Set<FaultField>(['drop', 'duplicate', 'reorder']);

export function fieldsFromSettings(s: FaultSettingsView): FaultFieldValues {
  return {
    drop: probabilityToPercent(s.drop),
    delayMs: String(s.delayMs),
    jitterMs: String(s.jitterMs),
    duplicate: probabilityToPercent(s.duplicate),
    reorder: probabilityToPercent(s.reorder),
    bandwidthKbps: s.bandwidthKbps === null ? '' : String(s.bandwidthKbps),
  };
}

function parseField(field: FaultField, text: string): number | null {
  const { label } = FAULT_FIELDS.find((f) => f.key === field) as FaultFieldSpec;
  if (field === 'bandwidthKbps') {
    if (text.trim() === '') return null;
    const kbps = parseDecimal(label, text);
    if (kbps <= 0) throw new RangeError(`${label} must be more than 0 kbps (leave it blank for unlimited)`);
    return kbps;
  }
  // Blank reads as "none of this fault", the same as the 0 the field shows when healed.
  if (text.trim() === '') return 0;
  if (PERCENT_FIELDS.has(field)) return percentToProbability(label, text);
  const ms = parseDecimal(label, text);
  if (ms < 0) throw new RangeError(`${label} must be 0 ms or more, got ${ms}`);
  return ms;
}

export type ParsedFaultForm = { readonly ok: true; readonly patch: FaultPatchInput } | { readonly ok: false; readonly errors: FaultFieldErrors };

/** Every field is checked, so the panel can point at all bad fields at once, not the first. */
export function parseFaultForm(values: FaultFieldValues): ParsedFaultForm {
  const patch: Record<string, number | null> = {};
  const errors: FaultFieldErrors = {};
  for (const { key } of FAULT_FIELDS) {
    try {
      patch[key] = parseField(key, values[key]);
    } catch (e) {
      errors[key] = e instanceof Error ? e.message : String(e);
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, patch: patch as FaultPatchInput };
}

/** One line a person can read: "no faults", "cut", or "drop 10 % · delay 50±20 ms · 64 kbps". */
export function describeFaults(s: FaultSettingsView): string {
  const parts: string[] = [];
  if (s.cut) parts.push('cut');
  if (s.drop > 0) parts.push(`drop ${probabilityToPercent(s.drop)} %`);
  if (s.delayMs > 0 || s.jitterMs > 0) parts.push(`delay ${s.delayMs}${s.jitterMs > 0 ? `±${s.jitterMs}` : ''} ms`);
  if (s.duplicate > 0) parts.push(`duplicate ${probabilityToPercent(s.duplicate)} %`);
  if (s.reorder > 0) parts.push(`reorder ${probabilityToPercent(s.reorder)} %`);
  if (s.bandwidthKbps !== null) parts.push(`${s.bandwidthKbps} kbps`);
  return parts.length === 0 ? 'no faults' : parts.join(' · ');
}
