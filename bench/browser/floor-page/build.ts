import { fileURLToPath } from 'node:url';

const pageRoot = fileURLToPath(new URL('.', import.meta.url));

/** Builds the floor page into `outDir` with relative asset paths (served from any path). */
export async function buildFloorPage(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: false, root: pageRoot, base: './', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}
