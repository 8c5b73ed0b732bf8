import { describe, expect, it } from 'vitest';
import { hueOf } from '../ui/node-colour.ts';
import { presenceColour } from './colour.ts';

describe('presenceColour', () => {
  it('is a #rrggbb colour of the hue the page paints the node with', () => {
    for (const id of ['a', 'abc123', 'zzzzzzzzzzzz', 'k7m2p9q4r8s3']) {
      const hex = presenceColour(id);
      expect(hex).toMatch(/^#[0-9a-f]{6}$/);
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      const d = max - min;
      const hue = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
      expect(Math.abs(hue * 60 - hueOf(id))).toBeLessThan(2);
      expect((max + min) / 2).toBeCloseTo(0.38, 1);
    }
  });
});
