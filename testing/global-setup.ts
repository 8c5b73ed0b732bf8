import { describeDiscovery, discover, ENGINES } from './browsers.ts';
import { openRegistry, REGISTRY_ENV } from './process-registry.ts';

/**
 * Before any test: fail the run in one sentence when there is no Chromium to run it with, say
 * which binary each engine will use, and open the registry of browser processes (cleaning up
 * after an earlier run that was killed before its teardown).
 */
export default function globalSetup(): void {
  const chromium = discover('chromium');
  if ('missing' in chromium) throw new Error(chromium.missing);
  for (const engine of ENGINES) console.log(`tabmesh kit: ${describeDiscovery(engine, engine === 'chromium' ? chromium : discover(engine))}`);
  const { dir, staleKilled } = openRegistry();
  if (staleKilled.length > 0) console.log(`tabmesh kit: killed ${staleKilled.length} browser processes left by an earlier run that was killed: ${staleKilled.join(' ')}`);
  // Workers start after global setup and inherit the runner's environment.
  process.env[REGISTRY_ENV] = dir;
}
