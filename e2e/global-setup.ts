import { fileURLToPath } from 'node:url';
import { buildApp } from '../signaling/app-build.ts';
import { buildYWebrtcPage } from './pages/ywebrtc/build.ts';

/**
 * Builds dist/ once, so every test runs against the app exactly as `npm start` serves it, and
 * the y-webrtc compatibility page into dist-pages/ywebrtc/. One after the other: two Vite
 * builds at once only fight over the machine's two cores.
 */
export default async function globalSetup(): Promise<void> {
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  await buildApp(repoRoot);
  await buildYWebrtcPage(fileURLToPath(new URL('../dist-pages/ywebrtc/', import.meta.url)));
}
