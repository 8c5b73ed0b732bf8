import { describe, expect, it } from 'vitest';
import { parseNemesisArgs } from './nemesis-args.ts';

const never = (): number => {
  throw new Error('no random base expected');
};

describe('npm run test:nemesis arguments', () => {
  it('takes --seeds and --seed-base, with or without =', () => {
    expect(parseNemesisArgs(['--seeds', '3', '--seed-base=40'], never)).toEqual({ seeds: 3, seedBase: 40, randomBase: false });
  });

  it('draws and reports a random base when none is given', () => {
    expect(parseNemesisArgs([], () => 1234)).toEqual({ seeds: 10, seedBase: 1234, randomBase: true });
    // A drawn base leaves room for every seed below 2^32.
    expect(parseNemesisArgs(['--seeds', '5'], () => 0xffffffff).seedBase).toBe(0xffffffff - 4);
  });

  it('refuses bad input, naming the flag', () => {
    expect(() => parseNemesisArgs(['--seeds', '0'], never)).toThrow(/--seeds must be an integer from 1 to 1000, got "0"/);
    expect(() => parseNemesisArgs(['--seed-base', '-1'], never)).toThrow(/--seed-base must be an integer/);
    expect(() => parseNemesisArgs(['--seeds'], never)).toThrow(/--seeds needs a value/);
    expect(() => parseNemesisArgs(['--seed', '1'], never)).toThrow(/unknown argument "--seed"/);
    expect(() => parseNemesisArgs(['--seed-base', '4294967295', '--seeds', '2'], never)).toThrow(/passes 4294967295/);
  });
});
