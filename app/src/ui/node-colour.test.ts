import { describe, expect, it } from 'vitest';
import { hueOf, nodeColour, nodeTint } from './node-colour.ts';

describe('node colour', () => {
  it('is the same for the same id on every call', () => {
    expect(nodeColour('k3Xq-9')).toBe(nodeColour('k3Xq-9'));
    expect(nodeTint('k3Xq-9')).toBe(`hsl(${hueOf('k3Xq-9')} 70% 94%)`);
  });

  it('gives a hue in 0..359 and spreads neighbouring ids apart', () => {
    const hues = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8'].map(hueOf);
    for (const h of hues) expect(h >= 0 && h < 360 && Number.isInteger(h)).toBe(true);
    expect(new Set(hues).size).toBe(hues.length);
  });

  it('matches FNV-1a for a known input', () => {
    // FNV-1a 32-bit of "a" is 0xe40c292c.
    expect(hueOf('a')).toBe(0xe40c292c % 360);
  });
});
