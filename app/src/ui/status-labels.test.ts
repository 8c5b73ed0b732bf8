import { describe, expect, it } from 'vitest';
import type { FaultSettingsView } from '../view-source.ts';
import { clockEntries, cutState, linkLabel, livenessLabel, shortId } from './status-labels.ts';

const open: FaultSettingsView = { drop: 0, delayMs: 0, jitterMs: 0, duplicate: 0, reorder: 0, bandwidthKbps: null, cut: false };
const cut: FaultSettingsView = { ...open, cut: true };

describe('status labels', () => {
  it('reads the cut state from both directions', () => {
    expect(cutState({ out: open, in: open })).toBe('none');
    expect(cutState({ out: cut, in: open })).toBe('out');
    expect(cutState({ out: open, in: cut })).toBe('in');
    expect(cutState({ out: cut, in: cut })).toBe('both');
  });

  it('labels every link state with a symbol and words', () => {
    expect(linkLabel('open', 'none')).toEqual({ symbol: '●', text: 'open', tone: 'good' });
    expect(linkLabel('connecting', 'none').text).toBe('connecting');
    expect(linkLabel('closed', 'none').text).toBe('closed');
    expect(linkLabel('none', 'none').text).toBe('no direct link');
  });

  it('shows a cut over the transport state', () => {
    expect(linkLabel('open', 'both')).toEqual({ symbol: '✕', text: 'cut', tone: 'bad' });
    expect(linkLabel('open', 'out').text).toBe('cut outgoing');
    expect(linkLabel('none', 'in').text).toBe('cut incoming');
  });

  it('labels liveness without relying on colour', () => {
    expect(livenessLabel('alive')).toEqual({ symbol: '♥', text: 'alive', tone: 'good' });
    expect(livenessLabel('suspected')).toEqual({ symbol: '?', text: 'suspected', tone: 'warn' });
    expect(livenessLabel('dead')).toEqual({ symbol: '†', text: 'dead', tone: 'bad' });
    expect(livenessLabel('unknown').text).toBe('not in membership');
  });

  it('orders clock entries by id and shortens long ids', () => {
    expect(clockEntries({ b: 2, a: 1, c: 0 })).toEqual([['a', 1], ['b', 2], ['c', 0]]);
    expect(shortId('abc')).toBe('abc');
    expect(shortId('abcdefgh')).toBe('abcdefgh');
    expect(shortId('abcdefghij')).toBe('abcdef…');
  });
});
