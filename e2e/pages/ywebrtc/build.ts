import { fileURLToPath } from 'node:url';

const pageRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds the y-webrtc compatibility page (index.html + main.ts here) into `outDir`, for the e2e
 * test and the y-webrtc comparison benchmark. Its own config, not the app's: it shares no
 * sources with app/. Asset paths are relative, so any static server can serve it from any path.
 *
 * No Node shims, unlike the app: y-webrtc imports simple-peer's browserified bundle
 * (simple-peer/simplepeer.min.js), which carries its own events, buffer and process.
 */
export async function buildYWebrtcPage(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: false, root: pageRoot, base: './', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}
