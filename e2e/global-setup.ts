import { fileURLToPath } from 'node:url';
import { buildApp } from '../signaling/app-build.ts';
import { buildYWebrtcPage } from './pages/ywebrtc/build.ts';

/**
 * Builds dist/ once, so every test runs against the app exactly as `npm start` serves it, and
 * the y-webrtc comparison page (a stock WebrtcProvider) into dist-pages/. One after the other:
 * two Vite builds at once only compete for the same two cores.
 */
export default async function globalSetup(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  await buildApp(root);
  await buildYWebrtcPage(fileURLToPath(new URL('../dist-pages/ywebrtc/', import.meta.url)));
}
