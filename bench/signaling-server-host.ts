import { Server, type AddressInfo } from 'node:net';
import { createSignalingServer } from '../signaling/server.ts';
import { TABMESH_BENCH_OPTIONS, type FromServerHost, type ToServerHost } from './signaling-load-config.ts';

/**
 * Child process of the signaling capacity bench: runs one server under test and nothing else,
 * so /proc/<pid>/status of this process is that server's memory. argv[2] names the server.
 * Both servers run under the same runtime (node + tsx loader), so the baseline is shared.
 * Exits when the orchestrator's IPC channel closes, so an orchestrator crash leaves no orphan.
 */

function report(message: FromServerHost): void {
  process.send?.(message);
}

/**
 * y-webrtc's bin/server.js calls `server.listen(process.env.PORT || 4444)`, which binds every
 * interface and takes no host. The bench keeps all traffic on loopback, so its one-argument
 * listen is redirected to 127.0.0.1 here (PORT=0 picks a free port) and the port is reported.
 */
function bindLoopbackAndReport(): void {
  const original = Server.prototype.listen;
  Server.prototype.listen = function listenOnLoopback(this: Server, ...args: unknown[]): Server {
    const [port] = args;
    if (args.length !== 1 || (typeof port !== 'string' && typeof port !== 'number')) {
      throw new Error('signaling-server-host: y-webrtc called listen() in an unexpected way; not binding');
    }
    this.once('listening', () => report({ type: 'listening', port: (this.address() as AddressInfo).port }));
    return Reflect.apply(original, this, [Number(port), '127.0.0.1']) as Server;
  };
}

async function main(dialect: string | undefined): Promise<void> {
  if (dialect === 'tabmesh') {
    const server = createSignalingServer({ host: '127.0.0.1', port: 0, ...TABMESH_BENCH_OPTIONS });
    const { port } = await server.listen();
    process.on('message', (message: ToServerHost) => {
      if (message.type === 'stats') report({ type: 'stats', errors: server.stats().errors });
    });
    report({ type: 'listening', port });
  } else if (dialect === 'y-webrtc') {
    process.env.PORT = '0';
    bindLoopbackAndReport();
    process.on('message', (message: ToServerHost) => {
      if (message.type === 'stats') report({ type: 'stats', errors: undefined });
    });
    await import(new URL('../node_modules/y-webrtc/bin/server.js', import.meta.url).href);
  } else {
    throw new Error(`usage: signaling-server-host.ts tabmesh|y-webrtc (got ${String(dialect)})`);
  }
}

process.on('disconnect', () => process.exit(0));
main(process.argv[2]).catch((error: unknown) => {
  report({ type: 'failed', reason: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
