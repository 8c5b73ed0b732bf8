import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildApp } from '../signaling/app-build.ts';
import { machineLine, table, writeSection } from './results-file.ts';

/**
 * `npm run bench:bundle`: the production build's JavaScript, raw and gzipped, per file and in
 * total. It builds with the repository's vite.config.ts into a temporary directory, so a server
 * or an e2e run serving dist/ right now is not disturbed; the files are the ones `npm run build`
 * writes to dist/assets. One JSON object per file, then the total, on stdout.
 */
const TARGET_GZIP_BYTES = 150_000;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

interface FileSize {
  readonly file: string;
  readonly rawBytes: number;
  readonly gzipBytes: number;
}

const kb = (bytes: number): string => (bytes / 1000).toFixed(1);

async function main(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'tabmesh-bundle-'));
  try {
    const started = performance.now();
    await buildApp(repoRoot, { build: { outDir, emptyOutDir: true } });
    const buildSeconds = (performance.now() - started) / 1000;
    const assets = join(outDir, 'assets');
    const files: FileSize[] = readdirSync(assets)
      .filter((name) => name.endsWith('.js'))
      .sort()
      .map((file) => {
        const bytes = readFileSync(join(assets, file));
        // zlib's default level 6, what a web server typically serves; level 9 would be a little smaller.
        return { file, rawBytes: bytes.length, gzipBytes: gzipSync(bytes).length };
      });
    if (files.length === 0) throw new Error(`the build wrote no JavaScript to ${assets}`);
    for (const f of files) console.log(JSON.stringify(f));
    const total = { file: 'total', rawBytes: sum(files, 'rawBytes'), gzipBytes: sum(files, 'gzipBytes') };
    console.log(JSON.stringify(total));
    const pass = total.gzipBytes <= TARGET_GZIP_BYTES;
    const rows = [...files, total].map((f) => [f.file, f.rawBytes, kb(f.rawBytes), f.gzipBytes, kb(f.gzipBytes)]);
    writeSection(
      'bundle',
      `## Bundle size of the app

Command: \`npm run bench:bundle\` — ${machineLine()}.
\`vite build\` with the repository's vite.config.ts, built into a temporary directory so that a running server's dist/ is untouched; the build took ${buildSeconds.toFixed(1)} s. Every .js file of assets/ counts, the worker included. Gzip is node:zlib at its default level 6, file by file (as a server sends them). 1 kB = 1,000 bytes.

${table(['file', 'raw bytes', 'raw kB', 'gzip bytes', 'gzip kB'], rows)}

- **App JS ≤ 150 kB gzip**: ${kb(total.gzipBytes)} kB (${total.gzipBytes.toLocaleString('en-US')} bytes) gzip in ${files.length} file${files.length === 1 ? '' : 's'}, ${kb(total.rawBytes)} kB raw → **${pass ? 'PASS' : 'FAIL'}**.`,
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function sum(files: readonly FileSize[], key: 'rawBytes' | 'gzipBytes'): number {
  return files.reduce((total, f) => total + f[key], 0);
}

main().catch((error: unknown) => {
  console.error(`bench:bundle failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
