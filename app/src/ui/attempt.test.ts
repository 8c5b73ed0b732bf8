import { describe, expect, it } from 'vitest';
import { attempt } from './attempt.ts';

describe('attempt', () => {
  it('returns null when the action succeeds', () => {
    let ran = false;
    expect(
      attempt(() => {
        ran = true;
      }),
    ).toBeNull();
    expect(ran).toBe(true);
  });

  it('returns the message of what the action threw', () => {
    expect(
      attempt(() => {
        throw new RangeError('drop must be a probability from 0 to 1, got 2');
      }),
    ).toBe('drop must be a probability from 0 to 1, got 2');
    expect(
      attempt(() => {
        throw 'plain string';
      }),
    ).toBe('plain string');
  });
});
