/**
 * Arguments of `npm run test:nemesis -- --seeds N --seed-base S`: N seeds (default 10) from S
 * on (default a random base, printed so the run can be repeated). Bad input is refused with
 * the flag it concerns.
 */
export interface NemesisArgs {
  readonly seeds: number;
  readonly seedBase: number;
  /** Whether the base was drawn at random. */
  readonly randomBase: boolean;
}

export const USAGE = 'usage: npm run test:nemesis -- [--seeds N] [--seed-base S]   (N from 1 to 1000, default 10; S from 0 to 4294967295, default random)';
const MAX_SEED = 0xffffffff;

function integer(flag: string, raw: string | undefined, min: number, max: number): number {
  if (raw === undefined) throw new RangeError(`${flag} needs a value; ${USAGE}`);
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new RangeError(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** `random` draws the base when none is given: an integer in [0, 2^32). */
export function parseNemesisArgs(argv: readonly string[], random: () => number): NemesisArgs {
  let seeds = 10;
  let seedBase: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--seeds') seeds = integer('--seeds', value(), 1, 1000);
    else if (flag === '--seed-base') seedBase = integer('--seed-base', value(), 0, MAX_SEED);
    else throw new RangeError(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`);
  }
  if (seedBase !== undefined && seedBase + seeds - 1 > MAX_SEED) throw new RangeError(`--seed-base ${seedBase} plus ${seeds} seeds passes ${MAX_SEED}`);
  const randomBase = seedBase === undefined;
  return { seeds, seedBase: seedBase ?? Math.min(random(), MAX_SEED - seeds + 1), randomBase };
}
