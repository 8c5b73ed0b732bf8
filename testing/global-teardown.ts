import { closeRegistry, REGISTRY_ENV } from './process-registry.ts';

/** After every worker has exited: kill any browser process of this run still alive, and say so. */
export default function globalTeardown(): void {
  const dir = process.env[REGISTRY_ENV];
  if (!dir) return;
  const killed = closeRegistry(dir);
  if (killed.length > 0) console.log(`tabmesh kit: killed ${killed.length} browser processes still running after the tests: ${killed.join(' ')}`);
}
