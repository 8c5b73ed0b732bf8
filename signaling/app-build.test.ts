import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staleBuildReason } from './app-build.ts';

let root: string;
const dist = () => join(root, 'dist');
const at = (path: string, seconds: number) => utimes(path, seconds, seconds);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tabmesh-build-'));
  await mkdir(join(root, 'app', 'src', 'views'), { recursive: true });
  await writeFile(join(root, 'app', 'index.html'), '<html>');
  await writeFile(join(root, 'app', 'src', 'views', 'Panel.svelte'), '<p>');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('staleBuildReason', () => {
  it('asks for a build when dist/index.html is missing', async () => {
    expect(await staleBuildReason(root, dist())).toBe('dist/index.html is missing');
  });

  it('is satisfied by a build newer than every source, and not by an older one', async () => {
    await mkdir(dist());
    await writeFile(join(dist(), 'index.html'), '<html>');
    for (const file of ['app/index.html', 'app/src/views/Panel.svelte']) await at(join(root, file), 1000);
    await at(join(dist(), 'index.html'), 2000);
    expect(await staleBuildReason(root, dist())).toBeUndefined();
    await at(join(root, 'app', 'src', 'views', 'Panel.svelte'), 3000);
    expect(await staleBuildReason(root, dist())).toMatch(/Panel\.svelte changed since the last build$/);
    await at(join(root, 'app', 'src', 'views', 'Panel.svelte'), 1000);
    await writeFile(join(root, 'vite.config.ts'), 'export default {}');
    await at(join(root, 'vite.config.ts'), 3000);
    expect(await staleBuildReason(root, dist())).toBe('vite.config.ts changed since the last build');
  });

  it('counts the shipped scenarios as sources, since the instructor view bundles them', async () => {
    await mkdir(dist());
    await writeFile(join(dist(), 'index.html'), '<html>');
    await mkdir(join(root, 'scenarios'));
    await writeFile(join(root, 'scenarios', 'split-brain.json'), '{}');
    for (const file of ['app/index.html', 'app/src/views/Panel.svelte', 'scenarios/split-brain.json']) await at(join(root, file), 1000);
    await at(join(dist(), 'index.html'), 2000);
    expect(await staleBuildReason(root, dist())).toBeUndefined();
    await at(join(root, 'scenarios', 'split-brain.json'), 3000);
    expect(await staleBuildReason(root, dist())).toMatch(/split-brain\.json changed since the last build$/);
  });
});
