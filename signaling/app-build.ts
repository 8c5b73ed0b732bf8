import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InlineConfig } from 'vite';

/**
 * Keeps dist/ in step with the sources for `npm start`: the teacher runs one command, so a
 * fresh checkout or an edited component must not serve a missing or stale app.
 */

/** Files past this many are not looked at; app/ is a few hundred sources, so this never binds. */
const MAX_FILES_SCANNED = 20_000;

/** Why dist/ must be rebuilt, or undefined when dist/index.html is newer than every source. */
export async function staleBuildReason(repoRoot: string, distDir: string): Promise<string | undefined> {
  const built = await mtime(join(distDir, 'index.html'));
  if (built === undefined) return 'dist/index.html is missing';
  const config = await mtime(join(repoRoot, 'vite.config.ts'));
  if (config !== undefined && config > built) return 'vite.config.ts changed since the last build';
  const budget = { left: MAX_FILES_SCANNED };
  // scenarios/ holds the instructor view's shipped scenarios, bundled into the app.
  for (const dir of ['app', 'scenarios']) {
    const newest = await newestUnder(join(repoRoot, dir), budget);
    if (newest !== undefined && newest.mtime > built) return `${newest.path} changed since the last build`;
  }
  return undefined;
}

/**
 * Runs Vite's production build with the repository's vite.config.ts, named explicitly so the
 * build does not depend on the working directory. Without a config, Vite's defaults apply.
 * `overrides` is merged over the config (tests use it to build somewhere harmless).
 */
export async function buildApp(repoRoot: string, overrides: InlineConfig = {}): Promise<void> {
  const { build } = await import('vite');
  const configFile = join(repoRoot, 'vite.config.ts');
  const base: InlineConfig = (await mtime(configFile)) === undefined ? { root: repoRoot } : { configFile };
  await build({ ...base, logLevel: 'warn', ...overrides });
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

interface Newest {
  readonly path: string;
  readonly mtime: number;
}

async function newestUnder(dir: string, budget: { left: number }): Promise<Newest | undefined> {
  let newest: Newest | undefined;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (budget.left-- <= 0) break;
    const path = join(dir, entry.name);
    let found: Newest | undefined;
    if (entry.isDirectory() && entry.name !== 'node_modules') found = await newestUnder(path, budget);
    else if (entry.isFile()) found = { path, mtime: (await mtime(path)) ?? 0 };
    if (found !== undefined && (newest === undefined || found.mtime > newest.mtime)) newest = found;
  }
  return newest;
}
