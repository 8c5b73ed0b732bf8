import { createSignalingServer } from '../../signaling/server.ts';
import type { FromServerHost } from '../signaling-load-config.ts';

/**
 * Child process of the browser benches: one tabmesh server (signaling at /signal, default
 * options, as `npm start` runs it) serving the directory named in argv[2], on 127.0.0.1. It runs
 * in its own process, like y-webrtc's server (../signaling-server-host.ts), so neither shares an
 * event loop with the orchestrator driving the browsers. Exits when the orchestrator goes away.
 */
async function main(staticDir: string | undefined): Promise<void> {
  if (staticDir === undefined) throw new Error('usage: static-server-host.ts <directory>');
  const server = createSignalingServer({ host: '127.0.0.1', port: 0, staticDir });
  const { port } = await server.listen();
  const message: FromServerHost = { type: 'listening', port };
  process.send?.(message);
}

process.on('disconnect', () => process.exit(0));
main(process.argv[2]).catch((error: unknown) => {
  const message: FromServerHost = { type: 'failed', reason: error instanceof Error ? error.message : String(error) };
  process.send?.(message);
  process.exit(1);
});
