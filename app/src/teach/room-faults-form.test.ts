import { describe, expect, it } from 'vitest';
import { BLANK_ROOM_FAULTS, parseRoomFaults } from './room-faults-form.ts';

describe('room fault form', () => {
  it('sends only the filled-in fields, percent as probabilities', () => {
    expect(parseRoomFaults({ ...BLANK_ROOM_FAULTS, drop: '12.5 %', delayMs: ' 300 ' })).toEqual({ ok: true, patch: { drop: 0.125, delayMs: 300 } });
  });

  it('lists every bad field, and wants at least one', () => {
    expect(parseRoomFaults({ ...BLANK_ROOM_FAULTS, drop: '150', jitterMs: 'lots', bandwidthKbps: '0' })).toEqual({
      ok: false,
      errors: ['Drop must be 0–100 %, got 150', 'Jitter: "lots" is not a number', 'Bandwidth must be more than 0 kbps'],
    });
    expect(parseRoomFaults(BLANK_ROOM_FAULTS)).toEqual({ ok: false, errors: ['fill in at least one setting (blank fields stay as they are)'] });
  });
});
