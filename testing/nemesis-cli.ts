import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseNemesisArgs, USAGE } from './nemesis-args.ts';

/**
 * `npm run test:nemesis -- --seeds N --seed-base S`: runs e2e/nemesis.spec.ts once per seed
 * (a whole Playwright run each, so one seed's browsers never carry over into the next), prints
 * every seed's result and time, and exits 1 if any seed failed.
 */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function runSeed(seed: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['playwright', 'test', 'e2e/nemesis.spec.ts'], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, TABMESH_NEMESIS_SEED: String(seed) },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseNemesisArgs(process.argv.slice(2), () => {
      const [n = 0] = crypto.getRandomValues(new Uint32Array(1));
      return n;
    });
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    console.error(USAGE);
    return 2;
  }
  const { seeds, seedBase } = args;
  console.log(`nemesis: ${seeds} seed(s) from ${seedBase}${args.randomBase ? ' (random base)' : ''}; repeat with: npm run test:nemesis -- --seeds ${seeds} --seed-base ${seedBase}`);
  const results: { seed: number; ok: boolean; seconds: number }[] = [];
  for (let seed = seedBase; seed < seedBase + seeds; seed++) {
    const started = Date.now();
    const code = await runSeed(seed);
    results.push({ seed, ok: code === 0, seconds: Math.round((Date.now() - started) / 1000) });
  }
  console.log('\nnemesis results:');
  for (const r of results) console.log(`  seed ${r.seed}: ${r.ok ? 'passed' : 'FAILED'} in ${r.seconds} s${r.ok ? '' : `  (replay: TABMESH_NEMESIS_SEED=${r.seed} npx playwright test e2e/nemesis.spec.ts)`}`);
  const failed = results.filter((r) => !r.ok);
  console.log(`${results.length - failed.length} of ${results.length} seeds passed in ${results.reduce((s, r) => s + r.seconds, 0)} s`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
