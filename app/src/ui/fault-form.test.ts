import { describe, expect, it } from 'vitest';
import type { FaultSettingsView } from '../view-source.ts';
import { describeFaults, fieldsFromSettings, parseFaultForm } from './fault-form.ts';

const healthy: FaultSettingsView = { drop: 0, delayMs: 0, jitterMs: 0, duplicate: 0, reorder: 0, bandwidthKbps: null, cut: false };

describe('parseFaultForm', () => {
  it('turns percent into probabilities and blank bandwidth into unlimited', () => {
    const parsed = parseFaultForm({ drop: '25', delayMs: '100', jitterMs: '20', duplicate: '5', reorder: '', bandwidthKbps: '' });
    expect(parsed).toEqual({
      ok: true,
      patch: { drop: 0.25, delayMs: 100, jitterMs: 20, duplicate: 0.05, reorder: 0, bandwidthKbps: null },
    });
  });

  it('reports every bad field, each with its own message', () => {
    const parsed = parseFaultForm({ drop: '120', delayMs: '-5', jitterMs: 'soon', duplicate: '0', reorder: '0', bandwidthKbps: '0' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      drop: 'Drop must be 0–100 %, got 120',
      delayMs: 'Delay must be 0 ms or more, got -5',
      jitterMs: 'Jitter: "soon" is not a number',
      bandwidthKbps: 'Bandwidth must be more than 0 kbps (leave it blank for unlimited)',
    });
  });

  it('round-trips settings shown in the form', () => {
    const settings: FaultSettingsView = { drop: 0.1, delayMs: 50, jitterMs: 5, duplicate: 0.333, reorder: 0.02, bandwidthKbps: 64, cut: true };
    const parsed = parseFaultForm(fieldsFromSettings(settings));
    expect(parsed).toEqual({ ok: true, patch: { drop: 0.1, delayMs: 50, jitterMs: 5, duplicate: 0.333, reorder: 0.02, bandwidthKbps: 64 } });
  });
});

describe('describeFaults', () => {
  it('says "no faults" for a healthy link and lists the rest in order', () => {
    expect(describeFaults(healthy)).toBe('no faults');
    expect(describeFaults({ ...healthy, cut: true })).toBe('cut');
    expect(describeFaults({ ...healthy, drop: 0.1, delayMs: 50, jitterMs: 20, bandwidthKbps: 64 })).toBe('drop 10 % · delay 50±20 ms · 64 kbps');
    expect(describeFaults({ ...healthy, jitterMs: 30, duplicate: 0.5, reorder: 0.25 })).toBe('delay 0±30 ms · duplicate 50 % · reorder 25 %');
  });
});
