import { describe, expect, it } from 'vitest';
import { tabAfterKey } from './tabs.ts';

describe('tabAfterKey', () => {
  it('moves with the arrows and wraps, jumps with Home and End, ignores other keys', () => {
    expect(tabAfterKey(0, 'ArrowRight', 3)).toBe(1);
    expect(tabAfterKey(2, 'ArrowRight', 3)).toBe(0);
    expect(tabAfterKey(0, 'ArrowLeft', 3)).toBe(2);
    expect(tabAfterKey(1, 'ArrowUp', 3)).toBe(0);
    expect(tabAfterKey(1, 'Home', 3)).toBe(0);
    expect(tabAfterKey(0, 'End', 3)).toBe(2);
    expect(tabAfterKey(0, 'a', 3)).toBeNull();
    expect(tabAfterKey(0, 'ArrowRight', 0)).toBeNull();
  });
});
