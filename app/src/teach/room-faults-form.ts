import type { FaultPatch } from '../../../core/fault-settings.ts';
import { parseDecimal, percentToProbability } from '../ui/percent.ts';

/**
 * The instructor's room-wide fault form. Unlike a link's own form, a blank field means "leave
 * this setting as it is": a teacher adding delay to the room must not wipe out the loss a
 * student set on a link. At least one field must be filled in.
 */
export const ROOM_FAULT_FIELDS = [
  { key: 'drop', label: 'Drop', unit: '%' },
  { key: 'delayMs', label: 'Delay', unit: 'ms' },
  { key: 'jitterMs', label: 'Jitter', unit: 'ms' },
  { key: 'duplicate', label: 'Duplicate', unit: '%' },
  { key: 'reorder', label: 'Reorder', unit: '%' },
  { key: 'bandwidthKbps', label: 'Bandwidth', unit: 'kbps' },
] as const;

export type RoomFaultField = (typeof ROOM_FAULT_FIELDS)[number]['key'];
export type RoomFaultValues = Readonly<Record<RoomFaultField, string>>;

export const BLANK_ROOM_FAULTS: RoomFaultValues = { drop: '', delayMs: '', jitterMs: '', duplicate: '', reorder: '', bandwidthKbps: '' };

export type ParsedRoomFaults = { readonly ok: true; readonly patch: FaultPatch } | { readonly ok: false; readonly errors: readonly string[] };

const MAX_MS = 3_600_000;

function field(key: RoomFaultField, label: string, text: string): number {
  if (key === 'drop' || key === 'duplicate' || key === 'reorder') return percentToProbability(label, text);
  const n = parseDecimal(label, text);
  if (key === 'bandwidthKbps' && !(n > 0)) throw new RangeError(`${label} must be more than 0 kbps`);
  if (!(n >= 0 && n <= MAX_MS)) throw new RangeError(`${label} must be 0 to ${MAX_MS} ms, got ${n}`);
  return n;
}

export function parseRoomFaults(values: RoomFaultValues): ParsedRoomFaults {
  const patch: Record<string, number> = {};
  const errors: string[] = [];
  for (const { key, label } of ROOM_FAULT_FIELDS) {
    const text = values[key];
    if (text.trim() === '') continue;
    try {
      patch[key] = field(key, label, text);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  if (Object.keys(patch).length === 0) return { ok: false, errors: ['fill in at least one setting (blank fields stay as they are)'] };
  return { ok: true, patch };
}
