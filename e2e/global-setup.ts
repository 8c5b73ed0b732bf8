import { fileURLToPath } from 'node:url';
import { buildApp } from '../signaling/app-build.ts';

/** Builds dist/ once, so every test runs against the app exactly as `npm start` serves it. */
export default async function globalSetup(): Promise<void> {
  await buildApp(fileURLToPath(new URL('..', import.meta.url)));
}
