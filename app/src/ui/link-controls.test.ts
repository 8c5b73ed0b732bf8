import { describe, expect, it } from 'vitest';
import type { FaultDirection, FaultPatchInput, TabmeshApi } from '../api-types.ts';
import type { FaultSettingsView, NodeViewSource } from '../view-source.ts';
import { LinkControls } from './link-controls.svelte.ts';
import { NodeView } from './node-view.svelte.ts';

const HEALTHY: FaultSettingsView = { drop: 0, delayMs: 0, jitterMs: 0, duplicate: 0, reorder: 0, bandwidthKbps: null, cut: false };

/** A source holding one link's settings, with setFaults validating like the real API. */
function fakeSource() {
  const settings = { out: { ...HEALTHY }, in: { ...HEALTHY } };
  const calls: [FaultPatchInput, FaultDirection | undefined][] = [];
  const api = {
    setFaults(_peer: string, patch: FaultPatchInput, direction?: FaultDirection) {
      if (patch.delayMs !== undefined && patch.delayMs > 3_600_000) throw new RangeError(`delayMs must be 0..3600000 ms, got ${patch.delayMs}`);
      calls.push([patch, direction]);
      for (const side of direction === 'both' || direction === undefined ? (['out', 'in'] as const) : [direction]) {
        settings[side] = { ...settings[side], ...patch };
      }
    },
    heal() {
      settings.out = { ...HEALTHY };
      settings.in = { ...HEALTHY };
    },
  } as unknown as TabmeshApi;
  const source = { api, faults: () => settings } as unknown as NodeViewSource;
  return { settings, calls, view: new NodeView(source) };
}

describe('LinkControls', () => {
  it('shows live settings until a field is edited, then keeps the edit', () => {
    const { settings, view } = fakeSource();
    const controls = new LinkControls(view, 'peer1');
    settings.out = { ...settings.out, drop: 0.2 };
    expect(controls.value('drop')).toBe('20');
    controls.edit('drop', '35');
    settings.out = { ...settings.out, drop: 0.5 };
    expect(controls.value('drop')).toBe('35');
    expect(controls.dirty).toBe(true);
  });

  it('applies all fields to the chosen direction as probabilities', () => {
    const { calls, settings, view } = fakeSource();
    const controls = new LinkControls(view, 'peer1');
    controls.setDirection('in');
    controls.edit('drop', '10');
    controls.edit('bandwidthKbps', '64');
    controls.apply();
    expect(calls).toEqual([[{ drop: 0.1, delayMs: 0, jitterMs: 0, duplicate: 0, reorder: 0, bandwidthKbps: 64 }, 'in']]);
    expect(settings.in.drop).toBe(0.1);
    expect(controls.dirty).toBe(false);
    expect(controls.value('drop')).toBe('10');
  });

  it('shows field errors without calling the API, and keeps what was typed', () => {
    const { calls, view } = fakeSource();
    const controls = new LinkControls(view, 'peer1');
    controls.edit('duplicate', '101');
    controls.apply();
    expect(calls).toEqual([]);
    expect(controls.fieldErrors.duplicate).toBe('Duplicate must be 0–100 %, got 101');
    expect(controls.value('duplicate')).toBe('101');
    controls.edit('duplicate', '1');
    expect(controls.fieldErrors.duplicate).toBeUndefined();
  });

  it('shows the RangeError the API throws', () => {
    const { calls, view } = fakeSource();
    const controls = new LinkControls(view, 'peer1');
    controls.edit('delayMs', '99999999');
    controls.apply();
    expect(calls).toEqual([]);
    expect(controls.actionError).toBe('delayMs must be 0..3600000 ms, got 99999999');
    expect(controls.dirty).toBe(true);
  });

  it('cuts the chosen direction and heals the whole link', () => {
    const { settings, view } = fakeSource();
    const controls = new LinkControls(view, 'peer1');
    controls.setDirection('out');
    controls.cut();
    expect([settings.out.cut, settings.in.cut]).toEqual([true, false]);
    controls.edit('drop', '5');
    controls.heal();
    expect([settings.out.cut, settings.in.cut]).toEqual([false, false]);
    expect(controls.dirty).toBe(false);
  });
});
