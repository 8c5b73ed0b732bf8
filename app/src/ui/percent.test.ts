import { describe, expect, it } from 'vitest';
import { parseDecimal, percentToProbability, probabilityToPercent } from './percent.ts';

describe('percentToProbability', () => {
  it('converts percent to a probability', () => {
    expect(percentToProbability('drop', '0')).toBe(0);
    expect(percentToProbability('drop', '100')).toBe(1);
    expect(percentToProbability('drop', '12.5')).toBe(0.125);
    expect(percentToProbability('drop', ' 30 % ')).toBe(0.3);
    expect(percentToProbability('drop', '0.1')).toBe(0.001);
  });

  it('rejects values outside 0..100 and text that is not a number', () => {
    expect(() => percentToProbability('drop', '150')).toThrow(/drop must be 0–100 %, got 150/);
    expect(() => percentToProbability('drop', '-1')).toThrow(RangeError);
    expect(() => percentToProbability('duplicate', 'lots')).toThrow(/duplicate: "lots" is not a number/);
    expect(() => percentToProbability('drop', '')).toThrow(RangeError);
    expect(() => percentToProbability('drop', '1e2')).toThrow(RangeError);
  });

  it('round-trips through probabilityToPercent without float noise', () => {
    for (const text of ['0', '0.1', '1', '7', '12.5', '33.3', '99.99', '100']) {
      expect(probabilityToPercent(percentToProbability('drop', text))).toBe(text);
    }
    expect(probabilityToPercent(0.1 + 0.2)).toBe('30');
  });
});

describe('parseDecimal', () => {
  it('accepts plain decimals only', () => {
    expect(parseDecimal('delay', ' 250 ')).toBe(250);
    expect(parseDecimal('delay', '.5')).toBe(0.5);
    expect(() => parseDecimal('delay', '0x10')).toThrow(/delay: "0x10" is not a number/);
    expect(() => parseDecimal('delay', 'Infinity')).toThrow(RangeError);
  });
});
